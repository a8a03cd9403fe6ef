import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

/*
 * The IntentWallet tasks, as subtasks of `wallet`, `intent` and `session`
 * (`npx hardhat intent sign --help`). Each action lives in its own file, loaded only when the
 * task runs. Contract addresses come from `deployments/<chainId>.json`, which
 * `npx hardhat run deploy/deploy.ts --network <name>` records for a node;
 * `--factory`, `--implementation` and `--module` override it. Integers are decimal or 0x strings;
 * lists are comma-separated (Hardhat 3 options cannot be repeated).
 */

/** An optional string option (no default: `undefined` when not given). */
function optional<NameT extends string>(name: NameT, description: string) {
  return {
    name,
    description,
    type: ArgumentType.STRING_WITHOUT_DEFAULT as const,
    defaultValue: undefined,
  };
}

/** An optional file path option. */
function optionalFile<NameT extends string>(name: NameT, description: string) {
  return {
    name,
    description,
    type: ArgumentType.FILE_WITHOUT_DEFAULT as const,
    defaultValue: undefined,
  };
}

const signer = (role: string) => ({
  name: "signer" as const,
  description: `The index of the network account that ${role}`,
  type: ArgumentType.INT as const,
  defaultValue: 0,
});

const factory = optional(
  "factory",
  "The WalletFactory (default: the one recorded in deployments/<chainId>.json)",
);
const implementation = optional(
  "implementation",
  "The IntentWallet implementation the factory clones (default: recorded, or read from --factory)",
);
const module = optional(
  "module",
  "The SessionKeyModule (default: the one recorded in deployments/<chainId>.json)",
);
const owner = optional("owner", "The wallet's owner (default: the --signer account)");
const walletSalt = {
  name: "salt" as const,
  description: "The owner's salt: one owner can have many wallets",
  type: ArgumentType.BIGINT as const,
  defaultValue: 0n,
};
const wallet = optional("wallet", "The wallet's address");

const keys = optional(
  "keys",
  "Instead of --owner: the comma list of a key set's keys (addresses, or a key's full hex)",
);
const threshold = optional("threshold", "With --keys: how many of the keys must sign");

// The options of the tasks that change a wallet's keys by an owner intent.
const keyedWallet = optional("wallet", "The wallet whose keys change");
const signers = optional(
  "signers",
  "Comma list of the account indices whose keys sign the intent (default: the --signer account)",
);
const keyFiles = optional(
  "keyFiles",
  "Comma list of files, each holding a signing key's private key (0x and 64 hex digits)",
);
const relaySigner = signer(
  "relays the intent and pays its gas (and signs it when --signers and --key-files are not given)",
);

const walletTasks = [
  emptyTask(
    "wallet",
    "Create IntentWallet wallets, print their addresses, manage their keys",
  ).build(),

  task(
    ["wallet", "address"],
    "Print a wallet's counterfactual address (owner or key set, salt); sends nothing",
  )
    .addOption(owner)
    .addOption(keys)
    .addOption(threshold)
    .addOption(walletSalt)
    .addOption(signer("is the default owner"))
    .addOption(factory)
    .addOption(implementation)
    .setAction(() => import("./wallet/address.js"))
    .build(),

  task(["wallet", "create"], "Deploy a wallet through the factory; does nothing if it exists")
    .addOption(owner)
    .addOption(keys)
    .addOption(threshold)
    .addOption(walletSalt)
    .addOption(signer("pays for the deployment (and is the default owner)"))
    .addOption(factory)
    .addOption(implementation)
    .setAction(() => import("./wallet/create.js"))
    .build(),

  task(
    ["wallet", "keys"],
    "Print who signs for a wallet: its keys, each with its kind, and the threshold",
  )
    .addOption(wallet)
    .setAction(() => import("./wallet/keys.js"))
    .build(),

  task(["wallet", "add-key"], "Add a key to a wallet's key set by an owner intent, and relay it")
    .addOption(keyedWallet)
    .addOption(signers)
    .addOption(keyFiles)
    .addOption(relaySigner)
    .addOption(optional("key", "The key to add: an address, or a key's full hex (a passkey's)"))
    .setAction(() => import("./wallet/addKey.js"))
    .build(),

  task(
    ["wallet", "remove-key"],
    "Remove a key from a wallet's key set by an owner intent, and relay it",
  )
    .addOption(keyedWallet)
    .addOption(signers)
    .addOption(keyFiles)
    .addOption(relaySigner)
    .addOption(optional("key", "The key to remove: an address, or a key's full hex"))
    .setAction(() => import("./wallet/removeKey.js"))
    .build(),

  task(
    ["wallet", "threshold"],
    "Set how many of a wallet's keys must sign, by an owner intent, and relay it",
  )
    .addOption(keyedWallet)
    .addOption(signers)
    .addOption(keyFiles)
    .addOption(relaySigner)
    .addOption(optional("threshold", "How many distinct keys must sign from now on"))
    .setAction(() => import("./wallet/threshold.js"))
    .build(),

  task(
    ["wallet", "delegate"],
    "Make an EOA a wallet at its own address (EIP-7702), paid by --signer; does nothing if it is one",
  )
    .addOption(optional("eoa", "The index of the network account that is the EOA (or --key-file)"))
    .addOption(
      optionalFile(
        "keyFile",
        "Instead of --eoa: a file holding the EOA's private key (0x and 64 hex digits)",
      ),
    )
    .addOption(
      signer("sends the type-4 transaction and pays its gas (not the EOA: it needs no ETH)"),
    )
    .addOption(
      optional(
        "implementation",
        "The IntentWallet implementation (default: the one recorded in deployments/<chainId>.json)",
      ),
    )
    .setAction(() => import("./wallet/delegate.js"))
    .build(),

  task(
    ["wallet", "kind"],
    "Print what an address is to the implementation: clone, delegated, none or other",
  )
    .addOption(optional("address", "The address to read"))
    .addOption(
      optional(
        "implementation",
        "The IntentWallet implementation (default: the one recorded in deployments/<chainId>.json)",
      ),
    )
    .setAction(() => import("./wallet/kind.js"))
    .build(),
];

