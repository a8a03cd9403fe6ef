/** The fee fields of a transaction: EIP-1559, or legacy (`gasPrice` in both fields). */
export interface TransactionFees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** What the node suggests now (ethers `FeeData`: `maxFeePerGas` is null on a legacy-only chain). */
export interface NetworkFees {
  gasPrice: bigint | null;
  maxFeePerGas: bigint | null;
  maxPriorityFeePerGas: bigint | null;
}

/**
 * The bump every node demands of a replacement, in percent of each fee of the transaction it
 * replaces (geth's `txpool.pricebump`, Hardhat's mempool): below it the replacement is refused
 * as "replacement transaction underpriced".
 */
export const MIN_REPLACEMENT_BUMP_PERCENT = 10;

/** `a * (100 + percent) / 100`, rounded up. */
export function bumpBy(value: bigint, percent: number): bigint {
  const scaled = value * BigInt(100 + percent);
  return (scaled + 99n) / 100n;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * The fees of a new transaction: the network's, with `maxFeePerGas` capped at `cap` (an intent's
 * `maxGasPrice`; `undefined` means no cap) and the priority fee at most the max fee, so the
 * effective gas price (`min(maxFeePerGas, baseFee + maxPriorityFeePerGas)`) never exceeds the
 * cap. On a legacy-only chain both fields are the capped `gasPrice`.
 *
 * @example
 * initialFees({ network: await provider.getFeeData(), cap: intent.maxGasPrice });
 */
export function initialFees(parameters: {
  network: NetworkFees;
  cap: bigint | undefined;
}): TransactionFees & { legacy: boolean } {
  const { network, cap } = parameters;
  const capped = (value: bigint) => (cap === undefined ? value : minBig(value, cap));
  if (network.maxFeePerGas === null) {
    if (network.gasPrice === null)
      throw new Error("the node reports neither maxFeePerGas nor gasPrice");
    const gasPrice = capped(network.gasPrice);
    return { maxFeePerGas: gasPrice, maxPriorityFeePerGas: gasPrice, legacy: true };
  }
  const maxFeePerGas = capped(network.maxFeePerGas);
  const maxPriorityFeePerGas = minBig(network.maxPriorityFeePerGas ?? 0n, maxFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas, legacy: false };
}

/**
 * The fees of a replacement of a transaction paying `previous`: each fee raised by
 * `bumpPercent` and to at least the network's current fee, then capped at `cap` (`undefined`:
 * no cap) with the priority fee at most the max fee. `undefined` when the cap leaves less than
 * the {@link MIN_REPLACEMENT_BUMP_PERCENT} a node requires: the transaction can't be replaced
 * within its cap and has to wait.
 *
 * @example
 * bumpFees({ previous, network: await provider.getFeeData(), cap, bumpPercent: 15, legacy: false });
 */
export function bumpFees(parameters: {
  previous: TransactionFees;
  network: NetworkFees;
  cap: bigint | undefined;
  bumpPercent: number;
  legacy: boolean;
}): TransactionFees | undefined {
  const { previous, network, cap, bumpPercent, legacy } = parameters;
  const capped = (value: bigint) => (cap === undefined ? value : minBig(value, cap));
  const networkMax = (legacy ? network.gasPrice : network.maxFeePerGas) ?? network.gasPrice ?? 0n;
  const networkPriority = legacy ? networkMax : (network.maxPriorityFeePerGas ?? 0n);

  const maxFeePerGas = capped(maxBig(bumpBy(previous.maxFeePerGas, bumpPercent), networkMax));
  const maxPriorityFeePerGas = legacy
    ? maxFeePerGas
    : minBig(
        maxBig(bumpBy(previous.maxPriorityFeePerGas, bumpPercent), networkPriority),
        maxFeePerGas,
      );

  const enough =
    maxFeePerGas >= bumpBy(previous.maxFeePerGas, MIN_REPLACEMENT_BUMP_PERCENT) &&
    maxPriorityFeePerGas >= bumpBy(previous.maxPriorityFeePerGas, MIN_REPLACEMENT_BUMP_PERCENT);
  return enough ? { maxFeePerGas, maxPriorityFeePerGas } : undefined;
}
