/**
 * The benchmark's rows and columns, and what is made of the figures: the printed table,
 * gas-bench.json, and the figures of the snapshot.
 */
import type { GasSnapshot } from "../gasSnapshot.js";

/**
 * The compared columns, in the table's order; `key` names them in the JSON files. The ERC-4337
 * accounts appear twice: paying from a deposit made beforehand, and paying in their operations.
 */
export const COLUMNS = [
  { key: "ours", title: "ours" },
  { key: "safe", title: "Safe 1.4.1" },
  { key: "erc4337", title: "SimpleAccount (deposit)" },
  { key: "erc4337PaysInOp", title: "SimpleAccount (pays in op)" },
  { key: "ozAccount", title: "OZ Account (deposit)" },
  { key: "ozAccountPaysInOp", title: "OZ Account (pays in op)" },
] as const;

const SIMPLE_ACCOUNT =
  "@account-abstraction/contracts 0.8.0 EntryPoint + SimpleAccount (solc 0.8.28 via IR)";
const OZ_ACCOUNT =
  "@openzeppelin/contracts 5.7.0 Account + SignerECDSA + ERC7821 as clones (contracts/peers, solc 0.8.28), through the same EntryPoint v0.8";
const DEPOSIT = "paying from an EntryPoint deposit made beforehand";
const PAYS_IN_OP =
  "paying in each operation: no deposit made, missingAccountFunds sent from the account's ETH in validation, the rest of the prefund refunded to its deposit";

/** What each peer column is, for gas-bench.json. */
const PEERS = {
  safe: "@safe-global/safe-contracts 1.4.1 (solc 0.7.6, optimizer off, as packaged)",
  erc4337: `${SIMPLE_ACCOUNT}, ${DEPOSIT}`,
  erc4337PaysInOp: `${SIMPLE_ACCOUNT}, ${PAYS_IN_OP}`,
  ozAccount: `${OZ_ACCOUNT}, ${DEPOSIT}`,
  ozAccountPaysInOp: `${OZ_ACCOUNT}, ${PAYS_IN_OP}`,
};

/** The rows, in the table's order; `count` is how many intents or operations the row is. */
export const ROWS = [
  { key: "walletCreation", operation: "wallet creation" },
  { key: "creationWithFirstTransfer", operation: "creation + first transfer (fresh)" },
  { key: "transferFresh", operation: "ERC-20 transfer, fresh recipient" },
  { key: "transferFunded", operation: "ERC-20 transfer, funded recipient" },
  { key: "sessionKeyRegistered", operation: "session-key transfer, funded (registered)" },
  { key: "sessionKeyFirstUse", operation: "session-key transfer, funded (grant carried)" },
  { key: "batchOf3Transfers", operation: "batch of 3 transfers, funded (vs 3 EOA txs)" },
  {
    key: "tenIntentsTenWallets",
    operation: "10 wallets x 1 transfer, one tx (vs 10 EOA txs)",
    count: 10,
  },
  { key: "keySetPasskey", operation: "transfer signed by a passkey, funded" },
  { key: "keySet2of3", operation: "transfer signed by 2 of 3 secp256k1 keys, funded" },
  { key: "keySet1of3", operation: "transfer signed by 1 secp256k1 key of 3, funded" },
  {
    key: "delegationWithFirstTransfer",
    operation: "EOA delegation (EIP-7702) + first transfer (fresh)",
  },
  { key: "delegatedTransferFunded", operation: "ERC-20 transfer on a delegated EOA, funded" },
] as const;

export type Column = "eoa" | (typeof COLUMNS)[number]["key"];
export type RowKey = (typeof ROWS)[number]["key"];
/** The measured figures: per row, per column (none where a column has no such operation). */
export type Figures = Record<RowKey, Partial<Record<Column, bigint>>>;

const fmt = (value: bigint) => value.toLocaleString("en-US");
const rowCount = (row: (typeof ROWS)[number]) => ("count" in row ? row.count : 1);

