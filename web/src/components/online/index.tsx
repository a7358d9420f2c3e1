import { me, online } from "../../state/presence";

/** Who has a dashboard open now: a count in the top bar, the names when opened. */
export function OnlineList() {
  const people = online.value;
  if (people.length === 0) return null;
  const self = me.value;
  return (
    <details class="online" data-testid="online">
      <summary class="small" title="Who is online now">
        <span class="presence-dot" aria-hidden="true" /> {people.length} online
      </summary>
      <ul class="online-list small" aria-label="Online now">
        {people.map((p) => (
          <li key={p.user_id ?? "owner-token"} data-testid="online-person">
            {p.name}
            {p.user_id === self ? (
              <span class="muted"> (you)</span>
            ) : p.typing ? (
              <span class="muted"> · typing</span>
            ) : p.viewing ? (
              <span class="muted"> · in a conversation</span>
            ) : null}
          </li>
        ))}
      </ul>
    </details>
  );
}
