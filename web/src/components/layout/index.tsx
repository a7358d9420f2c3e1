import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { canAdmin, me } from "../../state/me";
import { signOut } from "../../state/session";
import { LiveIndicator } from "../live-indicator";
import { OnlineList } from "../online";
import { Toasts } from "../toasts";

/** `admin`: for owners and admins only (the API answers an agent 403 there). */
export const NAV = [
  { href: "/instances", label: "Instances" },
  { href: "/contacts", label: "Contacts" },
  { href: "/inbox", label: "Inbox" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/agents", label: "Agents" },
  { href: "/menus", label: "Menus", admin: true },
  { href: "/team", label: "Team", admin: true },
  { href: "/audit", label: "Audit", admin: true },
];

export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const open = useSignal(false);
  return (
    <div class="layout">
      <header class="topbar">
        <a class="brand" href="/instances">
          Parley
        </a>
        <button type="button" class="menu-toggle" aria-label="Menu" aria-expanded={open} onClick={() => (open.value = !open.value)}>
          ☰
        </button>
        <nav class={open.value ? "nav open" : "nav"} aria-label="Main">
          {NAV.filter((n) => !n.admin || canAdmin.value).map((n) => (
            // Following a link closes the phone menu.
            <a key={n.href} href={n.href} class={path.startsWith(n.href) ? "active" : undefined} onClick={() => (open.value = false)}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <LiveIndicator />
          <OnlineList />
          <a href="/profile" class={`topbar-me small${path.startsWith("/profile") ? " active" : ""}`} data-testid="me" title="Your profile">
            {me.value?.user?.name ?? "Owner (admin token)"}
          </a>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main class="content">{children}</main>
      <Toasts />
      <footer class="footer">
        Parley connects to WhatsApp through <a href="https://github.com/EvolutionAPI/evolution-api">Evolution API</a> (Apache-2.0, with its notice).{" "}
        <a href="/about">About</a>
      </footer>
    </div>
  );
}
