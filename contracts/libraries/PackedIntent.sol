// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../interfaces/IIntentWallet.sol";
import {Intent} from "./IntentHashing.sol";

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
    /// @notice Decodes `packed` (calldata) into the intent and the relay signature that follows it.
    /// @dev One pass in assembly, straight into the memory structs the wallet hashes and runs:
    ///      the wallet decodes every packed relay, and a pass of Solidity helpers cost it about
    ///      2,000 gas more. test/solidity/PackedIntent.t.sol checks it against an encoder written
    ///      in plain Solidity, and any byte string against the error or the same intent.
    function decode(bytes calldata packed) internal pure returns (Intent memory intent, bytes calldata signature) {
        uint256 signatureOffset;
        uint256 failedAt;
        assembly ("memory-safe") {
            /// A varint at `c` that must end by `e`: its value and the offset after it, or
            /// `next = 0` when it does not fit (a valid `next` is never 0).
            function varint(c, e) -> value, next {
                let length := byte(0, calldataload(c)) // the length byte
                next := add(add(c, 1), length)
                if or(gt(length, 32), gt(next, e)) {
                    next := 0
                }
                value := shr(shl(3, sub(32, length)), calldataload(add(c, 1))) // its top `length` bytes
            }

            /// The calls at `c`: count, then each call's 20-byte `to`, varint value, varint data
            /// length and data; written as a `Call[] memory` at `free`.
            function decodeCalls(c, e, free) -> calls, next, newFree, failed {
                let count, afterCount := varint(c, e)
                // Each call takes at least 22 bytes: a bound before any memory is allocated.
                if or(iszero(afterCount), gt(count, div(sub(e, afterCount), 22))) {
                    failed := c
                    leave
                }
                c := afterCount
                calls := free
                mstore(calls, count) // the array's length
                free := add(calls, add(0x20, shl(5, count))) // past the element pointers
                for {
                    let i := 0
                } lt(i, count) {
                    i := add(i, 1)
                } {
                    let entry := free // Call: to, value, data pointer
                    free := add(entry, 0x60)
                    mstore(add(add(calls, 0x20), shl(5, i)), entry)
                    if gt(add(c, 20), e) {
                        failed := c
                        leave
                    }
                    mstore(entry, shr(96, calldataload(c))) // to: the top 20 bytes
                    c := add(c, 20)
                    let value, afterValue := varint(c, e)
                    if iszero(afterValue) {
                        failed := c
                        leave
                    }
                    mstore(add(entry, 0x20), value)
                    c := afterValue
                    let length, afterLength := varint(c, e)
                    if or(iszero(afterLength), gt(length, sub(e, afterLength))) {
                        failed := c
                        leave
                    }
                    c := afterLength
                    let data := free // bytes: length, then the bytes, zero-padded to a word
                    mstore(data, length)
                    mstore(add(add(data, 0x20), and(length, not(31))), 0) // clean the last word's padding
                    calldatacopy(add(data, 0x20), c, length)
                    free := add(add(data, 0x20), and(add(length, 31), not(31)))
                    mstore(add(entry, 0x40), data)
                    c := add(c, length)
                }
                next := c
                newFree := free
            }

            /// The dependencies at `c`: count, then each 20-byte wallet and 32-byte ID; written
            /// as a `Dependency[] memory` at `free`.
            function decodeDependencies(c, e, free) -> dependencies, next, newFree, failed {
                let count, afterCount := varint(c, e)
                // Each dependency takes 52 bytes: every read below is in bounds.
                if or(iszero(afterCount), gt(count, div(sub(e, afterCount), 52))) {
                    failed := c
                    leave
                }
                c := afterCount
                dependencies := free
                mstore(dependencies, count) // the array's length
                free := add(dependencies, add(0x20, shl(5, count)))
                for {
                    let i := 0
                } lt(i, count) {
                    i := add(i, 1)
                } {
                    let dependency := free // Dependency: wallet, id
                    free := add(dependency, 0x40)
                    mstore(add(add(dependencies, 0x20), shl(5, i)), dependency)
                    mstore(dependency, shr(96, calldataload(c))) // wallet: the top 20 bytes
                    mstore(add(dependency, 0x20), calldataload(add(c, 20))) // id
                    c := add(c, 52)
                }
                next := c
                newFree := free
            }

            function decodeIntent(c, e) -> pointer, next, failed {
                pointer := mload(0x40) // Intent: calls, dependencies, then five integers
                // salt, validAfter, expiration, maxGasPrice (inverted), minGasLimit: words 2 to 6.
                for {
                    let k := 0
                } lt(k, 5) {
                    k := add(k, 1)
                } {
                    let value, afterValue := varint(c, e)
                    if iszero(afterValue) {
                        failed := c
                        leave
                    }
                    mstore(add(pointer, add(0x40, shl(5, k))), value)
                    c := afterValue
                }
                mstore(add(pointer, 0xa0), not(mload(add(pointer, 0xa0)))) // maxGasPrice = ~varint
                let calls, dependencies, free
                calls, c, free, failed := decodeCalls(c, e, add(pointer, 0xe0))
                if failed {
                    leave
                }
                dependencies, c, free, failed := decodeDependencies(c, e, free)
                if failed {
                    leave
                }
                mstore(pointer, calls)
                mstore(add(pointer, 0x20), dependencies)
                mstore(0x40, free) // the free memory pointer, past everything decoded
                next := c
            }

            let start := packed.offset
            let pointer, next, failed := decodeIntent(start, add(start, packed.length))
            intent := pointer
            failedAt := failed
            signatureOffset := sub(next, start)
        }
        if (failedAt != 0) revert IIntentWallet.IntentMalformed(failedAt);
        signature = packed[signatureOffset:];
    }
}
