import { useRoute } from "preact-iso";
import { AgentForm } from "./form";
import { AgentList } from "./list";

/** /agents (list), /agents/new, /agents/<id> (edit). */
export function Agents() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <AgentList />;
  return <AgentForm id={rest === "new" ? null : rest} />;
}
