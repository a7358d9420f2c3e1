// /api/api-keys: personal API keys (Authorization: Bearer pk_…), acting with their creator's
// role. The key is shown once; D1 keeps its hash.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { newId, randomToken } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import { audit } from "./audit";
import { API_KEY_PREFIX } from "./auth";
import { secretHash } from "./password";
import type { Principal } from "./principal";
import { insertApiKey, listApiKeys, revokeApiKey } from "./sessions.queries";
import { apiKeyBody, idParam } from "./team.schemas";

const ownerOf = (p: Principal) => {
  if (!p.user) throw new ApiError(400, "no_account", "API keys belong to a person: create your own account first (the admin token is already a key)");
  return p.user.id;
};

export const apiKeysRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await listApiKeys(getDb(c.env.DB), ownerOf(c.get("principal")!));
    return c.json({ items: rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, created_at: iso(k.createdAt), last_used_at: iso(k.lastUsedAt) })) });
  })

  .post("/", validate("json", apiKeyBody), async (c) => {
    const userId = ownerOf(c.get("principal")!);
    const key = `${API_KEY_PREFIX}${randomToken(40)}`;
    const id = newId("apiKey");
    const prefix = key.slice(0, 10);
    await insertApiKey(getDb(c.env.DB), { id, userId, name: c.req.valid("json").name, keyHash: await secretHash(key), prefix });
    await audit(c, { action: "api_key.create", targetType: "api_key", targetId: id, details: { name: c.req.valid("json").name } });
    return c.json({ id, name: c.req.valid("json").name, prefix, key }, 201);
  })

  .delete("/:id", validate("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await revokeApiKey(getDb(c.env.DB), id, ownerOf(c.get("principal")!), Date.now()))) throw notFound("API key");
    await audit(c, { action: "api_key.revoke", targetType: "api_key", targetId: id });
    return c.json({ revoked: true, id });
  });
