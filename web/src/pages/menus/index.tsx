import { useRoute } from "preact-iso";
import { MenuEditor } from "./editor";
import { MenuList } from "./list";

export function Workflows() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <MenuList />;
  return <MenuEditor id={rest === "new" ? null : rest} />;
}
