import { useRoute } from "preact-iso";
import { ContactList } from "./list";

// /contacts, /contacts/new (add form over the list), /contacts/<id> (edit form over the list):
// the list stays mounted under the modal, so its filters, scroll and selection survive.
export function Contacts() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  return <ContactList modal={rest === "" ? null : rest} />;
}
