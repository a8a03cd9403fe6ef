import { AbiCoder, Wallet, concat, type ContractRunner } from "ethers";

import { signTypedIntent } from "../intent/signTypedIntent.js";
import type { TypedDataSignerLike } from "../signers/typedDataSigner.js";
import { toModuleSignature } from "../../protocol/intent/signature.js";
import type { Intent, IntentDomainParameters, SignedIntent } from "../../protocol/intent/types.js";
import { SESSION_GRANT_ABI_TYPE, type SignedSessionGrant } from "../../protocol/session/types.js";
import type { SessionState } from "../../protocol/chain/enums.js";
import { readSessionState } from "./sessionCalls.js";

/**
 * Signs an intent with a session key, locally (no prompt to the owner). With `carry`, the
 * signed grant travels inside the relay signature and is registered on the way. The key is any
 * signer `signIntent` takes: an ethers `Wallet` (`createSessionKey()`), a viem local account, a
 * `TypedDataSigner`.
 *
 * @example
 * const signed = await signSessionIntent({
 *   sessionKey, intent, wallet, chainId: 31337n, module, carry: firstIntent ? signedGrant : undefined,
 * });
 * await wallet.relay(signed.intent, signed.signature);
 */
export async function signSessionIntent({
  sessionKey,
  intent,
  module,
  carry,
  ...domain
}: {
  sessionKey: TypedDataSignerLike;
  intent: Intent;
  module: string;
  carry?: SignedSessionGrant;
} & IntentDomainParameters): Promise<SignedIntent> {
  return signTypedIntent(sessionKey, intent, domain, (sessionSignature) =>
    toModuleSignature(
      module,
      carry === undefined
        ? sessionSignature
        : concat([sessionSignature, encodeCarriedGrant(carry)]),
    ),
  );
}

/**
 * `abi.encode(grant, ownerSignature)`: the part of a session intent's module data that registers
 * the grant on the way.
 *
 * @example
 * const data = concat([sessionSignature, encodeCarriedGrant(signedGrant)]);
 */
export function encodeCarriedGrant({
  grant,
  ownerSignature,
}: Pick<SignedSessionGrant, "grant" | "ownerSignature">): string {
  return AbiCoder.defaultAbiCoder().encode(
    [SESSION_GRANT_ABI_TYPE, "bytes"],
    [grant, ownerSignature],
  );
}

/**
 * A fresh random session key for an app: a local key that never holds funds and signs intents
 * without prompting the owner. Keep it only as long as the session lives.
 *
 * @example
 * const sessionKey = createSessionKey();
 * const grant = buildSessionGrant({ ...parameters, sessionKey: sessionKey.address });
 */
export function createSessionKey(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

/**
 * What an app holds during a session: the session key and the owner-signed grant. It signs
 * intents for the grant's wallet, carrying the grant until it is known to be registered, so
 * the first intent registers the session on the way.
 *
 * @example
 * const session = new SessionSigner({ sessionKey, signedGrant });
 * const first = await session.signIntent(buildIntent({ calls: [placeOrder] })); // carries the grant
 * await relayer.submit(first);
 * session.markRegistered(); // once the first intent is relayed; or: await session.syncRegistration(provider)
 * const next = await session.signIntent(buildIntent({ calls: [placeAnotherOrder] }));
 */
export class SessionSigner {
  readonly sessionKey: TypedDataSignerLike;
  readonly signedGrant: SignedSessionGrant;
  #registered: boolean;

  constructor({
    sessionKey,
    signedGrant,
    registered = false,
  }: {
    sessionKey: TypedDataSignerLike;
    signedGrant: SignedSessionGrant;
    registered?: boolean;
  }) {
    this.sessionKey = sessionKey;
    this.signedGrant = signedGrant;
    this.#registered = registered;
  }

  /**
   * Whether intents are signed without the grant (it is registered on-chain).
   *
   * @example
   * if (!session.registered) console.log("the next intent registers the session");
   */
  get registered(): boolean {
    return this.#registered;
  }

  /**
   * Signs `intent` for the grant's wallet with the session key.
   *
   * @example
   * const signed = await session.signIntent(buildIntent({ calls: [placeOrder] }));
   */
  async signIntent(intent: Intent, { epoch = 0n }: { epoch?: bigint } = {}): Promise<SignedIntent> {
    const { grant, module, chainId } = this.signedGrant;
    return signSessionIntent({
      sessionKey: this.sessionKey,
      intent,
      wallet: grant.wallet,
      chainId,
      epoch,
      module,
      carry: this.#registered ? undefined : this.signedGrant,
    });
  }

  /**
   * Stops carrying the grant: call it once an intent that carried it was relayed.
   *
   * @example
   * await relayer.waitFor(first.id);
   * session.markRegistered();
   */
  markRegistered(): void {
    this.#registered = true;
  }

  /**
   * Reads the grant's state on-chain and carries the grant only while it is unregistered.
   *
   * @example
   * const state = await session.syncRegistration(provider); // "active", "expired", ...
   */
  async syncRegistration(runner: ContractRunner): Promise<SessionState> {
    const { grant, module } = this.signedGrant;
    const state = await readSessionState({ module, grant, runner });
    this.#registered = state !== "unregistered";
    return state;
  }
}
