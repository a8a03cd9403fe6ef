import { expect } from "chai";
import { dataSlice, keccak256, toBeHex, Wallet } from "ethers";

import { recoverSigner } from "../../src/relayer/intake/ecdsa.js";
import { SignerRecovery } from "../../src/relayer/intake/SignerRecovery.js";

/** secp256k1's group order: `n - s` is the malleable twin of `s`. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/*
 * Owner signatures recovered on a worker thread give what the wallet's rules give inline, for
 * good signatures and for the ones the wallet refuses; jobs in flight survive a closed pool.
 */
describe("SignerRecovery (owner signatures on a worker thread)", function () {
  this.timeout(30_000);
  const owner = new Wallet(keccak256("0x5151"));

  function cases(): Array<{ hash: string; signature: string }> {
    return Array.from({ length: 40 }, (_, i) => {
      const hash = keccak256(toBeHex(i + 1, 32));
      const signature = owner.signingKey.sign(hash);
      const highS = toBeHex(N - BigInt(signature.s), 32);
      const flippedV = signature.v === 27 ? "1c" : "1b";
      const variants = [
        signature.serialized,
        `${signature.r}${highS.slice(2)}${flippedV}`, // the malleable twin: refused
        `${signature.serialized.slice(0, -2)}00`, // v = 0: refused
        dataSlice(signature.serialized, 0, 64), // 64 bytes: refused
      ];
      return { hash, signature: variants[i % variants.length] };
    });
  }

  it("answers exactly as recoverSigner does inline, for signatures the wallet takes and refuses", async function () {
    const recovery = SignerRecovery.start(1);
    try {
      const jobs = cases();
      const answers = await Promise.all(
        jobs.map((job) => recovery.recover(job.hash, job.signature)),
      );
      expect(answers).to.deep.equal(jobs.map((job) => recoverSigner(job.hash, job.signature)));
      expect(answers.filter((answer) => answer === owner.address)).to.have.length(10);
    } finally {
      await recovery.close();
    }
  });

  it("answers the recoveries in flight when closed, and inline afterwards", async function () {
    const recovery = SignerRecovery.start(1);
    const [job] = cases();
    const inFlight = recovery.recover(job.hash, job.signature);
    await recovery.close();
    expect(await inFlight).to.equal(owner.address);
    expect(await recovery.recover(job.hash, job.signature)).to.equal(owner.address);
  });
});
