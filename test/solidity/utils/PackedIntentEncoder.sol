// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Call, Dependency, Intent} from "../../../contracts/libraries/IntentHashing.sol";

/// @notice The packed intent form, written from its byte layout alone (the NatSpec of `PackedIntent`)
///         and sharing no code with the decoder: salt, validAfter, expiration, `2^256 - 1 - maxGasPrice`,
///         minGasLimit as varints; the call count, then each call's `to` (20 bytes), value (varint), data
///         length (varint) and data; the dependency count, then each dependency's wallet (20 bytes) and
///         id (32 bytes). A varint is a length byte `n` (0 to 32) and `n` big-endian bytes.
library PackedIntentEncoder {
    /// @notice `intent` in the packed form, without a signature.
    /// @param paddingSeed 0 gives the shortest encoding; any other value gives some of the varints
    ///        leading zero bytes (how many, derived from the seed), which the decoder must ignore.
    /// @return packed The encoding.
    /// @return fieldStarts Where each varint and each address starts in `packed`, in order: the offsets
    ///         a decoder may name when the bytes do not hold together.
    function encode(
        Intent memory intent,
        uint256 paddingSeed
    ) internal pure returns (bytes memory packed, uint256[] memory fieldStarts) {
        Call[] memory calls = intent.calls;
        Dependency[] memory dependencies = intent.dependencies;
        fieldStarts = new uint256[](7 + 3 * calls.length + dependencies.length);
        uint256 field;
        uint256[6] memory heads = [
            intent.salt,
            intent.validAfter,
            intent.expiration,
            type(uint256).max - intent.maxGasPrice,
            intent.minGasLimit,
            calls.length
        ];
        for (uint256 i; i < heads.length; ++i) {
            fieldStarts[field] = packed.length;
            packed = bytes.concat(packed, varint(heads[i], _padding(paddingSeed, field++)));
        }
        for (uint256 i; i < calls.length; ++i) {
            fieldStarts[field++] = packed.length;
            packed = bytes.concat(packed, bytes20(calls[i].to));
            fieldStarts[field] = packed.length;
            packed = bytes.concat(packed, varint(calls[i].value, _padding(paddingSeed, field++)));
            fieldStarts[field] = packed.length;
            packed = bytes.concat(packed, varint(calls[i].data.length, _padding(paddingSeed, field++)), calls[i].data);
        }
        fieldStarts[field] = packed.length;
        packed = bytes.concat(packed, varint(dependencies.length, _padding(paddingSeed, field++)));
        for (uint256 i; i < dependencies.length; ++i) {
            fieldStarts[field++] = packed.length;
            packed = bytes.concat(packed, bytes20(dependencies[i].wallet), dependencies[i].id);
        }
    }

    /// @notice `value` as a varint: its significant bytes, after `padding % (33 - size)` zero bytes
    ///         (none when `padding` is 0).
    function varint(uint256 value, uint256 padding) internal pure returns (bytes memory out) {
        uint256 size;
        for (uint256 rest = value; rest != 0; rest >>= 8) ++size;
        uint256 length = size + (padding % (33 - size));
        out = new bytes(1 + length);
        out[0] = bytes1(uint8(length));
        for (uint256 i; i < size; ++i) out[length - i] = bytes1(uint8(value >> (8 * i)));
    }

    /// @dev How many leading zeros field number `field` gets: none for a zero seed, else none for about
    ///      half the fields and a seeded amount for the others.
    function _padding(uint256 seed, uint256 field) private pure returns (uint256) {
        if (seed == 0) return 0;
        uint256 draw = uint256(keccak256(abi.encode(seed, field)));
        return draw & 1 == 0 ? 0 : draw >> 1;
    }
}
