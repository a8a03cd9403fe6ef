// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {IIntentWallet} from "./interfaces/IIntentWallet.sol";
import {IWalletFactory} from "./interfaces/IWalletFactory.sol";
import {Intent} from "./libraries/IntentHashing.sol";

/// @title WalletFactory
/// @notice Deploys IntentWallets as ERC-1167 minimal proxies at counterfactual CREATE2 addresses.
/// @dev The CREATE2 salt is `keccak256(abi.encode(owner, salt))`, so nobody can deploy a wallet at
///      your address with another owner, and deployment and initialization happen in one call,
///      so initialization can't be front-run.
contract WalletFactory is IWalletFactory {
    /// @inheritdoc IWalletFactory
    address public immutable implementation;

    /// @param walletImplementation The deployed IntentWallet implementation.
    constructor(address walletImplementation) {
        if (walletImplementation.code.length == 0) revert FactoryInvalidImplementation(walletImplementation);
        implementation = walletImplementation;
    }

    /// @inheritdoc IWalletFactory
    function createWallet(address owner, uint256 salt) public returns (address wallet) {
        wallet = walletAddress(owner, salt);
        if (wallet.code.length != 0) return wallet;
        Clones.cloneDeterministic(implementation, _create2Salt(owner, salt));
        IIntentWallet(wallet).initialize(owner);
        emit WalletCreated(wallet, owner, salt);
    }

    /// @inheritdoc IWalletFactory
    function createWalletAndRelay(
        address owner,
        uint256 salt,
        Intent calldata intent,
        bytes calldata signature
    ) external returns (address wallet, bool success) {
        wallet = createWallet(owner, salt);
        success = IIntentWallet(wallet).relay(intent, signature);
    }

    /// @inheritdoc IWalletFactory
    function walletAddress(address owner, uint256 salt) public view returns (address) {
        return Clones.predictDeterministicAddress(implementation, _create2Salt(owner, salt));
    }

    /// @dev Binds the owner into the address.
    function _create2Salt(address owner, uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }
}
