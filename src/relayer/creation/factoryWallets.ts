import { getAddress, zeroPadValue, type Provider } from "ethers";

import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";

const factoryInterface = WalletFactory__factory.createInterface();
/** The factory's two creation events; each names the wallet as its first indexed argument. */
const CREATION_TOPICS = [
  factoryInterface.getEvent("WalletCreated").topicHash,
  factoryInterface.getEvent("WalletCreatedWithKeys").topicHash,
];

/** Most wallets remembered; the oldest is forgotten past it (and looked up again if it comes back). */
const MAX_REMEMBERED = 100_000;

/**
 * Which deployed wallets a factory created: the wallets for which it emitted
 * `WalletCreated(wallet, owner, salt)` or `WalletCreatedWithKeys(wallet, keySetHash, salt)`,
 * found with one `eth_getLogs` over the whole chain (filtered by the factory's address, the two
 * events and the wallet's topic, so at most one log comes back) and
 * remembered once found. A wallet found not created is looked up again next time: a node whose
 * logs lag behind its state must not make a wallet unserved for good.
 *
 * @example
 * const created = new FactoryWallets(factory);
 * if (await created.includes(wallet, provider)) console.log("one of ours");
 */
export class FactoryWallets {
  readonly factory: string;
  readonly #found = new Set<string>();

  constructor(factory: string) {
    this.factory = getAddress(factory);
  }

  /**
   * Whether the factory created `wallet` (a `WalletCreated` or `WalletCreatedWithKeys` log of
   * the factory names it).
   *
   * @example
   * const ours = await new FactoryWallets(factory).includes(wallet, provider);
   */
  async includes(wallet: string, provider: Provider): Promise<boolean> {
    const key = getAddress(wallet);
    if (this.#found.has(key)) return true;
    const logs = await provider.getLogs({
      address: this.factory,
      topics: [CREATION_TOPICS, zeroPadValue(key, 32)],
      fromBlock: 0,
      toBlock: "latest",
    });
    if (logs.length === 0) return false;
    this.#remember(key);
    return true;
  }

  #remember(wallet: string): void {
    if (this.#found.size >= MAX_REMEMBERED) {
      const oldest = this.#found.values().next().value;
      if (oldest !== undefined) this.#found.delete(oldest);
    }
    this.#found.add(wallet);
  }
}
