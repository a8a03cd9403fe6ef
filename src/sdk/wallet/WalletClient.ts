import {
  ContractTransactionResponse,
  getAddress,
  ZeroAddress,
  type ContractRunner,
  type ContractTransactionReceipt,
  type Provider,
} from "ethers";

import type { NonPayableOverrides, PayableOverrides } from "../../../typechain-types/common.js";
import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import type { IntentWallet } from "../../../typechain-types/contracts/IntentWallet.js";
import { intentReceiptStatus, type IntentReceiptStatus } from "../../protocol/chain/enums.js";
import { encodeRelayPacked } from "../../protocol/intent/packed.js";
import type {
  Call,
  KeySetWalletCreation,
  SignedIntent,
  WalletCreation,
} from "../../protocol/intent/types.js";
import { addressKey, type OwnerKey } from "../../protocol/keys/keys.js";
import { checkKeySet, type KeySet } from "../../protocol/keys/keySet.js";
import { computeKeySetWalletAddress, computeWalletAddress } from "../../protocol/wallet/address.js";
import { rethrowDecoded } from "./rethrowDecoded.js";
import { IntentWalletSdkError } from "../../protocol/errors/baseError.js";
import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";

/**
 * Where a wallet comes from: the factory deploys the clone of `implementation` for (`owner`,
 * `salt`): its `WalletCreation` and the factory's implementation.
 */
export interface WalletDeployment extends WalletCreation {
  /** The factory's `implementation()`: with it the address is computed without a node round trip. */
  implementation: string;
}

export interface CounterfactualWalletParameters extends WalletDeployment {
  /** A signer (to deploy, relay or act as the owner) or a provider (to read). */
  runner: ContractRunner;
}

/**
 * Where a wallet owned by a key set comes from: the factory deploys it for (`keys`, `threshold`,
 * `salt`) with `deployWalletWithKeys`, at `computeKeySetWalletAddress`.
 */
export interface KeySetWalletDeployment extends KeySet {
  /** The `WalletFactory` that deploys the wallet. */
  factory: string;
  /** The factory's `implementation()`. */
  implementation: string;
  /** The key set's salt, in [0, 2^256). */
  salt: bigint;
}

export interface CounterfactualKeySetWalletParameters extends KeySetWalletDeployment {
  /** A signer (to deploy or relay) or a provider (to read). */
  runner: ContractRunner;
}

/** What the wallet records for an intent ID, as `intentReceipt(id)` returns it. */
export interface IntentReceipt {
  /** `none`: never relayed nor canceled; `relayed`: its calls succeeded; `failed`: relayed, its calls reverted; `canceled`. */
  status: IntentReceiptStatus;
  /** Who relayed it, or who canceled it (the owner, or the wallet itself for a cancel by intent); zero for `none`. */
  relayer: string;
  /** The block it was relayed or canceled in; 0 for `none`. */
  blockNumber: bigint;
}

/** What became of an intent, as an app shows it. */
export type IntentState =
  | {
      /** Neither relayed nor canceled, and not known to be expired. */
      status: "pending";
    }
  | {
      /** Not relayed, and the latest block's timestamp is before the intent's `validAfter`: not yet relayable. */
      status: "scheduled";
      validAfter: bigint;
    }
  | {
      /** Not relayed, and the latest block's timestamp is at or past the intent's expiration: it can never run. */
      status: "expired";
      expiration: bigint;
    }
  | {
      status: "relayed" | "failed" | "canceled";
      /** Who relayed it, or who canceled it. */
      relayer: string;
      blockNumber: bigint;
    };

/**
 * An intent to ask about: a `SignedIntent`, or its ID with (optionally) its expiration. Without
 * an expiration the answer is never `expired`.
 */
