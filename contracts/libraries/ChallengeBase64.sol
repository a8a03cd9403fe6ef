// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ChallengeBase64
/// @notice The base64url form (RFC 4648 section 5, no padding) of a 32-byte challenge, as WebAuthn
///         puts it in the client data: 43 characters.
/// @dev Computed word-wide (SWAR) instead of character by character: the 6-bit groups are
///      spread into byte lanes by five mask-and-shift steps, then every lane is mapped to its
///      character at once. About 300 gas, where a table loop (OpenZeppelin's `Base64`) costs about
///      1,800; differentially tested against it.
library ChallengeBase64 {
    /// @dev 0x01 in every byte lane.
    uint256 private constant ONES = 0x0101010101010101010101010101010101010101010101010101010101010101;

    /// @dev Masks of the spreading steps: the low 48 bits of each 128-bit lane, the low 24 of each
    ///      64-bit lane, the low 12 of each 32-bit lane, the low 6 of each 16-bit lane.
    uint256 private constant LOW_48_OF_128 = 0x00000000000000000000ffffffffffff00000000000000000000ffffffffffff;
    uint256 private constant LOW_24_OF_64 = 0x0000000000ffffff0000000000ffffff0000000000ffffff0000000000ffffff;
    uint256 private constant LOW_12_OF_32 = 0x00000fff00000fff00000fff00000fff00000fff00000fff00000fff00000fff;
    uint256 private constant LOW_6_OF_16 = 0x003f003f003f003f003f003f003f003f003f003f003f003f003f003f003f003f;

    /// @notice The 43 characters of `challenge` in base64url: `head` holds the first 32, the first
    ///         11 bytes of `tail` the rest (the other bytes of `tail` are not characters).
    /// @dev 24 bytes make 32 characters; the last 8 bytes, with 2 zero bits after them, make 11.
    ///      One loop body serves both words. Spreading: each of five steps halves the groups' size
    ///      and doubles their lanes', from 96-bit groups in 128-bit lanes to 6-bit groups in bytes.
    ///      Mapping: bit 7 of v + 128 - k is set when v >= k, so every lane's v (0 to 63) gets its
    ///      character `A`-`Z` (0-25), `a`-`z` (26-51), `0`-`9` (52-61), `-` (62) or `_` (63) at once.
    ///      No lane carries into another: every sum stays below 256 and every difference at or
    ///      above 45.
    function encode(bytes32 challenge) internal pure returns (bytes32 head, bytes32 tail) {
        assembly ("memory-safe") {
            let bits := shr(64, challenge)
            for {
                let second := 0
            } 1 {
                second := 1
            } {
                let lanes := or(and(bits, 0xffffffffffffffffffffffff), shl(128, shr(96, bits)))
                lanes := or(and(lanes, LOW_48_OF_128), shl(64, and(shr(48, lanes), LOW_48_OF_128)))
                lanes := or(and(lanes, LOW_24_OF_64), shl(32, and(shr(24, lanes), LOW_24_OF_64)))
                lanes := or(and(lanes, LOW_12_OF_32), shl(16, and(shr(12, lanes), LOW_12_OF_32)))
                lanes := or(and(lanes, LOW_6_OF_16), shl(8, and(shr(6, lanes), LOW_6_OF_16)))
                let characters := add(add(lanes, mul(65, ONES)), mul(6, and(shr(7, add(lanes, mul(102, ONES))), ONES)))
                characters := add(characters, mul(49, and(shr(7, add(lanes, mul(65, ONES))), ONES)))
                characters := sub(characters, mul(75, and(shr(7, add(lanes, mul(76, ONES))), ONES)))
                characters := sub(characters, mul(13, and(shr(7, add(lanes, mul(66, ONES))), ONES)))
                if second {
                    tail := characters
                    break
                }
                head := characters
                bits := shl(128, and(challenge, 0xffffffffffffffff))
            }
        }
    }
}
