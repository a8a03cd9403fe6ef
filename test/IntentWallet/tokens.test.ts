import { expect } from "chai";
import { network } from "hardhat";

import type { BuildIntentParameters } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";
import { signedIntent } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

const ONE_ETHER = 10n ** 18n;

describe("IntentWallet token receiving and sending", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const signers = await ethers.getSigners();
    const recipient = signers[4];
    const nft = await ethers.deployContract("MockERC721");
    const multi = await ethers.deployContract("MockERC1155");
    // A second wallet, to show tokens can travel from contract wallet to contract wallet.
    await world.factory.createWallet(world.stranger.address, 0n);
    const otherWalletAddress = await world.factory.walletAddress(world.stranger.address, 0n);
    const otherWallet = (await ethers.getContractAt(
      "IntentWallet",
      otherWalletAddress,
    )) as unknown as IntentWallet;
    return { ...world, recipient, nft, multi, otherWallet, otherWalletAddress };
  }

  /** Builds an intent, signs it as the owner and relays it from the relayer, expecting its calls to succeed. */
  async function relayOk(world: WalletWorld, parameters: BuildIntentParameters) {
    const { intent, signed } = await signedIntent(world, parameters);
    const tx = world.wallet.connect(world.relayer).relay(intent, signed.signature);
    await expect(tx)
      .to.emit(world.wallet, "IntentRelayed")
      .withArgs(signed.id, world.relayer.address, true);
    return tx;
  }

  describe("ETH", function () {
    it("receives ETH from a plain transfer, from anyone", async function () {
      const { walletAddress, stranger } = await networkHelpers.loadFixture(fixture);
      await expect(
        stranger.sendTransaction({ to: walletAddress, value: ONE_ETHER }),
      ).to.changeEtherBalances(ethers, [walletAddress, stranger], [ONE_ETHER, -ONE_ETHER], {
        includeFee: false,
      });
    });

    it("sends ETH onward through a relayed intent, the relayer paying only gas", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { walletAddress, recipient } = world;
      const amount = ONE_ETHER / 4n;
      const tx = await relayOk(world, {
        calls: [{ to: recipient.address, value: amount }],
      });
      await expect(tx).to.changeEtherBalances(
        ethers,
        [walletAddress, recipient],
        [-amount, amount],
      );
    });
  });

  describe("ERC-721", function () {
    it("receives a token minted with safeMint (the receiver check passes)", async function () {
      const { walletAddress, nft } = await networkHelpers.loadFixture(fixture);
      await expect(nft.safeMint(walletAddress, 7n)).to.emit(nft, "Transfer");
      expect(await nft.ownerOf(7n)).to.equal(walletAddress);
      expect(await nft.balanceOf(walletAddress)).to.equal(1n);
    });

    it("receives a token sent with safeTransferFrom by an EOA", async function () {
      const { walletAddress, nft, stranger } = await networkHelpers.loadFixture(fixture);
      await nft.safeMint(stranger.address, 8n);
      await nft
        .connect(stranger)
        ["safeTransferFrom(address,address,uint256)"](stranger.address, walletAddress, 8n);
      expect(await nft.ownerOf(8n)).to.equal(walletAddress);
    });

    it("sends a token onward through a relayed intent, to an EOA and to another wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { walletAddress, nft, recipient, otherWalletAddress } = world;
      const nftAddress = await nft.getAddress();
      await nft.safeMint(walletAddress, 1n);
      await nft.safeMint(walletAddress, 2n);
      const tx = await relayOk(world, {
        calls: [
          {
            to: nftAddress,
            data: nft.interface.encodeFunctionData("safeTransferFrom(address,address,uint256)", [
              walletAddress,
              recipient.address,
              1n,
            ]),
          },
          {
            to: nftAddress,
            data: nft.interface.encodeFunctionData("safeTransferFrom(address,address,uint256)", [
              walletAddress,
              otherWalletAddress,
              2n,
            ]),
          },
        ],
      });

      await expect(tx).to.emit(nft, "Transfer").withArgs(walletAddress, recipient.address, 1n);
      await expect(tx).to.emit(nft, "Transfer").withArgs(walletAddress, otherWalletAddress, 2n);
      expect(await nft.ownerOf(1n)).to.equal(recipient.address);
      expect(await nft.ownerOf(2n)).to.equal(otherWalletAddress);
      expect(await nft.balanceOf(walletAddress)).to.equal(0n);
    });
  });

  describe("ERC-1155", function () {
    it("receives tokens minted with mint (single receiver check)", async function () {
      const { walletAddress, multi } = await networkHelpers.loadFixture(fixture);
      await expect(multi.mint(walletAddress, 1n, 50n)).to.emit(multi, "TransferSingle");
      expect(await multi.balanceOf(walletAddress, 1n)).to.equal(50n);
    });

    it("receives tokens minted with mintBatch (batch receiver check)", async function () {
      const { walletAddress, multi } = await networkHelpers.loadFixture(fixture);
      await expect(multi.mintBatch(walletAddress, [1n, 2n, 3n], [10n, 20n, 30n])).to.emit(
        multi,
        "TransferBatch",
      );
      expect(
        await multi.balanceOfBatch([walletAddress, walletAddress, walletAddress], [1n, 2n, 3n]),
      ).to.deep.equal([10n, 20n, 30n]);
    });

    it("sends tokens onward through a relayed intent, single and batch, to an EOA and to another wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { walletAddress, multi, recipient, otherWalletAddress } = world;
      const multiAddress = await multi.getAddress();
      await multi.mintBatch(walletAddress, [1n, 2n, 3n], [10n, 20n, 30n]);
      const tx = await relayOk(world, {
        calls: [
          {
            to: multiAddress,
            data: multi.interface.encodeFunctionData("safeTransferFrom", [
              walletAddress,
              recipient.address,
              1n,
              4n,
              "0x",
            ]),
          },
          {
            to: multiAddress,
            data: multi.interface.encodeFunctionData("safeBatchTransferFrom", [
              walletAddress,
              otherWalletAddress,
              [2n, 3n],
              [5n, 30n],
              "0x",
            ]),
          },
        ],
      });

      await expect(tx)
        .to.emit(multi, "TransferSingle")
        .withArgs(walletAddress, walletAddress, recipient.address, 1n, 4n);
      await expect(tx).to.emit(multi, "TransferBatch");
      expect(await multi.balanceOf(walletAddress, 1n)).to.equal(6n);
      expect(await multi.balanceOf(recipient.address, 1n)).to.equal(4n);
      expect(await multi.balanceOf(walletAddress, 2n)).to.equal(15n);
      expect(await multi.balanceOf(otherWalletAddress, 2n)).to.equal(5n);
      expect(await multi.balanceOf(walletAddress, 3n)).to.equal(0n);
      expect(await multi.balanceOf(otherWalletAddress, 3n)).to.equal(30n);
    });
  });

  describe("ERC-20", function () {
    it("sends ERC-20 tokens onward through a relayed intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { walletAddress, token, recipient } = world;
      const amount = 123n * 10n ** 18n;
      const tx = await relayOk(world, {
        calls: [
          {
            to: await token.getAddress(),
            data: token.interface.encodeFunctionData("transfer", [recipient.address, amount]),
          },
        ],
      });
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [walletAddress, recipient],
        [-amount, amount],
      );
    });
  });
});
