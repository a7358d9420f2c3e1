import { viewersOf } from "../../state/presence";

const names = (list: string[]) => (list.length <= 2 ? list.join(" and ") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`);

/** "Ana is typing · Bruno is viewing": the others on this conversation now, live from the hub. */
export function PresenceLine({ conversationId }: { conversationId: string }) {
  const others = viewersOf(conversationId);
  if (others.length === 0) return null;
  const typing = others.filter((p) => p.typing).map((p) => p.name);
  const viewing = others.filter((p) => !p.typing).map((p) => p.name);
  const parts = [
    typing.length ? `${names(typing)} ${typing.length === 1 ? "is" : "are"} typing…` : "",
    viewing.length ? `${names(viewing)} ${viewing.length === 1 ? "is" : "are"} viewing` : "",
  ].filter(Boolean);
  return (
    <p class={`presence-line small${typing.length ? " typing" : ""}`} role="status" data-testid="presence">
      <span class="presence-dot" aria-hidden="true" />
      {parts.join(" · ")}
    </p>
  );
}
