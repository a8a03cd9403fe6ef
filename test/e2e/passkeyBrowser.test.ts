import { expect } from "chai";
import { createHash } from "node:crypto";
import { network } from "hardhat";
import { getBytes, hexlify, toUtf8String, ZeroAddress } from "ethers";

import {
  encodeRelayPacked,
  encodeWebAuthnSignature,
  getIntentId,
  IntentStatus,
  P256_ORDER,
  p256PublicKeyFromSpki,
  parseDerSignature,
  toKeySetSignature,
  webAuthnKey,
  type Intent,
  type OwnerKey,
  type WebAuthnAssertion,
} from "../../src/protocol/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import {
  openPasskeyBrowser,
  RP_ID,
  type BrowserAssertion,
  type BrowserCredential,
  type PasskeyBrowser,
} from "../helpers/browserPasskey.js";
import { buildIntentNow, deployWalletWorld } from "../helpers/walletFixture.js";

/*
 * A real browser's passkey owns and operates a wallet, end to end: Debian's Chromium (headless,
 * driven by playwright-core, a CDP virtual authenticator) makes an ES256 credential on
 * http://localhost:<port>/; the factory creates a wallet whose only key is that passkey; the
 * browser's `navigator.credentials.get` signs intent IDs, and the wallet relays what it signed,
 * and only that. No software stand-in: the authenticator data, client data and DER signature
 * are the browser's own.
 */

const { ethers, networkHelpers } = await network.create();

const TOKEN = 10n ** 18n;
const SALT = 7n;

/** The WebAuthn authenticator data flags the wallet requires: user present (0x01), verified (0x04). */
const USER_PRESENT_AND_VERIFIED = 0x05;

