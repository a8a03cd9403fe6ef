import { z } from "zod";

import type {
  InvalidDocumentError,
  InvalidDocumentErrorParameters,
} from "../errors/invalidDocumentError.js";
import { firstProblem } from "./problem.js";

/** Makes the error of one kind of document, e.g. `(p) => new InvalidSignedIntentError(p)`. */
export type DocumentErrorFactory = (
  parameters: InvalidDocumentErrorParameters,
) => InvalidDocumentError;

/**
 * Reads a JSON document (text, or the value `JSON.parse` gave) with `schema`'s decoder; text
 * that is no JSON, or a document the schema refuses, throws `invalid`'s error naming the first
 * bad field.
 *
 * @example
 * const signed = decodeDocument(signedIntentJsonSchema, body, (p) => new InvalidSignedIntentError(p));
 */
export function decodeDocument<Schema extends z.ZodType>(
  schema: Schema,
  json: unknown,
  invalid: DocumentErrorFactory,
): z.output<Schema> {
  const document = typeof json === "string" ? parseJsonText(json, invalid) : json;
  const result = schema.safeDecode(document as z.input<Schema>);
  if (!result.success) throw invalid(firstProblem(result.error.issues));
  return result.data;
}

/**
 * Writes `value` as `schema`'s JSON document (`z.encode`), checking it on the way; a value of
 * the wrong type or range throws `invalid`'s error naming the first bad field.
 *
 * @example
 * const json = encodeDocument(signedGrantJsonSchema, document, (p) => new InvalidSignedGrantError(p));
 */
export function encodeDocument<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  invalid: DocumentErrorFactory,
): z.input<Schema> {
  const result = z.safeEncode(schema, value as z.output<Schema>);
  if (!result.success) throw invalid(firstProblem(result.error.issues));
  return result.data;
}

function parseJsonText(text: string, invalid: DocumentErrorFactory): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid({
      path: "",
      reason: `not valid JSON (${(error as Error).message})`,
      cause: error,
    });
  }
}
