// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {WebAuthn} from "@openzeppelin/contracts/utils/cryptography/WebAuthn.sol";

import {ChallengeBase64} from "./ChallengeBase64.sol";

/// @title PasskeySignatures
/// @notice Verifies a passkey's WebAuthn assertion of a 32-byte challenge, sent in a compact form.
///         The checks are those of OpenZeppelin's `WebAuthn.verify`: type `webauthn.get`, the
///         challenge, user present, user verified, backup flags consistent, and a low-s P-256
///         signature of `authenticatorData ‖ sha256(clientDataJSON)` (OpenZeppelin's `P256`).
/// @dev The signature, packed: `r (32) ‖ s (32) ‖ authenticatorDataLength (2, big-endian) ‖
///      authenticatorData ‖ the client data after its challenge` (from the challenge's closing
///      quote to the end). The client data must begin as WebAuthn serializes it,
///      `{"type":"webauthn.get","challenge":"`, followed by the challenge's 43 base64url characters:
///      the "limited verification" WebAuthn allows for its serialization. Both are rebuilt here
///      rather than sent, so the type and the challenge are checked by construction: an assertion
///      of another challenge or type hashes differently and fails the signature check.
library PasskeySignatures {
    /// @dev Bytes before the authenticator data: r, s and the data's length.
    uint256 private constant HEADER_LENGTH = 66;

    /// @dev Shortest authenticator data: rpIdHash (32), flags (1), counter (4).
    uint256 private constant MIN_AUTHENTICATOR_DATA_LENGTH = 37;

    /// @dev Where the flags byte sits in the signature: in the authenticator data (at 66), after rpIdHash.
    uint256 private constant FLAGS_OFFSET = 98;

    /// @dev `{"type":"webauthn.get","challenge":"`, 36 bytes: its first 32 (`{"type":"webauthn.get","challeng`)
    ///      and its last 4 (`e":"`), left-aligned, as numbers for assembly.
    uint256 private constant CLIENT_DATA_START = 0x7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67;
    uint256 private constant CLIENT_DATA_START_END = 0x65223a2200000000000000000000000000000000000000000000000000000000;

    /// @dev Length of that start, and of the start with the challenge's 43 characters.
    uint256 private constant START_LENGTH = 36;
    uint256 private constant START_AND_CHALLENGE_LENGTH = 79;

    /// @dev `"`, which closes the challenge: the first byte of the client data sent.
    bytes1 private constant QUOTE = 0x22;

    /// @dev Flags an assertion must have: user present and user verified.
    bytes1 private constant REQUIRED_FLAGS = WebAuthn.AUTH_DATA_FLAGS_UP | WebAuthn.AUTH_DATA_FLAGS_UV;

    /// @dev Half the order of P-256: a larger s is refused (malleability), as `P256.verify` does.
    uint256 private constant HALF_N = 0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8;

    /// @notice Whether `signature` is the passkey (`x`, `y`)'s assertion of `challenge`, by
    ///         OpenZeppelin's `P256.verify` (the precompile where the chain has it, else Solidity).
    function verify(bytes32 challenge, bytes calldata signature, bytes32 x, bytes32 y) internal view returns (bool) {
        (bool wellFormed, bytes32 digest) = signedDigest(challenge, signature);
        return wellFormed && P256.verify(digest, bytes32(signature[0:32]), bytes32(signature[32:64]), x, y);
    }

    /// @notice Like `verify`, but by the P-256 precompile (EIP-7951) alone: false where the chain
    ///         has none, so that a caller may then fall back to `verify`, in a verifier contract.
    function verifyByPrecompile(
        bytes32 challenge,
        bytes calldata signature,
        bytes32 x,
        bytes32 y
    ) internal view returns (bool valid) {
        (bool wellFormed, bytes32 digest) = signedDigest(challenge, signature);
        if (!wellFormed) return false;
        uint256 halfN = HALF_N;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, digest)
            calldatacopy(add(input, 0x20), signature.offset, 0x40)
            mstore(add(input, 0x60), x)
            mstore(add(input, 0x80), y)
            mstore(0x00, 0)
            let success := staticcall(gas(), 0x100, input, 0xa0, 0x00, 0x20)
            valid := and(and(success, eq(mload(0x00), 1)), iszero(gt(mload(add(input, 0x40)), halfN)))
        }
    }

    /// @notice The digest the passkey signed for `challenge`, `sha256(authenticatorData ‖
    ///         sha256(clientDataJSON))`, with `wellFormed` false when the bytes do not decode or
    ///         the flags are refused.
    function signedDigest(
        bytes32 challenge,
        bytes calldata signature
    ) internal view returns (bool wellFormed, bytes32 digest) {
        if (signature.length <= HEADER_LENGTH + MIN_AUTHENTICATOR_DATA_LENGTH) return (false, 0);
        uint256 authenticatorDataLength;
        bytes1 flags;
        bytes1 quote;
        assembly ("memory-safe") {
            authenticatorDataLength := shr(240, calldataload(add(signature.offset, 64)))
            flags := calldataload(add(signature.offset, FLAGS_OFFSET))
            quote := calldataload(add(signature.offset, add(HEADER_LENGTH, authenticatorDataLength)))
        }
        // Where the client data's end starts: its first byte is the challenge's closing quote.
        uint256 end = HEADER_LENGTH + authenticatorDataLength;
        if (
            authenticatorDataLength < MIN_AUTHENTICATOR_DATA_LENGTH ||
            end >= signature.length ||
            quote != QUOTE ||
            !_flagsAccepted(flags)
        ) return (false, 0);
        (bytes32 head, bytes32 tail) = ChallengeBase64.encode(challenge);
        return (true, _hash(signature, end, head, tail));
    }

    /// @dev `sha256(authenticatorData ‖ sha256(clientDataJSON))`, the client data rebuilt as its
    ///      start, the challenge's characters (`head`, 32 of `tail`'s bytes), then the rest as sent
    ///      from `end`. Built past the free memory pointer, which it leaves as it was.
    function _hash(
        bytes calldata signature,
        uint256 end,
        bytes32 head,
        bytes32 tail
    ) private view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let data := mload(0x40)
            mstore(data, CLIENT_DATA_START)
            mstore(add(data, 0x20), CLIENT_DATA_START_END)
            mstore(add(data, START_LENGTH), head)
            mstore(add(data, add(START_LENGTH, 0x20)), tail)
            let restLength := sub(signature.length, end)
            calldatacopy(add(data, START_AND_CHALLENGE_LENGTH), add(signature.offset, end), restLength)
            let hashed := staticcall(gas(), 0x02, data, add(START_AND_CHALLENGE_LENGTH, restLength), 0x00, 0x20)
            let authenticatorDataLength := sub(end, HEADER_LENGTH)
            let clientDataHash := mload(0x00)
            calldatacopy(data, add(signature.offset, HEADER_LENGTH), authenticatorDataLength)
            mstore(add(data, authenticatorDataLength), clientDataHash)
            hashed := and(hashed, staticcall(gas(), 0x02, data, add(authenticatorDataLength, 0x20), 0x00, 0x20))
            if iszero(hashed) {
                revert(0, 0)
            }
            digest := mload(0x00)
        }
    }

    /// @dev User present and verified, and not backed up unless eligible for backup.
    function _flagsAccepted(bytes1 flags) private pure returns (bool) {
        return
            flags & REQUIRED_FLAGS == REQUIRED_FLAGS &&
            (flags & WebAuthn.AUTH_DATA_FLAGS_BE != 0 || flags & WebAuthn.AUTH_DATA_FLAGS_BS == 0);
    }
}
