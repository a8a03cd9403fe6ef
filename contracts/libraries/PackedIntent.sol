// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../interfaces/IIntentWallet.sol";
import {Call, Dependency, Intent} from "./IntentHashing.sol";

/// @title PackedIntent
/// @notice Decodes the packed form of `relay`'s arguments: the same intent as the ABI form, with
///         the same ID and checks, in a fraction of the calldata. The defaults (no `validAfter`, no
///         gas price limit, no `minGasLimit`, no dependencies) cost one byte each.
/// @dev Byte by byte, all integers big-endian:
///
///      | field            | encoding                                                          |
///      | ---------------- | ----------------------------------------------------------------- |
///      | salt             | varint                                                            |
///      | validAfter       | varint                                                            |
///      | expiration       | varint                                                            |
///      | maxGasPrice      | varint of `2^256 - 1 - maxGasPrice` (no limit: the single byte 0) |
///      | minGasLimit      | varint                                                            |
///      | call count       | varint, then each call: `to` (20 bytes), `value` (varint),        |
///      |                  | the data's length (varint), the data                              |
///      | dependency count | varint, then each dependency: `wallet` (20 bytes), `id` (32)      |
///      | signature        | every byte left, as `relay`'s `signature`                         |
///
///      A varint is one length byte `n` (0 to 32) followed by `n` bytes: 0 is the byte `0x00`, 300
///      is `0x02 0x01 0x2c`. Leading zero bytes are allowed and change nothing: the value decoded
///      is what is hashed and what runs. Any read past the end, or a length byte above 32, reverts
///      with `IntentMalformed(offset)`, the calldata offset of the field that does not fit.
library PackedIntent {
    /// @dev The fewest bytes a call takes: `to`, a one-byte value and a one-byte data length.
    uint256 private constant MIN_CALL_SIZE = 22;

    /// @dev The bytes a dependency takes: `wallet` and `id`.
    uint256 private constant DEPENDENCY_SIZE = 52;

    /// @notice Decodes `packed` (calldata) into the intent and the relay signature that follows it.
    function decode(bytes calldata packed) internal pure returns (Intent memory intent, bytes calldata signature) {
        uint256 start;
        assembly ("memory-safe") {
            start := packed.offset
        }
        uint256 end = start + packed.length;
        uint256 cursor;
        (intent.salt, cursor) = readVarint(start, end);
        (intent.validAfter, cursor) = readVarint(cursor, end);
        (intent.expiration, cursor) = readVarint(cursor, end);
        uint256 gasPriceRoom;
        (gasPriceRoom, cursor) = readVarint(cursor, end);
        intent.maxGasPrice = ~gasPriceRoom;
        (intent.minGasLimit, cursor) = readVarint(cursor, end);
        (intent.calls, cursor) = _readCalls(cursor, end);
        (intent.dependencies, cursor) = _readDependencies(cursor, end);
        signature = packed[cursor - start:];
    }

    /// @notice Reads the varint at calldata offset `cursor`, which must end by `end`.
    /// @return value The integer.
    /// @return next The offset right after it.
    function readVarint(uint256 cursor, uint256 end) internal pure returns (uint256 value, uint256 next) {
        uint256 length;
        assembly ("memory-safe") {
            length := byte(0, calldataload(cursor)) // the length byte
        }
        // Offsets are below the calldata size and `length` below 256: no overflow.
        unchecked {
            next = cursor + 1 + length;
        }
        if (length > 32 || next > end) revert IIntentWallet.IntentMalformed(cursor);
        assembly ("memory-safe") {
            value := shr(shl(3, sub(32, length)), calldataload(add(cursor, 1))) // the top `length` bytes
        }
    }

    /// @dev Reads the call count and the calls at `cursor`.
    function _readCalls(uint256 cursor, uint256 end) private pure returns (Call[] memory calls, uint256 next) {
        uint256 count;
        (count, next) = readVarint(cursor, end);
        // A bound from the bytes left, before any memory is allocated for them.
        if (count > (end - next) / MIN_CALL_SIZE) revert IIntentWallet.IntentMalformed(cursor);
        calls = new Call[](count);
        for (uint256 i; i < count; ++i) {
            Call memory call = calls[i];
            (call.to, next) = _readAddress(next, end);
            (call.value, next) = readVarint(next, end);
            (call.data, next) = _readBytes(next, end);
        }
    }

    /// @dev Reads the dependency count and the dependencies at `cursor`.
    function _readDependencies(
        uint256 cursor,
        uint256 end
    ) private pure returns (Dependency[] memory dependencies, uint256 next) {
        uint256 count;
        (count, next) = readVarint(cursor, end);
        if (count > (end - next) / DEPENDENCY_SIZE) revert IIntentWallet.IntentMalformed(cursor);
        dependencies = new Dependency[](count);
        for (uint256 i; i < count; ++i) {
            Dependency memory dependency = dependencies[i];
            (dependency.wallet, next) = _readAddress(next, end);
            bytes32 id;
            assembly ("memory-safe") {
                id := calldataload(next) // in bounds: the count was checked against the bytes left
            }
            (dependency.id, next) = (id, next + 32);
        }
    }

    /// @dev Reads the 20-byte address at `cursor`.
    function _readAddress(uint256 cursor, uint256 end) private pure returns (address value, uint256 next) {
        unchecked {
            next = cursor + 20; // below the calldata size plus 20: no overflow
        }
        if (next > end) revert IIntentWallet.IntentMalformed(cursor);
        assembly ("memory-safe") {
            value := shr(96, calldataload(cursor)) // the top 20 bytes
        }
    }

    /// @dev Reads a varint length and that many bytes at `cursor`, copied to memory.
    function _readBytes(uint256 cursor, uint256 end) private pure returns (bytes memory data, uint256 next) {
        uint256 length;
        (length, next) = readVarint(cursor, end);
        if (length > end - next) revert IIntentWallet.IntentMalformed(cursor);
        assembly ("memory-safe") {
            data := mload(0x40) // free memory pointer
            mstore(data, length) // length word
            calldatacopy(add(data, 0x20), next, length) // the bytes
            mstore(0x40, add(add(data, 0x20), and(add(length, 31), not(31)))) // bump, 32-byte aligned
        }
        next += length;
    }
}
