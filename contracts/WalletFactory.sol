// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "./interfaces/IIntentWallet.sol";
import {IWalletFactory} from "./interfaces/IWalletFactory.sol";
import {Intent} from "./libraries/IntentHashing.sol";

/// @title WalletFactory
/// @notice Deploys IntentWallets as ERC-1167 minimal proxies at counterfactual CREATE2 addresses.
/// @dev Each wallet's code is the 45-byte ERC-1167 proxy followed by its first owner (20 bytes),
///      OpenZeppelin's `Clones` layout with immutable arguments. The owner is part of the code, so
///      it is set by the deployment itself (nothing to initialize, nothing to front-run) and it is
///      bound into the CREATE2 address: nobody can deploy your address with another owner.
contract WalletFactory is IWalletFactory {
    /// @inheritdoc IWalletFactory
    address public immutable implementation;

    /// @param walletImplementation The deployed IntentWallet implementation.
    constructor(address walletImplementation) {
        if (walletImplementation.code.length == 0) revert FactoryInvalidImplementation(walletImplementation);
        implementation = walletImplementation;
    }

    /// @inheritdoc IWalletFactory
    function createWallet(address owner, uint256 salt) external returns (address wallet) {
        return _createWallet(owner, salt);
    }

    /// @inheritdoc IWalletFactory
    function createWalletAndRelay(
        address owner,
        uint256 salt,
        Intent calldata intent,
        bytes calldata signature
    ) external returns (address wallet, bool success) {
        wallet = _walletAddress(owner, salt);
        if (wallet.code.length == 0) _createWallet(owner, salt);
        success = IIntentWallet(wallet).relay(intent, signature);
    }

    /// @inheritdoc IWalletFactory
    function walletAddress(address owner, uint256 salt) external view returns (address) {
        return _walletAddress(owner, salt);
    }

    /// @inheritdoc IWalletFactory
    function deployWalletWithKeys(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt
    ) external returns (address wallet) {
        return _createWalletWithKeys(keys, threshold, salt);
    }

    /// @inheritdoc IWalletFactory
    function launchWalletWithKeysAndRelay(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt,
        Intent calldata intent,
        bytes calldata signature
    ) external returns (address wallet, bool success) {
        wallet = _create2Address(_walletInitCode(address(this)), uint256(_keySetSalt(keys, threshold, salt)));
        if (wallet.code.length == 0 || IIntentWallet(wallet).owner() == address(this)) {
            _createWalletWithKeys(keys, threshold, salt);
        }
        success = IIntentWallet(wallet).relay(intent, signature);
    }

    /// @inheritdoc IWalletFactory
    function walletWithKeysAddress(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt
    ) external view returns (address) {
        return _create2Address(_walletInitCode(address(this)), uint256(_keySetSalt(keys, threshold, salt)));
    }

    /// @dev Deploys the wallet of (`owner`, `salt`). No check of the address beforehand (it would
    ///      cost a cold account read on every creation): CREATE2 fails if the wallet exists, and
    ///      the error says so.
    function _createWallet(address owner, uint256 salt) private returns (address wallet) {
        if (owner == address(0)) revert FactoryInvalidOwner(owner);
        bytes memory initCode = _walletInitCode(owner);
        assembly ("memory-safe") {
            wallet := create2(0, add(initCode, 0x20), mload(initCode), salt)
        }
        if (wallet == address(0)) revert FactoryWalletExists(_create2Address(initCode, salt));
        emit WalletCreated(wallet, owner, salt);
    }

    /// @dev Deploys a clone naming this factory as its owner at the key set's address, then hands
    ///      it to the key set, in one call. A clone naming this factory that someone deployed there
    ///      first (`createWallet(factory, thatSalt)`) is handed over all the same: the address
    ///      commits to the keys, so it can only ever go to this key set.
    function _createWalletWithKeys(
        bytes[] calldata keys,
        uint256 threshold,
        uint256 salt
    ) private returns (address wallet) {
        bytes memory initCode = _walletInitCode(address(this));
        bytes32 create2Salt = _keySetSalt(keys, threshold, salt);
        wallet = _create2Address(initCode, uint256(create2Salt));
        if (wallet.code.length == 0) {
            assembly ("memory-safe") {
                wallet := create2(0, add(initCode, 0x20), mload(initCode), create2Salt)
            }
        } else if (IIntentWallet(wallet).owner() != address(this)) {
            revert FactoryWalletExists(wallet);
        }
        IIntentWallet(wallet).handToKeySet(keys, threshold);
        emit WalletCreatedWithKeys(wallet, keccak256(abi.encode(keys, threshold)), salt);
    }

    /// @dev The CREATE2 salt of a key-set wallet: it commits to the keys, the threshold and `salt`.
    function _keySetSalt(bytes[] calldata keys, uint256 threshold, uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(keccak256(abi.encode(keys, threshold)), salt));
    }

    /// @dev The address of the wallet of (`owner`, `salt`).
    function _walletAddress(address owner, uint256 salt) private view returns (address) {
        return _create2Address(_walletInitCode(owner), salt);
    }

    /// @dev The creation code of the wallet of `owner`: it returns the ERC-1167 proxy to the
    ///      implementation followed by `owner`, 65 bytes of code.
    function _walletInitCode(address owner) private view returns (bytes memory) {
        return
            abi.encodePacked(
                hex"6100413d81600a3d39f3", // PUSH2 65; copy the 65 bytes after this prefix to memory; return them
                hex"363d3d373d3d3d363d73",
                implementation,
                hex"5af43d82803e903d91602b57fd5bf3",
                owner
            );
    }

    /// @dev The CREATE2 address of `initCode` deployed by this factory with `salt`.
    function _create2Address(bytes memory initCode, uint256 salt) private view returns (address) {
        bytes32 hash = keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, keccak256(initCode)));
        return address(uint160(uint256(hash)));
    }
}
