import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError, type ErrorDetail } from "../../errors";

export function zodDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ErrorDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

export function validationError(details: ErrorDetail[]): ApiError {
  const first = details[0];
  const message = first ? `Invalid input: ${first.path}: ${first.message}` : "Invalid input";
  return new ApiError(400, "validation_failed", message, details);
}

/**
 * The one validation wrapper (CONVENTIONS §8): a failure is a uniform 400
 * `{error:{code:"validation_failed", message, details:[{path, message}]}}`.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(zodDetails(result.error.issues));
  });
}