describe("a passkey in a real browser (Chromium, WebAuthn)", function () {
  this.timeout(30_000);
  let browser: PasskeyBrowser;
  let credential: BrowserCredential;

  before(async function () {
    browser = await openPasskeyBrowser();
    credential = await browser.createCredential();
  });

  after(async function () {
    await browser?.close();
  });

  /** The wallet world, plus a wallet whose only key (threshold 1) is the browser's passkey, funded. */
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const [p256, webAuthn] = await world.implementation.passkeyVerifiers();
    const key = webAuthnKey({
      verifiers: { p256, webAuthn },
      publicKey: p256PublicKeyFromSpki(credential.spki),
    });
    await world.factory.deployWalletWithKeys([key], 1n, SALT);
    const walletAddress = await world.factory.walletWithKeysAddress([key], 1n, SALT);
    const wallet = (await ethers.getContractAt(
      "IntentWallet",
      walletAddress,
    )) as unknown as IntentWallet;
    await world.token.mint(walletAddress, 1000n * TOKEN);
    await world.owner.sendTransaction({ to: walletAddress, value: TOKEN });
    return { ...world, key, wallet, walletAddress };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** An intent that transfers `amount` of the token to the stranger, and its ID on the wallet. */
  async function transferIntent(
    world: World,
    amount: bigint,
  ): Promise<{ intent: Intent; id: string }> {
    const { token, stranger, walletAddress, chainId } = world;
    const data = token.interface.encodeFunctionData("transfer", [stranger.address, amount]);
    const intent = await buildIntentNow(world, { calls: [{ to: await token.getAddress(), data }] });
    return { intent, id: getIntentId({ intent, wallet: walletAddress, chainId }) };
  }

  /** The relay signature of `assertion` by `key`: a key-set signature of one WebAuthn entry. */
  function passkeySignature(key: OwnerKey, assertion: WebAuthnAssertion): string {
    return toKeySetSignature([{ key, signature: encodeWebAuthnSignature(assertion) }]);
  }

  /** Relays `intent` with `signature` as packed calldata, sent by the relayer. */
  function relay(world: World, intent: Intent, signature: string) {
    return world.relayer.sendTransaction({
      to: world.walletAddress,
      data: encodeRelayPacked({ intent, signature }),
    });
  }

  /**
   * An assertion of `id` whose DER `s` is in `half` of the order. The browser's `s` falls in
   * either half at random (the chain takes only the low one; `encodeWebAuthnSignature` moves a
   * high one down), so ask until it does: 32 misses in a row are a 1 in 2^32 chance.
   */
  async function assertionWithS(id: string, half: "low" | "high"): Promise<BrowserAssertion> {
    for (let attempt = 0; attempt < 32; attempt += 1) {
      const assertion = await browser.getAssertion(credential, id);
      const high = parseDerSignature(assertion.signature).s > P256_ORDER / 2n;
      if (high === (half === "high")) return assertion;
    }
    throw new Error(
      `32 browser assertions in a row without a ${half} s: does Chromium now normalize s?`,
    );
  }

  it("creates a wallet whose only key is the browser's passkey", async function () {
    const { wallet, key } = await networkHelpers.loadFixture(fixture);

    const [keys, threshold] = await wallet.listKeys();
    expect(keys).to.deep.equal([key]);
    expect(threshold).to.equal(1n);
    expect(await wallet.owner()).to.equal(ZeroAddress);
  });

  it("relays a token transfer the browser's passkey signed, sent by a relayer account", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, token, stranger, relayer, key } = world;
    const { intent, id } = await transferIntent(world, 250n * TOKEN);
    expect(await wallet.intentId(intent)).to.equal(id);

    const assertion = await browser.getAssertion(credential, id);
    const tx = relay(world, intent, passkeySignature(key, assertion));

    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(id, relayer.address, true);
    await expect(tx).to.changeTokenBalances(
      ethers,
      token,
      [walletAddress, stranger],
      [-250n * TOKEN, 250n * TOKEN],
    );
    expect(await wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
  });

  for (const half of ["low", "high"] as const) {
    it(`relays an assertion whose DER s the browser put in the ${half} half of the order`, async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { intent, id } = await transferIntent(world, 50n * TOKEN);

      const assertion = await assertionWithS(id, half);

      await expect(relay(world, intent, passkeySignature(world.key, assertion)))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(id, world.relayer.address, true);
    });
  }

  it("signs the intent ID as the client data's base64url challenge, for the page's origin", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { id } = await transferIntent(world, 1n);

    const assertion = await browser.getAssertion(credential, id);

    const clientData = JSON.parse(toUtf8String(getBytes(assertion.clientDataJSON)));
    expect(clientData).to.include({
      type: "webauthn.get",
      challenge: Buffer.from(getBytes(id)).toString("base64url"),
      origin: browser.origin,
    });
    expect(browser.origin).to.match(/^http:\/\/localhost:\d+$/);
    const authenticatorData = getBytes(assertion.authenticatorData);
    expect(hexlify(authenticatorData.subarray(0, 32))).to.equal(sha256(RP_ID));
    expect(authenticatorData[32]! & USER_PRESENT_AND_VERIFIED).to.equal(USER_PRESENT_AND_VERIFIED);
  });

  it("refuses an assertion of another intent's ID (IntentKeySignatureInvalid), which relays only that one", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, key, token, stranger } = world;
    const first = await transferIntent(world, 100n * TOKEN);
    const second = await transferIntent(world, 200n * TOKEN);
    const secondSignature = passkeySignature(
      key,
      await browser.getAssertion(credential, second.id),
    );

    await expect(relay(world, first.intent, secondSignature))
      .to.be.revertedWithCustomError(wallet, "IntentKeySignatureInvalid")
      .withArgs(first.id, key);
    expect(await wallet.intentStatus(first.id)).to.equal(IntentStatus.None);

    await expect(relay(world, second.intent, secondSignature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(second.id, world.relayer.address, true);
    expect(await token.balanceOf(stranger.address)).to.equal(200n * TOKEN);
  });
});

/** sha256 of `text`'s UTF-8 bytes, hex: the authenticator data's rpIdHash for rpId `text`. */
function sha256(text: string): string {
  return hexlify(createHash("sha256").update(text).digest());
}
