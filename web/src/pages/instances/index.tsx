import { useRoute } from "preact-iso";
import { adminOnly } from "../../components/role-gate";
import { InstanceList } from "./list";
import { NewInstance } from "./new";
import { ShowInstance } from "./show";

// Connecting a number and its live channel (QR, pairing) are for owners and admins.
const NewForAdmins = adminOnly("Connect a number", NewInstance);
const ShowForAdmins = adminOnly("Instance", ShowInstance);

export function Instances() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <InstanceList />;
  if (rest === "new") return <NewForAdmins />;
  // Keyed: another instance is another channel.
  return <ShowForAdmins key={rest} id={rest} />;
}
