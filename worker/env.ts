export type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string; auth?: "bearer" | "session" };
};
