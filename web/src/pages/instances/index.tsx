import { useRoute } from "preact-iso";
import { InstanceList } from "./list";
import { NewInstance } from "./new";
import { ShowInstance } from "./show";

export function Instances() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <InstanceList />;
  if (rest === "new") return <NewInstance />;
  // Keyed: another instance is another channel.
  return <ShowInstance key={rest} id={rest} />;
}
