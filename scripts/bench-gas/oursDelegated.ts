/**
 * Ours on an EOA delegated to the implementation (EIP-7702): a wallet at the EOA's own address,
 * no proxy. Its keys and addresses come from their own sequence, so these rows never move the
 * others. A separate sender with its own key sends the type-4 transaction (and the next relay).
 */
import assert from "node:assert/strict";

import { encodeRelayPacked, getDelegationCode, type SignedIntent } from "../../src/sdk/index.js";
import { type Ours, signedIntent } from "./ours.js";
import { INITIAL_TOKENS, type Sequence, measureTransfers } from "./world.js";

/** The two rows of a delegated EOA. */
export interface DelegatedFigures {
  /** Delegation and a first transfer (fresh recipient) in one type-4 transaction. */
  delegationWithFirstTransfer: bigint;
  /** A relayed transfer (funded recipient) on the delegated EOA. */
  transferFunded: bigint;
}

/** Delegates an EOA with its first transfer, then relays a second one; both measured. */
export async function delegatedEoaRows(ours: Ours, sequence: Sequence): Promise<DelegatedFigures> {
  const { world } = ours;
  const implementation = await ours.factory.implementation();
  const eoa = sequence.newKey();
  const sender = sequence.newKey();
  await (await world.deployer.sendTransaction({ to: sender.address, value: 10n ** 18n })).wait();
  await (await world.token.mint(eoa.address, INITIAL_TOKENS)).wait();

  const firstTo = sequence.freshAddress();
  const first = await signedIntent(ours, eoa, eoa.address, [firstTo], 0n);
  const authorization = await eoa.authorize({
    address: implementation,
    nonce: 0n,
    chainId: world.chainId,
  });
  const send = (signed: SignedIntent, type4: boolean) =>
    sender.sendTransaction({
      to: eoa.address,
      data: encodeRelayPacked(signed),
      ...(type4 ? { type: 4, authorizationList: [authorization] } : {}),
    });
  const delegationWithFirstTransfer = await measureTransfers(world, eoa.address, [firstTo], () =>
    send(first, true),
  );
  assert.equal(await world.ethers.provider.getCode(eoa.address), getDelegationCode(implementation));

  const [to] = await sequence.fundedRecipients(1);
  const second = await signedIntent(ours, eoa, eoa.address, [to], 1n);
  const transferFunded = await measureTransfers(world, eoa.address, [to], () =>
    send(second, false),
  );
  return { delegationWithFirstTransfer, transferFunded };
}