const intentTasks = [
  emptyTask("intent", "Sign, relay, inspect and cancel intents").build(),

  task(
    ["intent", "sign"],
    "Build an intent and sign it as the owner; prints the signed-intent JSON",
  )
    .addOption(optional("wallet", "The wallet that makes the calls (or `wallet` in --intent-file)"))
    .addOption(optional("to", "The called address, for a one-call intent"))
    .addOption(optional("value", "The wei sent with the call to --to (default 0)"))
    .addOption(optional("data", "The calldata of the call to --to, 0x hex (default 0x)"))
    .addOption(
      optionalFile(
        "callsFile",
        'A JSON file of the calls: [{ "to": "0x…", "value": "0", "data": "0x…" }]',
      ),
    )
    .addOption(
      optionalFile(
        "intentFile",
        "A JSON intent: { wallet?, calls, dependencies?, salt?, validAfter?, expiration?, maxGasPrice?, minGasLimit? }",
      ),
    )
    .addOption(optional("salt", "The intent's salt, to sign the same calls again (default 0)"))
    .addOption(
      optional(
        "validAfter",
        "Unix seconds from which the intent may be relayed (default 0: at once); before its expiration",
      ),
    )
    .addOption(
      optional("expiration", "Unix seconds at which the intent dies (default: now + 365 days)"),
    )
    .addOption(
      optional(
        "dependsOn",
        "Comma list of intent IDs of the wallet (or wallet:id of another) that must be relayed first",
      ),
    )
    .addOption(optional("maxGasPrice", "The highest gas price a relay may pay (default: no limit)"))
    .addOption(optional("minGasLimit", "The least gas the calls must be given (default 0)"))
    .addOption(signer("signs (the owner)"))
    .addOption(optionalFile("out", "Write the signed intent to this file instead of printing it"))
    .setAction(() => import("./intent/sign.js"))
    .build(),

  task(
    ["intent", "relay"],
    "Relay a signed intent as relayPacked (the signer pays gas), or send it to a relayer",
  )
    .addOption(optionalFile("file", "The signed-intent JSON file (from `intent sign`)"))
    .addOption(
      optional("relayerUrl", "Submit to this relayer (e.g. http://127.0.0.1:8080) instead"),
    )
    .addFlag({ name: "wait", description: "With --relayer-url: wait for a final status" })
    .addOption(signer("sends and pays for the relay transaction"))
    .addOption(
      optional(
        "owner",
        "The owner of a wallet not deployed yet: deploys it in the relay transaction",
      ),
    )
    .addOption({
      name: "walletSalt",
      description: "With --owner: the owner's salt of the wallet",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption(factory)
    .addOption(implementation)
    .setAction(() => import("./intent/relay.js"))
    .build(),

  task(
    ["intent", "receipt"],
    "Show an intent's state: pending, relayed, failed, canceled or expired",
  )
    .addOption(wallet)
    .addOption(optional("id", "The intent ID"))
    .addOption(optionalFile("file", "A signed-intent JSON file, instead of --wallet and --id"))
    .setAction(() => import("./intent/receipt.js"))
    .build(),

  task(["intent", "cancel"], "Cancel unrelayed intents, sent by the owner (who pays gas)")
    .addOption(wallet)
    .addOption(optional("ids", "Comma list of the intent IDs to cancel"))
    .addOption(optionalFile("file", "A signed-intent JSON file whose intent to cancel"))
    .addOption(signer("sends the cancel (the owner)"))
    .setAction(() => import("./intent/cancel.js"))
    .build(),
];

const sessionTasks = [
  emptyTask("session", "Grant, use, revoke and list session keys").build(),

  task(
    ["session", "grant"],
    "Sign a session grant as the owner and print it; --register registers it",
  )
    .addOption(wallet)
    .addOption(
      optional("app", "The app asking for the session, as the owner reads it (trade.example.com)"),
    )
    .addOption(optional("key", "The session key's address (the app holds its private key)"))
    .addOption(
      optional(
        "permission",
        "Comma list of target:functionSignature, e.g. 0x5FbD…:placeOrder(uint256,uint256)",
      ),
    )
    .addOption(optional("validFor", "The session's length in seconds from now (or --valid-until)"))
    .addOption(optional("validUntil", "Unix seconds from which the session is dead"))
    .addOption(optional("validAfter", "Unix seconds from which the session is usable (default 0)"))
    .addOption({
      name: "salt",
      description: "The grant's salt, to grant the same again as another session",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption(signer("signs the grant (the owner)"))
    .addOption(module)
    .addFlag({
      name: "register",
      description:
        "Also register it now by the owner's direct execute (installs the module if needed)",
    })
    .addOption(optionalFile("out", "Write the signed grant to this file instead of printing it"))
    .setAction(() => import("./session/grant.js"))
    .build(),

  task(
    ["session", "sign-intent"],
    "Sign an intent with a session key (the app's side); prints the signed-intent JSON",
  )
    .addOption(optionalFile("grant", "The signed-grant JSON file (from `session grant`)"))
    .addOption(
      optionalFile(
        "keyFile",
        "A file holding the session key's private key (0x and 64 hex digits)",
      ),
    )
    .addOption(optional("to", "The called address, for a one-call intent"))
    .addOption(
      optional("value", "The wei sent with the call to --to (default 0; a session sends none)"),
    )
    .addOption(optional("data", "The calldata of the call to --to, 0x hex (default 0x)"))
    .addOption(
      optionalFile(
        "callsFile",
        'A JSON file of the calls: [{ "to": "0x…", "value": "0", "data": "0x…" }]',
      ),
    )
    .addOption(
      optionalFile(
        "intentFile",
        "A JSON intent: { wallet?, calls, dependencies?, salt?, validAfter?, expiration?, maxGasPrice?, minGasLimit? }",
      ),
    )
    .addOption(optional("salt", "The intent's salt, to sign the same calls again (default 0)"))
    .addOption(
      optional(
        "validAfter",
        "Unix seconds from which the intent may be relayed (default 0: at once)",
      ),
    )
    .addOption(
      optional("expiration", "Unix seconds at which the intent dies (default: the session's end)"),
    )
    .addOption(
      optional(
        "dependsOn",
        "Comma list of intent IDs of the wallet (or wallet:id of another) that must be relayed first",
      ),
    )
    .addOption(optional("maxGasPrice", "The highest gas price a relay may pay (default: no limit)"))
    .addOption(optional("minGasLimit", "The least gas the calls must be given (default 0)"))
    .addOption(optionalFile("out", "Write the signed intent to this file instead of printing it"))
    .setAction(() => import("./session/signIntent.js"))
    .build(),

  task(["session", "revoke"], "Revoke one session grant (registered or not), sent by the owner")
    .addOption(optionalFile("file", "The signed-grant JSON file (from `session grant`)"))
    .addOption(signer("sends the revocation (the owner)"))
    .setAction(() => import("./session/revoke.js"))
    .build(),

  task(["session", "revoke-all"], "Revoke every session of a wallet at once, sent by the owner")
    .addOption(wallet)
    .addOption(signer("sends the revocation (the owner)"))
    .addOption(module)
    .setAction(() => import("./session/revokeAll.js"))
    .build(),

  task(["session", "list"], "List a wallet's sessions with their current status")
    .addOption(wallet)
    .addOption({
      name: "fromBlock",
      description: "The first block to search for session events",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addOption(module)
    .setAction(() => import("./session/list.js"))
    .build(),
];

/** Every IntentWallet task definition, for the config's `tasks`. */
export const tasks: TaskDefinition[] = [...walletTasks, ...intentTasks, ...sessionTasks];
