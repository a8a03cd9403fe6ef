import { z } from "zod";

import type { InvalidDocumentErrorParameters } from "../errors/invalidDocumentError.js";
import { InvalidSignedGrantError } from "../errors/invalidDocumentErrors.js";
import {
  address,
  arrayOf,
  bytes32,
  hexBytes,
  strictObject,
  uint,
  uint256,
} from "../schema/primitives.js";
import { decodeDocument, encodeDocument } from "../schema/document.js";
import { showValue } from "../schema/show.js";
import { getSessionId } from "./hash.js";
import type { SignedSessionGrant } from "./types.js";

/** The version of the JSON form of a signed session grant that this SDK writes and reads. */
export const SIGNED_GRANT_JSON_VERSION = 1;

const permissionJson = strictObject({
  target: address,
  functionSignature: z.string({ error: expectedText }),
});
const grantJson = strictObject({
  wallet: address,
  app: z.string({ error: expectedText }),
  sessionKey: address,
  permissions: arrayOf(permissionJson),
  validAfter: uint(48),
  validUntil: uint(48),
  epoch: uint(32),
  salt: uint256(),
});

function expectedText(issue: { input?: unknown }): string {
  return issue.input === undefined
    ? "missing field"
    : `expected a string, got ${showValue(issue.input)}`;
}

/**
 * The JSON form of a signed session grant (version 1), as a zod codec: what the owner's wallet
 * hands an app, what the app keeps and carries in its first session intent. Integers are
 * decimal strings, addresses checksummed or lowercase (checksummed when read), hex lowercase
 * when read. `parseSignedGrant` adds the version and ID checks.
 *
 * @example
 * const signedGrant = signedGrantJsonSchema.decode(JSON.parse(text));
 */
export const signedGrantJsonSchema = strictObject({
  version: z.literal(SIGNED_GRANT_JSON_VERSION, {
    error: (issue) =>
      issue.input === undefined
        ? "missing field (expected 1)"
        : `unsupported version ${showValue(issue.input)} (this SDK reads version 1)`,
  }),
  module: address,
  chainId: uint256(1n),
  id: bytes32,
  ownerSignature: hexBytes,
  grant: grantJson,
});

/** The JSON form of a signed session grant: see `signedGrantJsonSchema`. */
export type SignedGrantJson = z.input<typeof signedGrantJsonSchema>;

/**
 * The JSON text of a signed grant (version 1): integers as decimal strings. Throws an
 * `InvalidSignedGrantError` for anything `parseSignedGrant` would refuse, including an ID that
 * does not match the grant.
 *
 * @example
 * await writeFile("grant.json", serializeSignedGrant(signedGrant));
 */
export function serializeSignedGrant(signed: SignedSessionGrant): string {
  return JSON.stringify(toSignedGrantJson(parseSignedGrant(toSignedGrantJson(signed))));
}

function toSignedGrantJson(signed: SignedSessionGrant): SignedGrantJson {
  const { module, chainId, id, ownerSignature, grant } = signed;
  const permissions = grant.permissions.map(({ target, functionSignature }) => ({
    target,
    functionSignature,
  }));
  const document = {
    version: SIGNED_GRANT_JSON_VERSION,
    module,
    chainId,
    id,
    ownerSignature,
    grant: { ...grant, permissions },
  };
  return encodeDocument(signedGrantJsonSchema, document, invalidSignedGrant);
}

/**
 * Parses and checks a signed grant's JSON (text, or the value `JSON.parse` gave): version 1,
 * no missing or unknown field, addresses, integers in their on-chain ranges (`validAfter` and
 * `validUntil` 48 bits, `epoch` 32), and that `id` is the grant's session ID on `module` and
 * `chainId`. Throws an `InvalidSignedGrantError` naming the first bad field.
 *
 * @example
 * const signedGrant = parseSignedGrant(await readFile("grant.json", "utf8"));
 */
export function parseSignedGrant(json: string | unknown): SignedSessionGrant {
  const decoded = decodeDocument(signedGrantJsonSchema, json, invalidSignedGrant);
  const { version: _version, ...signed } = decoded;
  const expectedId = getSessionId(signed).toLowerCase();
  if (signed.id !== expectedId) {
    throw new InvalidSignedGrantError({
      path: "id",
      reason: `does not match the grant: its session ID on module ${signed.module}, chain ${signed.chainId} is ${expectedId}`,
    });
  }
  return signed;
}

function invalidSignedGrant(parameters: InvalidDocumentErrorParameters): InvalidSignedGrantError {
  return new InvalidSignedGrantError(parameters);
}