export interface IntentStateParameters {
  id: string;
  /** The intent's expiration in unix seconds (or give `intent`). */
  expiration?: bigint;
  /** The intent, whose `expiration` is used when `expiration` is not given, and its `validAfter`. */
  intent?: { expiration: bigint; validAfter?: bigint };
  /** The wallet the intent was signed for; checked against the client's when given. */
  wallet?: string;
}

/** The result of `deploy`: whether this call deployed the wallet or found it there already. */
export type DeployReturnType =
  | { address: string; alreadyDeployed: true; receipt: null }
  | { address: string; alreadyDeployed: false; receipt: ContractTransactionReceipt };

/** The result of `relay`. */
export interface RelayReturnType {
  /** The intent's ID. */
  id: string;
  /** Whether the intent's calls succeeded (`IntentRelayed.success`). The transaction succeeded either way. */
  success: boolean;
  /** Why the calls failed, from `IntentFailed`; `null` when they succeeded. */
  failure: RelayFailure | null;
  /** Whether the relay deployed the wallet on the way (`createWalletAndRelay`). */
  deployed: boolean;
  /** The mined relay transaction. */
  receipt: ContractTransactionReceipt;
}

/** Why an intent's calls failed: `reason` is `WalletCallReverted(index, revertData)`, decoded when it can be. */
export interface RelayFailure {
  /** The raw `IntentFailed.reason`. */
  reason: string;
  /** Which call of the intent reverted, when `reason` decodes. */
  callIndex: bigint | null;
  /** That call's revert data (at most `MAX_REVERT_DATA` bytes), when `reason` decodes. */
  revertData: string | null;
}

/**
 * A typed client for one IntentWallet, built on its TypeChain bindings. Create it from the
 * wallet's deployment parameters (`counterfactual`, no node round trip, works before deployment)
 * or from its address (`at`). Its runner decides who acts: connect the owner's signer for the
 * owner's direct actions (the owner pays gas), any signer to deploy or relay, a provider to read.
 *
 * The owner's actions exist in two forms: methods here that the owner sends directly
 * (`cancel`, `changeOwner`, ...), and call builders (`cancelCall`, `changeOwnerCall`, ...) to
 * put in an intent the owner signs and anyone relays.
 *
 * Reverts surface as errors naming the wallet's custom error and its arguments.
 *
 * @example
 * const wallet = WalletClient.counterfactual({ factory, implementation, owner: alice.address, salt: 0n, runner: relayer });
 * await wallet.deploy();
 * const signed = await signIntent({ signer: alice, intent, wallet: wallet.address, chainId });
 * const { success } = await wallet.relay(signed);
 * await wallet.connect(alice).changeOwner(bob.address);
 */
export class WalletClient {
  /** The wallet's checksummed address. */
  readonly address: string;
  /** Who sends this client's transactions and reads. */
  readonly runner: ContractRunner;
  /** The TypeChain binding of the wallet, connected to `runner`. */
  readonly contract: IntentWallet;
  /** How the wallet is deployed, when the client was made with `counterfactual`; else `null`. */
  readonly deployment: WalletDeployment | null;
  /** How the wallet is deployed, when the client was made with `counterfactualWithKeys`; else `null`. */
  readonly keySetDeployment: KeySetWalletDeployment | null;

  /** Set once the wallet was seen with code: code never leaves a wallet (it has no SELFDESTRUCT). */
  private knownDeployed = false;

  private constructor(
    address: string,
    runner: ContractRunner,
    deployment: WalletDeployment | null,
    keySetDeployment: KeySetWalletDeployment | null = null,
  ) {
    this.address = getAddress(address);
    this.runner = runner;
    this.deployment = deployment;
    this.keySetDeployment = keySetDeployment;
    this.contract = IntentWallet__factory.connect(this.address, runner);
  }

