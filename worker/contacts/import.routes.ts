import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { validationError } from "../platform/http/validate";
import { publish } from "../platform/realtime/publish";
import { audit } from "../team/audit";
import { importContacts } from "./csv";

/** The CSV bytes of the request: the body itself (text/csv) or the `file` part of a form. */
async function csvStream(req: Request): Promise<ReadableStream<Uint8Array>> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const file = (await req.formData()).get("file");
    if (file === null || typeof file === "string") throw validationError([{ path: "file", message: "Attach the CSV as the `file` field" }]);
    return file.stream();
  }
  if (type.startsWith("text/csv") || type.startsWith("text/plain") || type.startsWith("application/csv")) {
    if (!req.body) throw validationError([{ path: "file", message: "The body is empty" }]);
    return req.body;
  }
  throw new ApiError(415, "unsupported_media_type", "Send the CSV as text/csv or multipart/form-data (field `file`)");
}

// POST /api/contacts/import: rows merged by number, answered with a per-row report.
export const importRoute = new Hono<AppEnv>().post("/", async (c) => {
  const report = await importContacts(getDb(c.env.DB), c.env, await csvStream(c.req.raw));
  if (report.created + report.updated > 0) c.executionCtx.waitUntil(Promise.all([publish(c.env, "contacts"), publish(c.env, "tags")]));
  await audit(c, {
    action: "contact.import",
    targetType: "contact",
    details: { created: report.created, updated: report.updated, rejected: report.rejected_count },
  });
  return c.json(report);
});
