import { useRoute } from "preact-iso";
import { adminOnly } from "../../components/role-gate";
import { AgentForm } from "./form";
import { AgentList } from "./list";

const FormForAdmins = adminOnly("AI agent", AgentForm);

/** /agents (list), /agents/new, /agents/<id> (edit; owners and admins). */
export function Agents() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <AgentList />;
  return <FormForAdmins id={rest === "new" ? null : rest} />;
}