  /**
   * A client for the wallet of (`owner`, `salt`) from `factory`, deployed or not. Its address is
   * computed locally (no node round trip); `deploy()` and a first `relay` can deploy it.
   *
   * @example
   * const wallet = WalletClient.counterfactual({ factory, implementation, owner: alice.address, salt: 0n, runner: provider });
   * console.log(wallet.address); // fund it before it exists
   */
  static counterfactual({ runner, ...deployment }: CounterfactualWalletParameters): WalletClient {
    const normalized: WalletDeployment = {
      factory: getAddress(deployment.factory),
      implementation: getAddress(deployment.implementation),
      owner: getAddress(deployment.owner),
      salt: deployment.salt,
    };
    return new WalletClient(computeWalletAddress(normalized), runner, normalized);
  }

  /**
   * A client for the wallet of the key set (`keys`, `threshold`) and `salt` from `factory`,
   * deployed or not. Its address is computed locally (`computeKeySetWalletAddress`); `deploy()`
   * and a first `relay` (of an intent the keys signed) deploy it with `deployWalletWithKeys`.
   * Throws an `InvalidParameterError` for a key set the wallet would refuse (`checkKeySet`).
   *
   * @example
   * const keys = [addressKey(laptop.address), addressKey(phone.address), passkey];
   * const wallet = WalletClient.counterfactualWithKeys({ factory, implementation, keys, threshold: 2n, salt: 0n, runner: relayer });
   * const signed = await signIntentWithKeys({ signers: [laptopSigner, passkeySigner], intent, wallet: wallet.address, chainId });
   * await wallet.relay(signed); // deploys the wallet, then relays
   */
  static counterfactualWithKeys({
    runner,
    ...deployment
  }: CounterfactualKeySetWalletParameters): WalletClient {
    checkKeySet(deployment);
    const normalized: KeySetWalletDeployment = {
      factory: getAddress(deployment.factory),
      implementation: getAddress(deployment.implementation),
      keys: deployment.keys.map((key) => key.toLowerCase()),
      threshold: deployment.threshold,
      salt: deployment.salt,
    };
    return new WalletClient(computeKeySetWalletAddress(normalized), runner, null, normalized);
  }

  /**
   * A client for the wallet deployed at `address`.
   *
   * @example
   * const wallet = WalletClient.at("0x5FbDB2315678afecb367f032d93F642f64180aa3", provider);
   * console.log(await wallet.owner());
   */
  static at(address: string, runner: ContractRunner): WalletClient {
    return new WalletClient(address, runner, null);
  }

  /**
   * The same wallet, with another runner: e.g. the owner's signer for direct actions, a
   * relayer's to relay.
   *
   * @example
   * await wallet.connect(owner).cancel([signed.id]);
   */
  connect(runner: ContractRunner): WalletClient {
    const client = new WalletClient(this.address, runner, this.deployment, this.keySetDeployment);
    client.knownDeployed = this.knownDeployed;
    return client;
  }

  /*//////////////////////////////////////////////////////////////
                              DEPLOYMENT
  //////////////////////////////////////////////////////////////*/

  /**
   * How a relayer creates this wallet with its first intent, for `signIntent({ ..., create })` or
   * `signIntentWithKeys({ ..., create })`: `{ factory, owner, salt }` for a client made with
   * `counterfactual`, `{ factory, keys, threshold, salt }` for one made with
   * `counterfactualWithKeys`; `undefined` for a client made with `at`. A relayer ignores it once
   * the wallet exists, so it may be sent with every intent.
   *
   * @example
   * const signed = await signIntent({ signer: owner, intent, wallet: wallet.address, chainId, create: wallet.creation });
   */
  get creation(): WalletCreation | KeySetWalletCreation | undefined {
    const keySet = this.keySetDeployment;
    if (keySet !== null) {
      const { factory, keys, threshold, salt } = keySet;
      return { factory, keys: [...keys], threshold, salt };
    }
    const deployment = this.deployment;
    if (deployment === null) return undefined;
    return { factory: deployment.factory, owner: deployment.owner, salt: deployment.salt };
  }

