import { z } from "zod";

// Control characters would corrupt file names on agents and log lines; the range is the point.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Item names travel in the protocol's ContentRef (1..512 chars) and become file names on agents. */
export const ItemName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(512, "must be at most 512 characters")
  .refine((name) => !CONTROL_CHARACTERS.test(name), "must not contain control characters");
