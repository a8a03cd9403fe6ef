/**
 * What is measured, in which order and with which inputs. The peer modules measure one row each
 * per call; every key and address they use is drawn here, so the order of the draws is in one
 * place: the figures depend on it (zero bytes of calldata and signatures cost less), and the
 * committed snapshot was recorded with this order.
 *
 * The first peers (ours, Safe, SimpleAccount with a deposit) share one sequence of keys and
 * addresses, drawn row by row. The columns added later come after them, each with its own
 * sequence and deployer, so that they never move the first peers' figures, nor each other's.
 */
import * as eoa from "./eoa.js";
import * as erc4337 from "./erc4337.js";
import * as ours from "./ours.js";
import * as oursDelegated from "./oursDelegated.js";
import * as oursKeySets from "./oursKeySets.js";
import * as ozAccount from "./ozAccount.js";
import * as safe from "./safe.js";
import * as simpleAccount from "./simpleAccount.js";
import type { Column, Figures, RowKey } from "./table.js";
import { type Sequence, type World, deployFromNonce } from "./world.js";

/** How many wallets the bundle row has, each relaying one transfer. */
const BUNDLE = 10;

/** Deploys every peer and measures every row. */
export async function measureAll(world: World): Promise<Figures> {
  const { figures, entryPoint, simple } = await measureFirstPeers(world);
  const oz = await ozAccount.deploy(world, entryPoint);
  const later: Array<[Column, erc4337.AccountKind, erc4337.Flow]> = [
    ["erc4337PaysInOp", simple, "paysInOp"],
    ["ozAccount", oz, "deposit"],
    ["ozAccountPaysInOp", oz, "paysInOp"],
  ];
  for (const [key, kind, flow] of later) {
    const column = erc4337.column(world, entryPoint, kind, flow);
    const measured = await measure4337Column(column, world.sequence(key));
    for (const [row, gas] of Object.entries(measured)) figures[row as RowKey][key] = gas;
  }
  return figures;
}

/**
 * Every row of a 4337 column added later, with inputs drawn from its own sequence, in the order
 * of the first peers' rows.
 */
async function measure4337Column(
  column: erc4337.Erc4337Column,
  sequence: Sequence,
): Promise<Partial<Record<RowKey, bigint>>> {
  return {
    walletCreation: await erc4337.createAccount(column, sequence.newKey()),
    creationWithFirstTransfer: await erc4337.createAccountAndTransfer(
      column,
      sequence.newKey(),
      sequence.freshAddress(),
    ),
    transferFresh: await erc4337.transfer(column, [sequence.freshAddress()]),
    transferFunded: await erc4337.transfer(column, await sequence.fundedRecipients(1)),
    batchOf3Transfers: await erc4337.transfer(column, await sequence.fundedRecipients(3)),
    tenIntentsTenWallets: await erc4337.bundle(
      column,
      Array.from({ length: BUNDLE }, () => sequence.newKey()),
      await sequence.fundedRecipients(BUNDLE),
    ),
  };
}

