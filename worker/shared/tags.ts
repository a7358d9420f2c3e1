import { z } from "zod";

// Commas separate tags in ?tags=a,b and semicolons in CSV cells, so neither may be in a tag.
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Tag must not be empty")
  .max(50, "Tag must be at most 50 characters")
  .regex(/^[^,;\p{Cc}]+$/u, "Tag must not contain commas, semicolons or control characters");
