/**
 * What is measured, in which order and with which inputs. The peer modules measure one row each
 * per call; every key and address they use is drawn here, so the order of the draws is in one
 * place: the figures depend on it (zero bytes of calldata and signatures cost less), and the
 * committed snapshot was recorded with this order.
 */
import * as eoa from "./eoa.js";
import * as erc4337 from "./erc4337.js";
import * as ours from "./ours.js";
import * as safe from "./safe.js";
import * as simpleAccount from "./simpleAccount.js";
import type { Figures } from "./table.js";
import { type World, deployFromNonce } from "./world.js";

/** How many wallets the bundle row has, each relaying one transfer. */
const BUNDLE = 10;

/** Deploys every peer and measures every row. */
export async function measureAll(world: World): Promise<Figures> {
  // The deployer's contracts: the token (nonce 0, in createWorld), ours, Safe, ERC-4337.
  await deployFromNonce(world, 1);
  const o = await ours.deploy(world);
  await deployFromNonce(world, 5);
  const s = await safe.deploy(world);
  await deployFromNonce(world, 8);
  const entryPoint = await erc4337.deployEntryPoint(world);
  const simple = erc4337.column(world, entryPoint, await simpleAccount.deploy(world, entryPoint));

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

  return {
    walletCreation,
    creationWithFirstTransfer,
    transferFresh: { eoa: eoaFresh, ours: oursFresh, safe: safeFresh, erc4337: simpleFresh },
    transferFunded: { eoa: eoaFunded, ours: oursFunded, safe: safeFunded, erc4337: simpleFunded },
    sessionKeyRegistered: { eoa: eoaFunded, ours: sessionKeyRegistered },
    sessionKeyFirstUse: { eoa: eoaFunded, ours: sessionKeyFirstUse },
    batchOf3Transfers,
    tenIntentsTenWallets,
  };
}