/** The first peers: EOA, ours, Safe and SimpleAccount with a deposit, each row in turn. */
async function measureFirstPeers(world: World) {
  // The deployer's contracts: the token (nonce 0, in createWorld), ours, Safe, ERC-4337.
  await deployFromNonce(world, 1);
  const o = await ours.deploy(world);
  await deployFromNonce(world, 5);
  const s = await safe.deploy(world);
  await deployFromNonce(world, 8);
  const entryPoint = await erc4337.deployEntryPoint(world);
  const simpleKind = await simpleAccount.deploy(world, entryPoint);
  const simple = erc4337.column(world, entryPoint, simpleKind, "deposit");

  // The EOA baselines.
  await eoa.fund(world);
  const [eoaFundedTo] = await world.fundedRecipients(1);
  const eoaFresh = await eoa.transfer(world, world.freshAddress());
  const eoaFunded = await eoa.transfer(world, eoaFundedTo);

  const walletCreation = {
    ours: await ours.createWallet(o, world.newKey()),
    safe: await safe.createSafe(s, world.newKey()),
    erc4337: await erc4337.createAccount(simple, world.newKey()),
  };
  const creationWithFirstTransfer = {
    eoa: eoaFresh,
    ours: await ours.createWalletAndTransfer(o, world.newKey(), world.freshAddress()),
    safe: await safe.createSafeAndTransfer(s, world.newKey(), world.freshAddress()),
    erc4337: await erc4337.createAccountAndTransfer(simple, world.newKey(), world.freshAddress()),
  };

  // Steady state: each account's nonce already non-zero. Safe's creation leaves it at zero, so one
  // transfer first; ours has no nonce (one receipt per intent), a 4337 account's creation is an
  // operation.
  await safe.transfer(s, await world.fundedRecipients(1));

  const [oursFundedTo, safeFundedTo, simpleFundedTo] = await world.fundedRecipients(3);
  const oursFresh = await ours.transfer(o, [world.freshAddress()]);
  const oursFunded = await ours.transfer(o, [oursFundedTo]);
  const safeFresh = await safe.transfer(s, [world.freshAddress()]);
  const safeFunded = await safe.transfer(s, [safeFundedTo]);
  const simpleFresh = await erc4337.transfer(simple, [world.freshAddress()]);
  const simpleFunded = await erc4337.transfer(simple, [simpleFundedTo]);

  const batchOf3Transfers = {
    eoa: 3n * eoaFunded,
    ours: await ours.transfer(o, await world.fundedRecipients(3)),
    safe: await safe.transfer(s, await world.fundedRecipients(3)),
    erc4337: await erc4337.transfer(simple, await world.fundedRecipients(3)),
  };

  // Ours: the same funded transfer signed by a session key, the grant carried on first use (and
  // registered on the way), then registered.
  await ours.grantSessionKey(o, world.newKey());
  const [firstUseTo] = await world.fundedRecipients(1);
  const sessionKeyFirstUse = await ours.sessionKeyTransfer(o, firstUseTo, true);
  const [registeredTo] = await world.fundedRecipients(1);
  const sessionKeyRegistered = await ours.sessionKeyTransfer(o, registeredTo, false);

  // One transaction of BUNDLE wallets, one transfer each; ours and 4337 with the same owners.
  const bundleOwners = Array.from({ length: BUNDLE }, () => world.newKey());
  const tenIntentsTenWallets = {
    eoa: BigInt(BUNDLE) * eoaFunded,
    ours: await ours.bundle(o, bundleOwners, await world.fundedRecipients(BUNDLE)),
    erc4337: await erc4337.bundle(simple, bundleOwners, await world.fundedRecipients(BUNDLE)),
  };

  // Ours owned by key sets, from a sequence of their own: a passkey, 2 of 3 and 1 of 3 secp256k1.
  const keySets = world.sequence("keySets");
  const keySetPasskey = { eoa: eoaFunded, ours: await oursKeySets.passkeyTransfer(o, keySets) };
  const keySet2of3 = {
    eoa: eoaFunded,
    ours: await oursKeySets.secp256k1Transfer(o, keySets, 2, 3),
  };
  const keySet1of3 = {
    eoa: eoaFunded,
    ours: await oursKeySets.secp256k1Transfer(o, keySets, 1, 3),
  };

  // Ours on an EOA delegated to the implementation (EIP-7702), from a sequence of its own.
  const delegated = await oursDelegated.delegatedEoaRows(o, world.sequence("delegatedEoa"));
  const delegationWithFirstTransfer = {
    eoa: eoaFresh,
    ours: delegated.delegationWithFirstTransfer,
  };
  const delegatedTransferFunded = { eoa: eoaFunded, ours: delegated.transferFunded };

  const figures: Figures = {
    walletCreation,
    creationWithFirstTransfer,
    transferFresh: { eoa: eoaFresh, ours: oursFresh, safe: safeFresh, erc4337: simpleFresh },
    transferFunded: { eoa: eoaFunded, ours: oursFunded, safe: safeFunded, erc4337: simpleFunded },
    sessionKeyRegistered: { eoa: eoaFunded, ours: sessionKeyRegistered },
    sessionKeyFirstUse: { eoa: eoaFunded, ours: sessionKeyFirstUse },
    batchOf3Transfers,
    tenIntentsTenWallets,
    keySetPasskey,
    keySet2of3,
    keySet1of3,
    delegationWithFirstTransfer,
    delegatedTransferFunded,
  };
  return { figures, entryPoint, simple: simpleKind };
}
