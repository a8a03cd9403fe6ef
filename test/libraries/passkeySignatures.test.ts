import { createHash } from "node:crypto";

import { p256 } from "@noble/curves/nist";
import { expect } from "chai";
import { concat, getBytes, hexlify, toBeHex, toUtf8String } from "ethers";
import { network } from "hardhat";

import {
  P256_ORDER,
  encodeWebAuthnSignature,
  parseDerSignature,
} from "../../src/protocol/index.js";
import type { PasskeySignaturesHarness } from "../../typechain-types/index.js";
import { handEncodedWebAuthn } from "../helpers/keySetFixture.js";
import { Prng, randomBytes32 } from "../helpers/randomIntents.js";

const { ethers, networkHelpers } = await network.create();

/** One assertion made as an authenticator would, with what the differential test varied. */
interface Case {
  challenge: string;
  x: string;
  y: string;
  authenticatorData: string;
  clientDataJSON: string;
  r: bigint;
  s: bigint;
}

const FLAGS = [0x05, 0x01, 0x04, 0x00, 0x15, 0x1d, 0x0d, 0x45, 0x85, 0xff, 0x07, 0x0c];
const ORIGIN_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789.-:/";

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}

/** A seeded assertion: most are valid, the rest wrong in one way or several. */
function randomCase(rng: Prng): Case {
  const privateKey = (BigInt(randomBytes32(rng)) % (P256_ORDER - 1n)) + 1n;
  const point = p256.getPublicKey(getBytes(toBeHex(privateKey, 32)), false);
  const challenge = randomBytes32(rng);
  const signedChallenge = rng.chance(1, 10) ? randomBytes32(rng) : challenge;
  const type = rng.chance(1, 10) ? "webauthn.create" : "webauthn.get";
  const origin = `https://${Array.from({ length: rng.int(3, 60) }, () => ORIGIN_CHARACTERS[rng.int(0, ORIGIN_CHARACTERS.length - 1)]).join("")}`;
  const fields: Record<string, unknown> = {
    type,
    challenge: Buffer.from(getBytes(signedChallenge)).toString("base64url"),
    origin,
    crossOrigin: rng.chance(1, 4),
  };
  if (rng.chance(1, 5))
    fields.other_keys_can_be_added_here = "do not compare clientDataJSON against a template";
  const clientData = new TextEncoder().encode(JSON.stringify(fields));
  const extensions = rng.chance(3, 10)
    ? getBytes(randomBytes32(rng)).subarray(0, rng.int(1, 32))
    : new Uint8Array();
  const authenticatorData = concat([
    randomBytes32(rng),
    toBeHex(FLAGS[rng.int(0, FLAGS.length - 1)]!, 1),
    toBeHex(rng.int(0, 2 ** 31), 4),
    extensions,
  ]);
  if (rng.chance(1, 10)) clientData[clientData.length - 2] ^= 0x01; // changed after signing
  const message = sha256(getBytes(concat([authenticatorData, sha256(clientData)])));
  const signed = p256.sign(message, getBytes(toBeHex(privateKey, 32)), {
    lowS: rng.chance(1, 2),
    prehash: false,
  });
  return {
    challenge,
    x: hexlify(point.subarray(1, 33)),
    y: hexlify(point.subarray(33, 65)),
    authenticatorData,
    clientDataJSON: hexlify(clientData),
    r: signed.r,
    s: signed.s,
  };
}

/** The assertion as OpenZeppelin's `WebAuthnAuth`, with the same r and s. */
function openZeppelinAuth(testCase: Case) {
  const json = toUtf8String(testCase.clientDataJSON);
  const typeAt = json.indexOf('"type":"webauthn.get"');
  return {
    r: toBeHex(testCase.r, 32),
    s: toBeHex(testCase.s, 32),
    challengeIndex: json.indexOf('"challenge":"'),
    typeIndex: typeAt >= 0 ? typeAt : json.indexOf('"type":'),
    authenticatorData: testCase.authenticatorData,
    clientDataJSON: json,
  };
}

/** The DER form of (r, s), as an authenticator returns it. */
function der(r: bigint, s: bigint): string {
  return hexlify(new p256.Signature(r, s).toDERRawBytes());
}

