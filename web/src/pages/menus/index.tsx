import { useRoute } from "preact-iso";
import { MenuEditor } from "./editor";
import { MenuList } from "./list";

/** /menus (the list), /menus/new and /menus/<id> (the editor). */
export function Menus() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <MenuList />;
  return <MenuEditor id={rest === "new" ? null : rest} />;
}
