// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../interfaces/IIntentWallet.sol";
import {Call, Dependency, Intent} from "./IntentHashing.sol";

/// @title AbiIntent
/// @notice Reads the ABI form of `relay`'s intent into memory, where the wallet hashes and runs it.
/// @dev Solidity's accessors check every offset and length against the calldata. Addresses are
///      read as raw words first: one with any of its 12 high bytes set is refused with
///      `IntentMalformed(offset)` (the calldata offset of the word), not silently masked, so no two
///      byte strings decode to one intent with different IDs.
library AbiIntent {
    /// @notice `intent`, copied from calldata to memory.
    function read(Intent calldata intent) internal pure returns (Intent memory decoded) {
        decoded.calls = _readCalls(intent.calls);
        decoded.dependencies = _readDependencies(intent.dependencies);
        decoded.salt = intent.salt;
        decoded.validAfter = intent.validAfter;
        decoded.expiration = intent.expiration;
        decoded.maxGasPrice = intent.maxGasPrice;
        decoded.minGasLimit = intent.minGasLimit;
    }

    /// @dev The calls, each address checked.
    function _readCalls(Call[] calldata calls) private pure returns (Call[] memory decoded) {
        decoded = new Call[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            Call calldata entry = calls[i];
            uint256 offset;
            assembly ("memory-safe") {
                offset := entry // the call's head: `to` is its first word
            }
            decoded[i] = Call({to: _readAddress(offset), value: entry.value, data: entry.data});
        }
    }

    /// @dev The dependencies, each address checked.
    function _readDependencies(Dependency[] calldata dependencies) private pure returns (Dependency[] memory decoded) {
        decoded = new Dependency[](dependencies.length);
        for (uint256 i; i < dependencies.length; ++i) {
            Dependency calldata dependency = dependencies[i];
            uint256 offset;
            assembly ("memory-safe") {
                offset := dependency // `wallet` is its first word
            }
            decoded[i] = Dependency({wallet: _readAddress(offset), id: dependency.id});
        }
    }

    /// @dev The address in the calldata word at `offset`; reverts if its high bytes are not zero.
    function _readAddress(uint256 offset) private pure returns (address) {
        uint256 word;
        assembly ("memory-safe") {
            word := calldataload(offset)
        }
        if (word >> 160 != 0) revert IIntentWallet.IntentMalformed(offset);
        return address(uint160(word));
    }
}
