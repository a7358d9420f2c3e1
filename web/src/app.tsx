import { useEffect } from "preact/hooks";
import { ErrorBoundary, LocationProvider, lazy, Route, Router, useLocation, useRoute } from "preact-iso";
import { Layout } from "./components/layout";
import { AcceptInvite } from "./pages/accept-invite";
import { SignIn } from "./pages/signin";
import { checkSession, signedIn } from "./state/session";

const Instances = lazy(() => import("./pages/instances").then((m) => m.Instances));
const Contacts = lazy(() => import("./pages/contacts").then((m) => m.Contacts));
const Inbox = lazy(() => import("./pages/inbox").then((m) => m.Inbox));
const Campaigns = lazy(() => import("./pages/campaigns").then((m) => m.Campaigns));
const Agents = lazy(() => import("./pages/agents").then((m) => m.Agents));
const Menus = lazy(() => import("./pages/menus").then((m) => m.Menus));
const Team = lazy(() => import("./pages/team").then((m) => m.Team));
const Profile = lazy(() => import("./pages/profile").then((m) => m.Profile));
const Audit = lazy(() => import("./pages/audit").then((m) => m.Audit));
const About = lazy(() => import("./pages/about").then((m) => m.About));
const NotFound = lazy(() => import("./pages/not-found").then((m) => m.NotFound));

/** A page that moved: replaces the address (history keeps no stop here) with where it lives now. */
function redirect(to: (rest: string) => string) {
  return function Redirect() {
    const { params } = useRoute();
    const { route } = useLocation();
    useEffect(() => route(`${to(params.rest ?? "")}${location.search}`, true), []);
    return null;
  };
}
const Home = redirect(() => "/instances");
// Menus were called workflows in the dashboard: old links and bookmarks still land on them.
const OldMenus = redirect((rest) => (rest ? `/menus/${rest}` : "/menus"));

function Shell() {
  // The realtime hub follows the session by itself (state/realtime.ts).
  const state = signedIn.value;
  const { path } = useLocation();
  // An invite link is opened signed out (or as someone else): accepting it signs in as the invitee.
  if (path === "/accept-invite") return <AcceptInvite />;
  if (state === null) return <div class="boot">Loading…</div>;
  if (state === false) return <SignIn />;
  return (
    <Layout>
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/instances/:rest*" component={Instances} />
          <Route path="/contacts/:rest*" component={Contacts} />
          <Route path="/inbox/:rest*" component={Inbox} />
          <Route path="/campaigns/:rest*" component={Campaigns} />
          <Route path="/agents/:rest*" component={Agents} />
          <Route path="/menus/:rest*" component={Menus} />
          <Route path="/workflows/:rest*" component={OldMenus} />
          <Route path="/team" component={Team} />
          <Route path="/profile" component={Profile} />
          <Route path="/audit" component={Audit} />
          <Route path="/about" component={About} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </Layout>
  );
}

export function App() {
  useEffect(() => void checkSession(), []);
  return (
    <LocationProvider>
      <Shell />
    </LocationProvider>
  );
}
