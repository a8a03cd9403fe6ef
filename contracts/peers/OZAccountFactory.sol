// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {OZAccountECDSA} from "./OZAccountECDSA.sol";

/// @title OZAccountFactory
/// @notice Creates {OZAccountECDSA} accounts as ERC-1167 clones at counterfactual CREATE2 addresses,
///         the ERC-4337 factory of the initCode. It exists only as a peer of the gas benchmark
///         (scripts/bench-gas.ts); IntentWallet neither uses nor depends on it.
/// @dev The interface of the ERC-4337 sample's SimpleAccountFactory (`createAccount(owner, salt)`,
///      returning the existing account when it is already deployed), with OpenZeppelin's `Clones`.
///      The signer is bound into the address by the CREATE2 salt and set in the same call, so the
///      creation cannot be front-run with another signer.
contract OZAccountFactory {
    /// @notice The account implementation every clone delegates to.
    OZAccountECDSA public immutable implementation;

    /// @param entryPoint The EntryPoint that operates the accounts.
    constructor(IEntryPoint entryPoint) {
        implementation = new OZAccountECDSA(entryPoint);
    }

    /// @notice Creates the account of `signer` and `salt`, or returns it if it already exists.
    /// @return account The account's address, {predictAddress}.
    function createAccount(address signer, uint256 salt) external returns (address account) {
        bytes32 cloneSalt = _cloneSalt(signer, salt);
        account = Clones.predictDeterministicAddress(address(implementation), cloneSalt);
        if (account.code.length == 0) {
            Clones.cloneDeterministic(address(implementation), cloneSalt);
            OZAccountECDSA(payable(account)).initialize(signer);
        }
    }

    /// @notice The counterfactual address of the account of `signer` and `salt`.
    function predictAddress(address signer, uint256 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(address(implementation), _cloneSalt(signer, salt));
    }

    function _cloneSalt(address signer, uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(signer, salt));
    }
}
