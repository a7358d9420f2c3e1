import { api, request, signedIn } from "../api/client";

export async function checkSession(): Promise<void> {
  try {
    await request("/api/session");
    signedIn.value = true;
  } catch {
    signedIn.value = false;
  }
}

export async function signIn(token: string): Promise<void> {
  await api.post("/api/session", { token });
  signedIn.value = true;
}

export async function signOut(): Promise<void> {
  await request("/api/session", { method: "DELETE" });
  signedIn.value = false;
}

export { signedIn };
