import type { Principal } from "./team/principal";

export type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string; principal?: Principal };
};
