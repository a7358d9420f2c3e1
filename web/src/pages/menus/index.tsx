import { useRoute } from "preact-iso";
import { adminOnly } from "../../components/role-gate";
import { MenuEditor } from "./editor";
import { MenuList } from "./list";

/** /menus (the list), /menus/new and /menus/<id> (the editor). */
function MenusPage() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <MenuList />;
  return <MenuEditor id={rest === "new" ? null : rest} />;
}

export const Menus = adminOnly("Menus", MenusPage);
