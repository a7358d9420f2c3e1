import { api, call, signedIn } from "../api/client";
import { loadMe, me, setMe } from "./me";

export async function checkSession(): Promise<void> {
  try {
    await loadMe();
    signedIn.value = true;
  } catch {
    me.value = null;
    signedIn.value = false;
  }
}

/** The admin token (the owner's bootstrap credential). */
export async function signIn(token: string): Promise<void> {
  setMe(await call(api.session.$post({ json: { token } })));
  signedIn.value = true;
}

/** A team member's own account. */
export async function signInWithPassword(email: string, password: string): Promise<void> {
  setMe(await call(api.session.$post({ json: { email, password } })));
  signedIn.value = true;
}

/** Sets the password an invite asks for; the answer is a session, like signing in. */
export async function acceptInvite(token: string, password: string): Promise<void> {
  setMe(await call(api.invites.accept.$post({ json: { token, password } })));
  // Opened while signed in as someone else: the realtime socket reconnects as the invitee.
  if (signedIn.peek() === true) signedIn.value = false;
  signedIn.value = true;
}

export async function signOut(): Promise<void> {
  await call(api.session.$delete());
  me.value = null;
  signedIn.value = false;
}

export { signedIn };
