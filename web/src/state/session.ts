import { api, call, signedIn } from "../api/client";

export async function checkSession(): Promise<void> {
  try {
    await call(api.session.$get());
    signedIn.value = true;
  } catch {
    signedIn.value = false;
  }
}

export async function signIn(token: string): Promise<void> {
  await call(api.session.$post({ json: { token } }));
  signedIn.value = true;
}

export async function signOut(): Promise<void> {
  await call(api.session.$delete());
  signedIn.value = false;
}

export { signedIn };
