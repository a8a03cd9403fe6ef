import { expect } from "chai";
import { Wallet, id as keccakText, type Authorization } from "ethers";
import { network } from "hardhat";

import {
  checkWalletAuthorization,
  fromWalletAuthorization,
  getDelegationCode,
  getWalletKind,
  InvalidParameterError,
  readWalletKind,
  signWalletAuthorization,
  toWalletAuthorization,
  type WalletAuthorization,
} from "../../src/sdk/index.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

/*
 * The SDK's side of EIP-7702: an EOA signs its authorization of the implementation
 * (`signWalletAuthorization`), anyone checks one (`checkWalletAuthorization`) and carries it
 * as JSON (`toWalletAuthorization`, `fromWalletAuthorization`), and `getWalletKind` /
 * `readWalletKind` tell what an address is to the implementation, on the in-process chain.
 */

const { ethers, networkHelpers } = await network.create();

describe("SDK: EOAs as wallets (EIP-7702)", function () {
  /**
   * The contracts and a clone, a second implementation, and an EOA with a key that has sent two
   * transactions (its next nonce is 2, so a default nonce of 0 would show).
   */
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const { chainId } = await ethers.provider.getNetwork();
    const secondImplementation = await ethers.deployContract("IntentWallet");
    const eoa = new Wallet(keccakText("SDK EIP-7702 test: the EOA"), ethers.provider);
    const other = new Wallet(keccakText("SDK EIP-7702 test: another EOA"), ethers.provider);
    await world.owner.sendTransaction({ to: eoa.address, value: 10n ** 18n });
    for (let i = 0; i < 2; i++) {
      await (await eoa.sendTransaction({ to: world.owner.address, value: 1n })).wait();
    }
    return {
      ...world,
      chainId,
      implementationAddress: await world.implementation.getAddress(),
      secondImplementation: await secondImplementation.getAddress(),
      eoa,
      other,
    };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** Sends `authorization` in a type-4 transaction paid by the world's relayer account. */
  async function delegate(world: World, authorization: WalletAuthorization, to: string) {
    const response = await world.relayer.sendTransaction({
      to,
      type: 4,
      authorizationList: [fromWalletAuthorization(authorization)],
    });
    await response.wait();
  }

  /** The `InvalidParameterError` that `run` throws; fails the test if it throws nothing else. */
  function refusal(run: () => unknown): InvalidParameterError {
    try {
      run();
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).to.equal("authorization");
      return error as InvalidParameterError;
    }
    expect.fail("accepted");
  }

  describe("signWalletAuthorization", function () {
    it("signs for the signer's chain and the EOA's next nonce by default, and the result passes checkWalletAuthorization", async function () {
      const world = await networkHelpers.loadFixture(fixture);

      const authorization = await signWalletAuthorization({
        signer: world.eoa,
        implementation: world.implementationAddress,
      });

      expect(authorization).to.include({
        chainId: world.chainId.toString(),
        address: world.implementationAddress,
        nonce: "2",
      });
      expect(world.chainId).to.not.equal(0n);
      const checked = checkWalletAuthorization({
        authorization,
        eoa: world.eoa.address,
        implementation: world.implementationAddress,
        chainId: world.chainId,
      });
      expect(checked).to.include({ address: world.implementationAddress, nonce: 2n });
    });

    it("is taken by the chain: a type-4 transaction carrying it delegates the EOA", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const authorization = await signWalletAuthorization({
        signer: world.eoa,
        implementation: world.implementationAddress,
      });

      await delegate(world, authorization, world.eoa.address);

      expect(await ethers.provider.getCode(world.eoa.address)).to.equal(
        getDelegationCode(world.implementationAddress),
      );
    });

    it("signs for chain 0 and another nonce only when asked, and checkWalletAuthorization accepts chain 0 on any chain", async function () {
      const world = await networkHelpers.loadFixture(fixture);

      const authorization = await signWalletAuthorization({
        signer: world.eoa,
        implementation: world.implementationAddress,
        chainId: 0n,
        nonce: 9n,
      });

      expect(authorization).to.include({ chainId: "0", nonce: "9" });
      for (const chainId of [world.chainId, 1n]) {
        expect(
          checkWalletAuthorization({
            authorization,
            eoa: world.eoa.address,
            implementation: world.implementationAddress,
            chainId,
          }).chainId,
        ).to.equal(0n);
      }
    });
  });

  describe("checkWalletAuthorization", function () {
    async function signed(world: World) {
      const authorization = await signWalletAuthorization({
        signer: world.eoa,
        implementation: world.implementationAddress,
      });
      const check = (overrides: Partial<Parameters<typeof checkWalletAuthorization>[0]> = {}) =>
        checkWalletAuthorization({
          authorization,
          eoa: world.eoa.address,
          implementation: world.implementationAddress,
          chainId: world.chainId,
          ...overrides,
        });
      return { authorization, check };
    }

    it("refuses an authorization of another implementation", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { check } = await signed(world);

      expect(
        refusal(() => check({ implementation: world.secondImplementation })).shortMessage,
      ).to.equal(
        `authorization delegates to ${world.implementationAddress}, not to the implementation ${world.secondImplementation}`,
      );
    });

    it("refuses an authorization for another chain", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { check } = await signed(world);

      expect(refusal(() => check({ chainId: world.chainId + 1n })).shortMessage).to.equal(
        `authorization is for chain ${world.chainId}, not ${world.chainId + 1n}`,
      );
    });

    it("refuses an authorization signed by another key than the wallet's, or altered after signing", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { authorization, check } = await signed(world);

      expect(refusal(() => check({ eoa: world.other.address })).shortMessage).to.equal(
        `authorization is signed by ${world.eoa.address}, not by the wallet ${world.other.address}`,
      );
      const altered = { ...authorization, nonce: "3" };
      expect(refusal(() => check({ authorization: altered })).shortMessage).to.match(
        new RegExp(
          `^authorization is signed by 0x[0-9a-fA-F]{40}, not by the wallet ${world.eoa.address}$`,
        ),
      );
    });

    it("refuses each malformed field, naming it", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { authorization, check } = await signed(world);
      const malformed: [Record<string, unknown>, string][] = [
        [{ chainId: "0x7a69" }, "authorization chainId is not a decimal integer"],
        [{ chainId: "-1" }, "authorization chainId is not a decimal integer"],
        [{ address: "0x1234" }, "authorization address is not 20 bytes of hex"],
        [{ nonce: "1.5" }, "authorization nonce is not a 64-bit decimal integer"],
        [{ nonce: (2n ** 64n).toString() }, "authorization nonce is not a 64-bit decimal integer"],
        [{ yParity: 2 }, "authorization yParity is not 0 or 1"],
        [{ r: "0x1234" }, "authorization r or s is not 32 bytes of hex"],
        [{ s: `0x${"zz".repeat(32)}` }, "authorization r or s is not 32 bytes of hex"],
        [{ s: `0x${"ff".repeat(32)}` }, "authorization's signature recovers no signer"],
      ];

      for (const [fields, message] of malformed) {
        const bad = { ...authorization, ...fields } as WalletAuthorization;
        expect(refusal(() => check({ authorization: bad })).shortMessage, message).to.equal(
          message,
        );
      }
      expect(
        refusal(() => check({ authorization: null as unknown as WalletAuthorization }))
          .shortMessage,
      ).to.equal("authorization is not an object");
    });
  });

  describe("toWalletAuthorization and fromWalletAuthorization", function () {
    it("round-trip an authorization through its JSON form", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const original: Authorization = await world.eoa.authorize({
        address: world.implementationAddress,
      });

      const json = JSON.parse(JSON.stringify(toWalletAuthorization(original)));
      const back = fromWalletAuthorization(json);

      expect(back).to.deep.include({
        chainId: original.chainId,
        address: original.address,
        nonce: original.nonce,
      });
      expect(back.signature.serialized).to.equal(original.signature.serialized);
      expect(toWalletAuthorization(back)).to.deep.equal(json);
    });
  });

  describe("getWalletKind and readWalletKind", function () {
    it("tell a clone, a delegated EOA, an EOA with no code, an EOA delegated elsewhere and another contract apart", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      await delegate(
        world,
        await signWalletAuthorization({
          signer: world.eoa,
          implementation: world.implementationAddress,
        }),
        world.eoa.address,
      );
      await delegate(
        world,
        await signWalletAuthorization({
          signer: world.other,
          implementation: world.secondImplementation,
        }),
        world.other.address,
      );
      const addresses = {
        clone: world.walletAddress,
        delegated: world.eoa.address,
        none: Wallet.createRandom().address,
        delegatedElsewhere: world.other.address,
        contract: await world.factory.getAddress(),
      };

      const kinds: Record<string, string> = {};
      for (const [name, address] of Object.entries(addresses)) {
        kinds[name] = await readWalletKind(ethers.provider, address, world.implementationAddress);
        expect(
          getWalletKind({
            code: await ethers.provider.getCode(address),
            implementation: world.implementationAddress,
          }),
        ).to.equal(kinds[name]);
      }

      expect(kinds).to.deep.equal({
        clone: "clone",
        delegated: "delegated",
        none: "none",
        delegatedElsewhere: "other",
        contract: "other",
      });
      expect(
        await readWalletKind(ethers.provider, world.other.address, world.secondImplementation),
      ).to.equal("delegated");
      expect(
        await readWalletKind(ethers.provider, world.walletAddress, world.secondImplementation),
      ).to.equal("other");
    });
  });
});
