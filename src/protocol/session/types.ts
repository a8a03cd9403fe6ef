/** One action a session key may take: call `target` with the function `functionSignature`. */
export interface Permission {
  target: string;
  /** The function's signature, e.g. `"placeOrder(uint256,uint256)"`; the module derives the selector. */
  functionSignature: string;
}

/** What the owner signs to grant a session, exactly as the session-key module takes it. */
export interface SessionGrant {
  /** The wallet (the account) the session acts for. */
  wallet: string;
  /** The app asking for the session, in readable form (e.g. `"trade.example.com"`). */
  app: string;
  /** The address of the key the app holds. */
  sessionKey: string;
  permissions: Permission[];
  /** Unix seconds from which the session is usable (0: at once). */
  validAfter: bigint;
  /** Unix seconds from which the session is dead (strict; 0 is invalid). */
  validUntil: bigint;
  /** The wallet's session epoch (`sessionEpoch(wallet)` on the module); revoking all sessions moves it. */
  epoch: bigint;
  salt: bigint;
}

/** Where grants are verified: the session-key module on one chain. */
export interface SessionDomainParameters {
  module: string;
  chainId: bigint;
}

/** EIP-712 types of a session grant, as the module hashes them. */
export const SESSION_GRANT_TYPES = {
  SessionGrant: [
    { name: "wallet", type: "address" },
    { name: "app", type: "string" },
    { name: "sessionKey", type: "address" },
    { name: "permissions", type: "Permission[]" },
    { name: "validAfter", type: "uint48" },
    { name: "validUntil", type: "uint48" },
    { name: "epoch", type: "uint32" },
    { name: "salt", type: "uint256" },
  ],
  Permission: [
    { name: "target", type: "address" },
    { name: "functionSignature", type: "string" },
  ],
} as const;

/** The ABI type of a `SessionGrant` tuple, for encoding a grant carried inside a session intent. */
export const SESSION_GRANT_ABI_TYPE =
  "tuple(address wallet,string app,address sessionKey,tuple(address target,string functionSignature)[] permissions,uint48 validAfter,uint48 validUntil,uint32 epoch,uint256 salt)";

/** A grant with the owner's signature: what an app keeps and carries in its first session intent. */
export interface SignedSessionGrant extends SessionDomainParameters {
  grant: SessionGrant;
  /** The session ID: the grant's EIP-712 digest. */
  id: string;
  /** The owner's signature of `id` (65-byte ECDSA, or ERC-1271 bytes for a contract owner). */
  ownerSignature: string;
}
