import { getSessionId, type SessionGrant, type SignedSessionGrant } from "../../src/sdk/index.js";
import { parseAddress, parseBytes32, parseHexData, parseUint } from "./parse.js";

/** The version of the signed-grant JSON these tasks write and read. */
export const SIGNED_GRANT_JSON_VERSION = 1;

/**
 * A signed session grant as JSON (version 1): what `session grant` writes and an app keeps.
 * Every integer is a decimal string, so no precision is lost.
 */
export interface SignedSessionGrantJson {
  version: typeof SIGNED_GRANT_JSON_VERSION;
  module: string;
  chainId: string;
  id: string;
  ownerSignature: string;
  grant: {
    wallet: string;
    app: string;
    sessionKey: string;
    permissions: Array<{ target: string; functionSignature: string }>;
    validAfter: string;
    validUntil: string;
    epoch: string;
    salt: string;
  };
}

/**
 * The JSON text of a signed grant, integers as decimal strings.
 *
 * @example
 * await writeFile("grant.json", serializeSignedGrant(signedGrant));
 */
export function serializeSignedGrant(signed: SignedSessionGrant): string {
  const { grant } = signed;
  const json: SignedSessionGrantJson = {
    version: SIGNED_GRANT_JSON_VERSION,
    module: signed.module,
    chainId: signed.chainId.toString(),
    id: signed.id,
    ownerSignature: signed.ownerSignature,
    grant: {
      wallet: grant.wallet,
      app: grant.app,
      sessionKey: grant.sessionKey,
      permissions: grant.permissions.map(({ target, functionSignature }) => ({
        target,
        functionSignature,
      })),
      validAfter: grant.validAfter.toString(),
      validUntil: grant.validUntil.toString(),
      epoch: grant.epoch.toString(),
      salt: grant.salt.toString(),
    },
  };
  return JSON.stringify(json);
}

/**
 * Parses and checks a signed grant's JSON (`serializeSignedGrant`'s form): fields, addresses,
 * integers, and that `id` is the grant's session ID on `module` and `chainId`.
 *
 * @example
 * const signedGrant = parseSignedGrant(await readJsonFile("grant.json", "--file"));
 */
export function parseSignedGrant(document: unknown): SignedSessionGrant {
  const root = object(document, "the signed grant");
  if (root.version !== SIGNED_GRANT_JSON_VERSION) {
    throw new Error(
      `signed grant: unsupported version ${JSON.stringify(root.version)} (expected 1)`,
    );
  }
  const fields = object(root.grant, "grant");
  const permissions = array(fields.permissions, "grant.permissions").map((entry, i) => {
    const permission = object(entry, `grant.permissions[${i}]`);
    return {
      target: parseAddress(text(permission.target, `grant.permissions[${i}].target`), "target"),
      functionSignature: text(
        permission.functionSignature,
        `grant.permissions[${i}].functionSignature`,
      ),
    };
  });
  const grant: SessionGrant = {
    wallet: parseAddress(text(fields.wallet, "grant.wallet"), "grant.wallet"),
    app: text(fields.app, "grant.app"),
    sessionKey: parseAddress(text(fields.sessionKey, "grant.sessionKey"), "grant.sessionKey"),
    permissions,
    validAfter: parseUint(fields.validAfter, "grant.validAfter"),
    validUntil: parseUint(fields.validUntil, "grant.validUntil"),
    epoch: parseUint(fields.epoch, "grant.epoch"),
    salt: parseUint(fields.salt, "grant.salt"),
  };
  const module = parseAddress(text(root.module, "module"), "module");
  const chainId = parseUint(root.chainId, "chainId");
  const id = parseBytes32(text(root.id, "id"), "id");
  const expected = getSessionId({ grant, module, chainId });
  if (id !== expected.toLowerCase()) {
    throw new Error(
      `signed grant: id ${id} does not match the grant (its session ID is ${expected})`,
    );
  }
  const ownerSignature = parseHexData(
    text(root.ownerSignature, "ownerSignature"),
    "ownerSignature",
  );
  return { grant, module, chainId, id, ownerSignature };
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`signed grant: ${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`signed grant: ${path} must be an array`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string") throw new Error(`signed grant: ${path} must be a string`);
  return value;
}