  /**
   * Whether the wallet has code at its address.
   *
   * @example
   * if (!(await wallet.isDeployed())) await wallet.deploy();
   */
  async isDeployed(): Promise<boolean> {
    if (this.knownDeployed) return true;
    const code = await this.provider().getCode(this.address);
    this.knownDeployed = code !== "0x";
    return this.knownDeployed;
  }

  /**
   * Deploys the wallet through its factory, paid by the runner (anyone may deploy it: the owner,
   * or the key set, is fixed by the address). Idempotent: if the wallet has code already, sends
   * nothing and returns `alreadyDeployed: true`. Needs a client made with `counterfactual` or
   * `counterfactualWithKeys`.
   *
   * @example
   * const { alreadyDeployed, receipt } = await wallet.deploy();
   */
  async deploy(overrides: NonPayableOverrides = {}): Promise<DeployReturnType> {
    if (await this.isDeployed())
      return { address: this.address, alreadyDeployed: true, receipt: null };
    const receipt = await this.send(() => this.sendCreate(overrides));
    this.knownDeployed = true;
    return { address: this.address, alreadyDeployed: false, receipt };
  }

  /*//////////////////////////////////////////////////////////////
                               RELAYING
  //////////////////////////////////////////////////////////////*/

  /**
   * Relays a signed intent from the runner (any account may relay) and waits for it to be
   * mined: `relayPacked()` with the packed intent (`encodeRelayPacked`), the same checks as
   * `relay(intent, signature)` in about a quarter of the calldata. If the client was made with
   * `counterfactual` and the wallet is not deployed yet, it deploys the wallet and relays in one
   * transaction (`createWalletAndRelay`); the receipt then names the factory as the relayer,
   * since the factory calls `relay`.
   *
   * The transaction succeeds even when the intent's calls revert: read `success` and `failure`.
   * A relay refused by the wallet (bad signature, expired, already relayed, ...) throws an error
   * naming the wallet's custom error.
   *
   * @example
   * const { success, failure, receipt } = await WalletClient.at(signed.wallet, relayer).relay(signed);
   */
  async relay(signed: SignedIntent, overrides: NonPayableOverrides = {}): Promise<RelayReturnType> {
    this.checkWallet(signed.wallet);
    const counterfactual = this.deployment !== null || this.keySetDeployment !== null;
    const deployFirst = counterfactual && !(await this.isDeployed());
    const receipt = await this.send(() =>
      deployFirst
        ? this.sendCreateAndRelay(signed, overrides)
        : this.sendRelayPacked(signed, overrides),
    );
    if (deployFirst) this.knownDeployed = true;
    return {
      id: signed.id,
      deployed: deployFirst,
      receipt,
      ...this.relayOutcome(signed.id, receipt),
    };
  }

  /**
   * What became of an intent: `pending`, `relayed`, `failed`, `canceled` (with who relayed or
   * canceled it, and the block), `scheduled` (not relayed, and the chain's latest block is before
   * its `validAfter`; needs the intent) or `expired` (not relayed, and the chain's latest block is
   * at or past its expiration; needs the intent or its expiration).
   *
   * @example
   * const state = await wallet.intentState(signed);
   * if (state.status === "relayed") console.log(`relayed by ${state.relayer} in block ${state.blockNumber}`);
   */
  async intentState(parameters: IntentStateParameters): Promise<IntentState> {
    if (parameters.wallet !== undefined) this.checkWallet(parameters.wallet);
    const receipt = await this.receipt(parameters.id);
    if (receipt.status !== "none") {
      return { status: receipt.status, relayer: receipt.relayer, blockNumber: receipt.blockNumber };
    }
    const expiration = parameters.expiration ?? parameters.intent?.expiration;
    const validAfter = parameters.intent?.validAfter ?? 0n;
    if (expiration === undefined && validAfter === 0n) return { status: "pending" };
    const latest = await this.provider().getBlock("latest");
    const now = latest === null ? undefined : BigInt(latest.timestamp);
    if (now !== undefined && expiration !== undefined && now >= expiration) {
      return { status: "expired", expiration };
    }
    if (now !== undefined && now < validAfter) return { status: "scheduled", validAfter };
    return { status: "pending" };
  }