/** Prints the table, and the session-key intent's cost over the same owner intent. */
export function printTable(chainId: bigint, figures: Figures): void {
  const header = ["operation", "EOA", ...COLUMNS.map((column) => column.title)];
  const lines = ROWS.map((row) => {
    const { eoa } = figures[row.key];
    return [
      row.operation,
      eoa === undefined ? "n/a" : fmt(eoa),
      ...COLUMNS.map((column) => cell(figures[row.key][column.key], eoa, rowCount(row))),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) =>
    `| ${cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]) : text.padStart(widths[column]))).join(" | ")} |`;
  console.log(
    `\nGas benchmark (receipt gasUsed; in parentheses: overhead over the EOA doing the same; chain ${chainId}, Hardhat in-process network)\n`,
  );
  console.log(format(header));
  console.log(
    `|${widths.map((width, column) => (column === 0 ? ` ${"-".repeat(width)} ` : ` ${"-".repeat(width - 1)}: `)).join("|")}|`,
  );
  for (const line of lines) console.log(format(line));
  const session = sessionOverOwnerIntent(figures);
  console.log(
    `\nsession-key intent over the same owner intent (funded): +${fmt(session.registered)} once registered, +${fmt(session.grantCarried)} with the grant carried`,
  );
  const delegated = delegatedOverClone(figures);
  console.log(
    `delegated EOA's relayed transfer over the clone's (funded): ${delegated < 0n ? "" : "+"}${fmt(delegated)}`,
  );
  const keys = keySetsOverOwnerIntent(figures);
  console.log(
    `key-set intent over the same one-owner intent (funded): passkey +${fmt(keys.passkey)}, 2 of 3 +${fmt(keys.twoOfThree)}, 1 key of 3 +${fmt(keys.oneOfThree)}`,
  );
}

/** What signing by a key set adds to the same funded transfer signed by the one owner. */
function keySetsOverOwnerIntent(figures: Figures) {
  const ownerIntent = figures.transferFunded.ours!;
  return {
    passkey: figures.keySetPasskey.ours! - ownerIntent,
    twoOfThree: figures.keySet2of3.ours! - ownerIntent,
    oneOfThree: figures.keySet1of3.ours! - ownerIntent,
  };
}

/** What a delegated EOA's relayed transfer costs over the same transfer on a clone (negative: less). */
function delegatedOverClone(figures: Figures): bigint {
  return figures.delegatedTransferFunded.ours! - figures.transferFunded.ours!;
}

/** A figure with its overhead over the EOA, per operation when the row is several. */
function cell(value: bigint | undefined, eoa: bigint | undefined, count: number): string {
  if (value === undefined) return "n/a";
  if (eoa === undefined) return fmt(value);
  const overhead = (value - eoa) / BigInt(count);
  const sign = overhead < 0n ? "" : "+";
  return `${fmt(value)} (${sign}${fmt(overhead)}${count > 1 ? "/op" : ""})`;
}

/** What the session key adds to the same funded transfer signed by the owner. */
function sessionOverOwnerIntent(figures: Figures) {
  const ownerIntent = figures.transferFunded.ours!;
  return {
    registered: figures.sessionKeyRegistered.ours! - ownerIntent,
    grantCarried: figures.sessionKeyFirstUse.ours! - ownerIntent,
  };
}

const figure = (value: bigint | undefined) => (value === undefined ? null : Number(value));
const overhead = (value: bigint | undefined, eoa: bigint | undefined) =>
  value === undefined || eoa === undefined ? null : Number(value - eoa);

/** gas-bench.json: every figure, its overhead over the EOA, and what each peer is. */
export function benchJson(chainId: bigint, figures: Figures) {
  const session = sessionOverOwnerIntent(figures);
  return {
    chainId: Number(chainId),
    unit: "gas (receipt gasUsed)",
    peers: PEERS,
    rows: Object.fromEntries(
      ROWS.map((row) => {
        const values = figures[row.key];
        return [
          row.key,
          {
            operation: row.operation,
            count: rowCount(row),
            eoa: figure(values.eoa),
            ...Object.fromEntries(COLUMNS.map(({ key }) => [key, figure(values[key])])),
            overheadVsEoa: Object.fromEntries(
              COLUMNS.map(({ key }) => [key, overhead(values[key], values.eoa)]),
            ),
          },
        ];
      }),
    ),
    sessionOverOwnerIntent: {
      registered: Number(session.registered),
      grantCarried: Number(session.grantCarried),
    },
    keySetsOverOwnerIntent: Object.fromEntries(
      Object.entries(keySetsOverOwnerIntent(figures)).map(([name, gas]) => [name, Number(gas)]),
    ),
    delegatedOverCloneTransfer: Number(delegatedOverClone(figures)),
  };
}

/** The figures as gas-snapshot.json holds them: per row, `eoa` and every column. */
export function snapshotOf(figures: Figures): GasSnapshot {
  return Object.fromEntries(
    ROWS.map((row) => [
      row.key,
      {
        eoa: figure(figures[row.key].eoa),
        ...Object.fromEntries(COLUMNS.map(({ key }) => [key, figure(figures[row.key][key])])),
      },
    ]),
  );
}
