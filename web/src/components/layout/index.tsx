import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { signOut } from "../../state/session";
import { LiveIndicator } from "../live-indicator";

export const NAV = [
  { href: "/instances", label: "Instances" },
  { href: "/contacts", label: "Contacts" },
  { href: "/inbox", label: "Inbox" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/agents", label: "Agents" },
  { href: "/menus", label: "Menus" },
];

export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  return (
    <div class="layout">
      <header class="topbar">
        <a class="brand" href="/instances">
          Parley
        </a>
        <button class="menu-toggle" aria-label="Menu" aria-expanded={open} onClick={() => setOpen(!open)}>
          ☰
        </button>
        <nav class={open ? "nav open" : "nav"} aria-label="Main" onClick={() => setOpen(false)}>
          {NAV.map((n) => (
            <a key={n.href} href={n.href} class={path.startsWith(n.href) ? "active" : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <LiveIndicator />
          <button class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main class="content">{children}</main>
      <footer class="footer">
        Parley connects to WhatsApp through <a href="https://github.com/EvolutionAPI/evolution-api">Evolution API</a> (Apache-2.0, with its notice).{" "}
        <a href="/about">About</a>
      </footer>
    </div>
  );
}