  /*//////////////////////////////////////////////////////////////
                  OWNER ACTIONS, SENT BY THE OWNER
  //////////////////////////////////////////////////////////////*/

  /**
   * Cancels unrelayed intents, sent directly by the owner (the runner). IDs canceled already are
   * skipped; a relayed ID reverts with `IntentAlreadyRelayed`. To cancel without paying gas, relay
   * an intent with `cancelCall` instead.
   *
   * @example
   * await wallet.connect(owner).cancel([signed.id]);
   */
  async cancel(
    ids: readonly string[],
    overrides: NonPayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.cancelIntents([...ids], overrides));
  }

  /**
   * Invalidates every unrelayed intent at once (moves the intent epoch), sent directly by the
   * owner. Intents signed afterwards must sign the new `epoch()`.
   *
   * @example
   * await wallet.connect(owner).invalidateAllIntents();
   * const epoch = await wallet.epoch();
   */
  async invalidateAllIntents(
    overrides: NonPayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.invalidateAllIntents(overrides));
  }

  /**
   * Hands the wallet to `newOwner`, sent directly by the owner.
   *
   * @example
   * await wallet.connect(owner).changeOwner(newOwner.address);
   */
  async changeOwner(
    newOwner: string,
    overrides: NonPayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.changeOwner(newOwner, overrides));
  }

  /**
   * Installs validator `module`, sent directly by the owner.
   *
   * @example
   * await wallet.connect(owner).installModule(sessionKeyModule);
   */
  async installModule(
    module: string,
    overrides: NonPayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.installModule(module, overrides));
  }

  /**
   * Uninstalls validator `module`, sent directly by the owner.
   *
   * @example
   * await wallet.connect(owner).uninstallModule(sessionKeyModule);
   */
  async uninstallModule(
    module: string,
    overrides: NonPayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.uninstallModule(module, overrides));
  }

  /**
   * Makes `calls` from the wallet, in order, all or nothing, sent directly by the owner (who pays
   * gas; `overrides.value` funds the calls). A failing call reverts with `WalletCallReverted`.
   *
   * @example
   * await wallet.connect(owner).execute([{ to: token, value: 0n, data: transferData }]);
   */
  async execute(
    calls: readonly Call[],
    overrides: PayableOverrides = {},
  ): Promise<ContractTransactionReceipt> {
    return this.send(() => this.contract.execute([...calls], overrides));
  }

  /*//////////////////////////////////////////////////////////////
                                 READS
  //////////////////////////////////////////////////////////////*/

  /**
   * The wallet's owner: the zero address for a wallet owned by a key set (see `ownerKeys`).
   * Before deployment, a counterfactual client answers the owner it will have; a client made with
   * `at` throws.
   *
   * @example
   * const owner = await wallet.owner();
   */
  async owner(): Promise<string> {
    return this.read(
      () => this.contract.owner(),
      () =>
        this.keySetDeployment === null
          ? this.requireDeployment("read its owner").owner
          : ZeroAddress,
    );
  }

  /**
   * Who may sign for the wallet: its keys (lower-case hex) and how many must sign; `[owner]` and 1
   * for a wallet owned by one address. Before deployment, a counterfactual client answers the
   * keys it will have; a client made with `at` throws. `readOwnerKeys` also describes the keys.
   *
   * @example
   * const { keys, threshold } = await wallet.ownerKeys();
   */
  async ownerKeys(): Promise<{ keys: OwnerKey[]; threshold: bigint }> {
    return this.read(
      async () => {
        const [keys, threshold] = await this.contract.listKeys();
        return { keys: keys.map((key) => key.toLowerCase()), threshold };
      },
      () => {
        if (this.keySetDeployment !== null)
          return {
            keys: [...this.keySetDeployment.keys],
            threshold: this.keySetDeployment.threshold,
          };
        return { keys: [addressKey(this.requireDeployment("read its keys").owner)], threshold: 1n };
      },
    );
  }

  /**
   * The wallet's intent epoch, which intents sign (`signIntent({ ..., epoch })`); 0 before
   * deployment for a counterfactual client (a client made with `at` throws).
   *
   * @example
   * const signed = await signIntent({ signer, intent, wallet: wallet.address, chainId, epoch: await wallet.epoch() });
   */
  async epoch(): Promise<bigint> {
    return this.read(
      () => this.contract.intentEpoch(),
      () => {
        this.requireCounterfactual("read its epoch");
        return 0n;
      },
    );
  }

  /**
   * Whether validator `module` is installed; false before deployment for a counterfactual client
   * (a client made with `at` throws).
   *
   * @example
   * if (!(await wallet.isModuleInstalled(module))) await wallet.connect(owner).installModule(module);
   */
  async isModuleInstalled(module: string): Promise<boolean> {
    return this.read(
      () => this.contract.isModuleInstalled(module),
      () => {
        this.requireCounterfactual("read its modules");
        return false;
      },
    );
  }

  /**
   * The wallet's record of intent `id`: status, relayer (or canceler) and block. Status `none`
   * when no wallet is deployed at the address yet (an address without code has no receipts).
   *
   * @example
   * const { status, relayer, blockNumber } = await wallet.receipt(signed.id);
   */
  async receipt(id: string): Promise<IntentReceipt> {
    const none: IntentReceipt = { status: "none", relayer: ZeroAddress, blockNumber: 0n };
    return this.read(
      async () => {
        const receipt = await this.contract.intentReceipt(id);
        return {
          status: intentReceiptStatus(receipt.status),
          relayer: receipt.relayer,
          blockNumber: receipt.blockNumber,
        };
      },
      () => none,
    );
  }

  /*//////////////////////////////////////////////////////////////
                               INTERNALS
  //////////////////////////////////////////////////////////////*/

  /** Sends a transaction, waits for it, and rethrows reverts with the decoded custom error. */
  private async send(
    sendTransaction: () => Promise<ContractTransactionResponse>,
  ): Promise<ContractTransactionReceipt> {
    try {
      const response = await sendTransaction();
      const receipt = await response.wait();
      if (receipt === null)
        throw new IntentWalletSdkError({
          shortMessage: `transaction ${response.hash} was not mined`,
        });
      return receipt;
    } catch (error) {
      return rethrowDecoded(error);
    }
  }

  /**
   * Reads through the wallet; if the read fails because the wallet has no code yet, answers
   * `withoutCode()` instead (the round trip to check is only made on failure).
   */
  private async read<T>(read: () => Promise<T>, withoutCode: () => T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!(await this.isDeployed())) return withoutCode();
      return rethrowDecoded(error);
    }
  }

  /** Deploys the counterfactual wallet through its factory: for its owner, or for its key set. */
  private sendCreate(overrides: NonPayableOverrides): Promise<ContractTransactionResponse> {
    const keySet = this.keySetDeployment;
    if (keySet !== null) {
      return WalletFactory__factory.connect(keySet.factory, this.runner).deployWalletWithKeys(
        [...keySet.keys],
        keySet.threshold,
        keySet.salt,
        overrides,
      );
    }
    const deployment = this.requireDeployment("deploy it");
    return WalletFactory__factory.connect(deployment.factory, this.runner).createWallet(
      deployment.owner,
      deployment.salt,
      overrides,
    );
  }

  /** Deploys the counterfactual wallet and relays `signed` in one transaction, through the factory. */
  private sendCreateAndRelay(
    signed: SignedIntent,
    overrides: NonPayableOverrides,
  ): Promise<ContractTransactionResponse> {
    const keySet = this.keySetDeployment;
    if (keySet !== null) {
      return WalletFactory__factory.connect(
        keySet.factory,
        this.runner,
      ).launchWalletWithKeysAndRelay(
        [...keySet.keys],
        keySet.threshold,
        keySet.salt,
        signed.intent,
        signed.signature,
        overrides,
      );
    }
    const deployment = this.requireDeployment("deploy it");
    return WalletFactory__factory.connect(deployment.factory, this.runner).createWalletAndRelay(
      deployment.owner,
      deployment.salt,
      signed.intent,
      signed.signature,
      overrides,
    );
  }

  /** Sends `relayPacked()` of `signed` from the runner, as the contract's own methods send. */
  private async sendRelayPacked(
    signed: SignedIntent,
    overrides: NonPayableOverrides,
  ): Promise<ContractTransactionResponse> {
    const sendTransaction = this.runner.sendTransaction?.bind(this.runner);
    if (sendTransaction === undefined) {
      throw new InvalidParameterError({
        parameter: "runner",
        shortMessage: "the wallet client's runner cannot send transactions: connect a signer",
      });
    }
    const response = await sendTransaction({
      ...overrides,
      to: this.address,
      data: encodeRelayPacked({ intent: signed.intent, signature: signed.signature }),
    });
    return new ContractTransactionResponse(this.contract.interface, this.provider(), response);
  }

  /** `success` and `failure` of intent `id` from the relay's logs. */
  private relayOutcome(
    id: string,
    receipt: ContractTransactionReceipt,
  ): Pick<RelayReturnType, "success" | "failure"> {
    let success: boolean | undefined;
    let failure: RelayFailure | null = null;
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== this.address) continue;
      const parsed = this.contract.interface.parseLog(log);
      if (parsed === null || String(parsed.args.id).toLowerCase() !== id.toLowerCase()) continue;
      if (parsed.name === "IntentRelayed") success = parsed.args.success as boolean;
      if (parsed.name === "IntentFailed")
        failure = this.decodeFailure(parsed.args.reason as string);
    }
    if (success === undefined) {
      throw new IntentWalletSdkError({
        shortMessage: `the relay transaction ${receipt.hash} emitted no IntentRelayed for ${id}`,
      });
    }
    return { success, failure };
  }

  /** `IntentFailed.reason` split into the failing call's index and revert data, when it decodes. */
  private decodeFailure(reason: string): RelayFailure {
    try {
      const [callIndex, revertData] = this.contract.interface.decodeErrorResult(
        "WalletCallReverted",
        reason,
      );
      return { reason, callIndex: callIndex as bigint, revertData: revertData as string };
    } catch {
      return { reason, callIndex: null, revertData: null };
    }
  }

  /** Refuses an intent signed for another wallet before sending anything. */
  private checkWallet(wallet: string): void {
    if (getAddress(wallet) !== this.address) {
      throw new InvalidParameterError({
        parameter: "signed.wallet",
        shortMessage: `the intent is for wallet ${getAddress(wallet)}, not ${this.address}`,
      });
    }
  }

  /** Throws unless the client knows how the wallet is deployed (one owner or a key set). */
  private requireCounterfactual(action: string): void {
    if (this.keySetDeployment === null) this.requireDeployment(action);
  }

  private requireDeployment(action: string): WalletDeployment {
    if (this.deployment === null) {
      throw new IntentWalletSdkError({
        shortMessage: `cannot ${action}: no wallet is deployed at ${this.address}, and a client made with WalletClient.at does not know the wallet's deployment (use WalletClient.counterfactual)`,
      });
    }
    return this.deployment;
  }

  private provider(): Provider {
    const provider = this.runner.provider;
    if (provider === null || provider === undefined) {
      throw new InvalidParameterError({
        parameter: "runner",
        shortMessage: "the wallet client's runner has no provider",
      });
    }
    return provider;
  }
}