describe("PasskeySignatures (the wallet's compact passkey check)", function () {
  async function fixture(): Promise<{ harness: PasskeySignaturesHarness }> {
    return { harness: await ethers.deployContract("PasskeySignaturesHarness") };
  }

  it("encodes every challenge in base64url exactly as OpenZeppelin's Base64 does", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(0xb64);
    const challenges = [
      `0x${"00".repeat(32)}`,
      `0x${"ff".repeat(32)}`,
      `0x${"fb".repeat(32)}`,
      `0x${"3e".repeat(32)}`,
    ];
    for (let i = 0; i < 96; i++) challenges.push(randomBytes32(rng));
    for (const challenge of challenges) {
      const ours = await harness.base64Url(challenge);
      expect(ours, challenge).to.equal(await harness.base64UrlOpenZeppelin(challenge));
      expect(ours, challenge).to.equal(Buffer.from(getBytes(challenge)).toString("base64url"));
    }
  });

  it("agrees with OpenZeppelin's WebAuthn.verify on 160 seeded assertions, valid and broken", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(0x7a55);
    let valid = 0;
    for (let i = 0; i < 160; i++) {
      const testCase = randomCase(rng);
      const compact = handEncodedWebAuthn(
        {
          authenticatorData: testCase.authenticatorData,
          clientDataJSON: testCase.clientDataJSON,
          signature: der(testCase.r, testCase.s),
        },
        { highS: testCase.s > P256_ORDER / 2n },
      );
      const expected = await harness.verifyOpenZeppelin(
        testCase.challenge,
        openZeppelinAuth(testCase),
        testCase.x,
        testCase.y,
      );
      const label = `case ${i}: ${JSON.stringify(testCase, (_, value) => (typeof value === "bigint" ? value.toString() : value))}`;
      expect(
        await harness.verifyCompact(testCase.challenge, compact, testCase.x, testCase.y),
        label,
      ).to.equal(expected);
      expect(
        await harness.verifyCompactByPrecompile(
          testCase.challenge,
          compact,
          testCase.x,
          testCase.y,
        ),
        label,
      ).to.equal(expected);
      if (expected) valid += 1;
    }
    // The seeds must exercise both answers, or the comparison proves little.
    expect(valid).to.be.within(20, 140);
  });

  it("verifies what the SDK encodes, s in either half, and nothing of another challenge", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(0x5d4);
    for (let i = 0; i < 24; i++) {
      const testCase = randomCase(rng);
      const auth = openZeppelinAuth(testCase);
      const lowS = testCase.s > P256_ORDER / 2n ? P256_ORDER - testCase.s : testCase.s;
      const expected = await harness.verifyOpenZeppelin(
        testCase.challenge,
        { ...auth, s: toBeHex(lowS, 32) },
        testCase.x,
        testCase.y,
      );
      let encoded: string;
      try {
        encoded = encodeWebAuthnSignature({
          authenticatorData: testCase.authenticatorData,
          clientDataJSON: testCase.clientDataJSON,
          signature: der(testCase.r, testCase.s),
        });
      } catch {
        // Only a client data that does not start as WebAuthn serializes an assertion is refused.
        expect(toUtf8String(testCase.clientDataJSON)).to.not.match(
          /^\{"type":"webauthn\.get","challenge":"/,
        );
        expect(expected).to.equal(false);
        continue;
      }
      expect(
        await harness.verifyCompact(testCase.challenge, encoded, testCase.x, testCase.y),
      ).to.equal(expected);
      expect(
        await harness.verifyCompact(randomBytes32(rng), encoded, testCase.x, testCase.y),
      ).to.equal(false);
      expect(parseDerSignature(der(testCase.r, testCase.s)).r).to.equal(testCase.r);
    }
  });

  it("answers false, never reverts, for truncated, extended and random bytes", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(0xbad);
    let testCase = randomCase(rng);
    while (
      !(await harness.verifyOpenZeppelin(
        testCase.challenge,
        openZeppelinAuth(testCase),
        testCase.x,
        testCase.y,
      ))
    )
      testCase = randomCase(rng);
    const compact = getBytes(
      handEncodedWebAuthn(
        {
          authenticatorData: testCase.authenticatorData,
          clientDataJSON: testCase.clientDataJSON,
          signature: der(testCase.r, testCase.s),
        },
        { highS: testCase.s > P256_ORDER / 2n },
      ),
    );
    const { challenge, x, y } = testCase;
    expect(await harness.verifyCompact(challenge, compact, x, y)).to.equal(true);
    const broken: Uint8Array[] = [];
    for (const length of [0, 1, 64, 65, 66, 102, 103, 104, compact.length - 1])
      broken.push(compact.subarray(0, length));
    broken.push(concat([compact, "0x00"]) as unknown as Uint8Array);
    for (const lengthField of [0, 36, 0xffff, compact.length - 66, compact.length]) {
      const changed = Uint8Array.from(compact);
      changed[64] = lengthField >> 8;
      changed[65] = lengthField & 0xff;
      broken.push(changed);
    }
    for (let i = 0; i < 24; i++)
      broken.push(getBytes(randomBytes32(rng)).subarray(0, rng.int(0, 32)));
    for (let i = 0; i < 24; i++) {
      const flipped = Uint8Array.from(compact);
      flipped[rng.int(0, flipped.length - 1)] ^= 1 << rng.int(0, 7);
      broken.push(flipped);
    }
    for (const bytes of broken) {
      expect(await harness.verifyCompact(challenge, bytes, x, y), hexlify(bytes)).to.equal(false);
      expect(
        await harness.verifyCompactByPrecompile(challenge, bytes, x, y),
        hexlify(bytes),
      ).to.equal(false);
    }
  });
});
