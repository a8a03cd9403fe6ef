// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Intent} from "../libraries/IntentHashing.sol";

/// @title IWalletFactory
/// @notice Deploys IntentWallets as ERC-1167 clones at CREATE2 addresses determined by
///         (factory, implementation, owner, salt), so a wallet's address is known, and can receive funds,
///         before it exists.
interface IWalletFactory {
    /// @notice A wallet was deployed at `wallet` for `owner` with `salt`.
    event WalletCreated(address indexed wallet, address indexed owner, uint256 salt);

    /// @notice A wallet owned by a key set was deployed at `wallet`: the keys and threshold hashed to
    ///         `keySetHash` (`keccak256(abi.encode(keys, threshold))`), with `salt`. The wallet's
    ///         own `OwnerKeyAdded` events list the keys.
    event WalletCreatedWithKeys(address indexed wallet, bytes32 indexed keySetHash, uint256 salt);

    /// @notice The implementation has no code.
    error FactoryInvalidImplementation(address implementation);

    /// @notice A wallet needs an owner: the zero address can't be one.
    error FactoryInvalidOwner(address owner);

    /// @notice The wallet at `wallet` exists already (CREATE2 found its address taken).
    /// @dev CREATE2 onto a taken address consumes the gas it was given: check `walletAddress`'s
    ///      code first, or use `createWalletAndRelay`, which does.
    error FactoryWalletExists(address wallet);

    /// @notice The IntentWallet implementation every wallet delegates to.
    function implementation() external view returns (address);

    /// @notice Deploys the wallet of (`owner`, `salt`), its owner written in its code.
    /// @dev Reverts with `FactoryWalletExists` if it exists already (simulate first: that revert
    ///      comes after CREATE2 has used most of the gas it was given).
    /// @param owner The wallet's first owner (EOA or ERC-1271 contract).
    /// @param salt Any number, so one owner can have many wallets.
    /// @return wallet The wallet's address.
    function createWallet(address owner, uint256 salt) external returns (address wallet);

    /// @notice Deploys the wallet of (`owner`, `salt`) unless it exists, then relays the intent.
    /// @dev The intent's receipt records this factory as its relayer.
    /// @param owner The wallet's first owner.
    /// @param salt The wallet's salt.
    /// @param intent The intent to relay.
    /// @param signature Its signature, as `IIntentWallet.relay` takes it.
    /// @return wallet The wallet's address.
    /// @return success Whether the intent's calls succeeded.
    function createWalletAndRelay(
        address owner,
        uint256 salt,
        Intent calldata intent,
        bytes calldata signature
    ) external returns (address wallet, bool success);

    /// @notice The address the wallet of (`owner`, `salt`) has or will have.
    function walletAddress(address owner, uint256 salt) external view returns (address);

    /// @notice Deploys the wallet owned by the key set (`keys`, `threshold`) with `salt`: a clone
    ///         whose code names this factory, which hands the wallet to the key set in the same
    ///         call (`IIntentWallet.handToKeySet`), so nobody else can ever act as its owner.
    /// @dev The address commits to the keys and the threshold: see `walletWithKeysAddress`. A clone
    ///      naming this factory deployed there before (with `createWallet(factory, salt)`, which
    ///      anyone can call) is still the factory's: it is handed to the key set all the same, so
    ///      nobody can take a key set's address first. Reverts with `FactoryWalletExists` if the
    ///      wallet exists and belongs to its key set already, and with the wallet's errors for a
    ///      bad key set (`WalletInvalidKey`, `WalletKeyAlreadyAdded`, `WalletInvalidThreshold`, ...).
    /// @param keys The keys (ERC-7913 signers), distinct.
    /// @param threshold How many must sign, from 1 to `keys.length`.
    /// @param salt Any number, so one key set can have many wallets.
    /// @return wallet The wallet's address.
    function deployWalletWithKeys(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt
    ) external returns (address wallet);

    /// @notice Deploys the key-set wallet unless it exists (handing over a clone naming this factory
    ///         found at its address, as `deployWalletWithKeys` does), then relays the intent.
    /// @return wallet The wallet's address.
    /// @return success Whether the intent's calls succeeded.
    function launchWalletWithKeysAndRelay(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt,
        Intent calldata intent,
        bytes calldata signature
    ) external returns (address wallet, bool success);

    /// @notice The address the wallet of the key set (`keys`, `threshold`) and `salt` has or will
    ///         have: CREATE2 of a clone naming this factory, with the salt
    ///         `keccak256(abi.encode(keccak256(abi.encode(keys, threshold)), salt))`.
    function walletWithKeysAddress(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt
    ) external view returns (address);
}
