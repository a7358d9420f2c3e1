import { useRoute } from "preact-iso";
import { WorkflowEditor } from "./editor";
import { WorkflowList } from "./list";

export function Workflows() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <WorkflowList />;
  return <WorkflowEditor id={rest === "new" ? null : rest} />;
}
