// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {PasskeySignatures} from "./PasskeySignatures.sol";

/// @title OwnerKeySignatures
/// @notice Checks that keys of a wallet's key set, at least its threshold of distinct ones, signed
///         a hash. A key is an ERC-7913 signer: a 20-byte address (an EOA or an ERC-1271 contract),
///         or a verifier's address followed by a public key.
/// @dev The signature is a sequence of entries, packed, each starting with its kind byte:
///      - `0x00 ‖ r (32) ‖ s (32) ‖ v (1)`, 66 bytes: a secp256k1 key's ECDSA signature; the key is
///        the address it recovers, so it is not repeated.
///      - `0x01 ‖ keyLength (2, big-endian) ‖ key ‖ signatureLength (2) ‖ signature`: any key. For
///        a 20-byte key, its 65-byte ECDSA signature or its ERC-1271 bytes; for a key naming the
///        P-256 verifier, `r ‖ s`; for one naming the passkey verifier, the compact assertion of
///        `PasskeySignatures`; for another verifier, what its ERC-7913 `verify` takes.
///      Each entry is checked in order: repeated key, then membership, then the signature, so an
///      outsider's key never reaches a verifier. A passkey naming the deployment's passkey
///      verifier is checked here, by `PasskeySignatures` and the P-256 precompile, saving the
///      call; other keys, and passkeys where the chain has no precompile, are checked by the
///      verifier they name through OpenZeppelin's `SignatureChecker` (ERC-7913). The deployment's
///      verifiers are OpenZeppelin's `ERC7913P256Verifier` (`P256`, which uses the P-256
///      precompile where the chain has it) and `PasskeyVerifier` (`PasskeySignatures`: the checks
///      of OpenZeppelin's `WebAuthn.verify`).
library OwnerKeySignatures {
    using EnumerableSet for EnumerableSet.BytesSet;

    /// @notice What a check found, first failure first.
    enum Outcome {
        /// @dev At least the threshold of distinct keys of the set signed.
        Authorized,
        /// @dev The entries do not decode (unknown kind, a length past the end, too many entries).
        Malformed,
        /// @dev `key`'s signature does not verify.
        KeySignatureInvalid,
        /// @dev `key` is not in the set.
        KeyNotInSet,
        /// @dev `key` signed twice.
        KeyRepeated,
        /// @dev Every entry is good, but there are fewer than the threshold.
        BelowThreshold
    }

    /// @notice The result of `check`.
    /// @param outcome What was found.
    /// @param key The key the outcome is about (empty when none is).
    /// @param signatures How many entries were good before the check stopped.
    struct Verdict {
        Outcome outcome;
        bytes key;
        uint256 signatures;
    }

    /// @notice The deployment's verifiers for P-256 keys and passkeys, whose keys are checked on the curve.
    struct Verifiers {
        address p256;
        address webAuthn;
    }

    /// @dev The most entries one signature may hold: a key set's most keys.
    uint256 internal constant MAX_ENTRIES = 32;

    /// @dev Entry kinds.
    bytes1 internal constant SECP256K1_ENTRY = 0x00;
    bytes1 internal constant KEYED_ENTRY = 0x01;

    /// @dev Bytes of a secp256k1 entry: kind, r, s, v.
    uint256 private constant SECP256K1_ENTRY_LENGTH = 66;

    /// @dev Bytes of a P-256 or WebAuthn key: verifier, x, y.
    uint256 internal constant P256_KEY_LENGTH = 84;

    /// @notice Checks `signature`'s entries against `keys` and `threshold` for `hash`.
    /// @param keys The wallet's key set.
    /// @param threshold How many distinct keys must sign (at least 1).
    /// @param hash What was signed.
    /// @param signature The entries.
    /// @param passkeyVerifier The deployment's passkey verifier, whose checks run here, in place.
    /// @return verdict What was found; `Authorized` only when all entries are good and enough.
    function check(
        EnumerableSet.BytesSet storage keys,
        uint256 threshold,
        bytes32 hash,
        bytes calldata signature,
        address passkeyVerifier
    ) internal view returns (Verdict memory verdict) {
        bytes32[] memory seen = _scratchArray();
        uint256 offset;
        while (offset < signature.length) {
            if (verdict.signatures == MAX_ENTRIES) return _fail(verdict, Outcome.Malformed, "");
            (bool decoded, bytes memory key, bool valid, uint256 next) = _readEntry(hash, signature, offset);
            if (!decoded) return _fail(verdict, Outcome.Malformed, "");
            bytes32 keyHash = keccak256(key);
            for (uint256 i; i < verdict.signatures; ++i) {
                if (seen[i] == keyHash) return _fail(verdict, Outcome.KeyRepeated, key);
            }
            if (!keys.contains(key)) return _fail(verdict, Outcome.KeyNotInSet, key);
            if (!valid && !_verifyKeyed(key, hash, signature, offset, passkeyVerifier)) {
                return _fail(verdict, Outcome.KeySignatureInvalid, key);
            }
            seen[verdict.signatures++] = keyHash;
            offset = next;
        }
        verdict.outcome = verdict.signatures >= threshold ? Outcome.Authorized : Outcome.BelowThreshold;
    }

    /// @notice Whether `key` may join a key set: an address other than zero and `wallet`, or a
    ///         P-256 key on the curve naming one of `verifiers`, or a key naming another contract.
    /// @param maxLength The longest key accepted.
    function isValidKey(
        bytes calldata key,
        address wallet,
        Verifiers memory verifiers,
        uint256 maxLength
    ) internal view returns (bool) {
        if (key.length < 20 || key.length > maxLength) return false;
        address head = address(bytes20(key[:20]));
        if (key.length == 20) return head != address(0) && head != wallet;
        if (head == verifiers.p256 || head == verifiers.webAuthn) {
            return key.length == P256_KEY_LENGTH && P256.isValidPublicKey(bytes32(key[20:52]), bytes32(key[52:84]));
        }
        return head.code.length != 0;
    }

    /// @dev Reads the entry at `offset`: its key and the offset after it. A secp256k1 entry is valid
    ///      by construction (its key is what it recovers); a keyed entry is verified later, only if
    ///      its key is in the set.
    function _readEntry(
        bytes32 hash,
        bytes calldata signature,
        uint256 offset
    ) private pure returns (bool decoded, bytes memory key, bool valid, uint256 next) {
        bytes1 kind = signature[offset];
        if (kind == SECP256K1_ENTRY) {
            next = offset + SECP256K1_ENTRY_LENGTH;
            if (next > signature.length) return (false, key, false, next);
            (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature[offset + 1:next]);
            // A malleable or unrecoverable signature has no key: it is malformed.
            if (error != ECDSA.RecoverError.NoError) return (false, key, false, next);
            return (true, abi.encodePacked(signer), true, next);
        }
        if (kind != KEYED_ENTRY) return (false, key, false, offset);
        (bool ok, uint256 keyStart, uint256 keyEnd, uint256 signatureEnd) = _keyedBounds(signature, offset);
        if (!ok) return (false, key, false, offset);
        return (true, signature[keyStart:keyEnd], false, signatureEnd);
    }

    /// @dev The bounds of a keyed entry's key and signature, or `ok` false when they pass the end.
    function _keyedBounds(
        bytes calldata signature,
        uint256 offset
    ) private pure returns (bool ok, uint256 keyStart, uint256 keyEnd, uint256 signatureEnd) {
        keyStart = offset + 3;
        if (keyStart > signature.length) return (false, 0, 0, 0);
        keyEnd = keyStart + uint16(bytes2(signature[offset + 1:keyStart]));
        if (keyEnd + 2 > signature.length) return (false, 0, 0, 0);
        signatureEnd = keyEnd + 2 + uint16(bytes2(signature[keyEnd:keyEnd + 2]));
        ok = signatureEnd <= signature.length;
    }

    /// @dev Verifies the keyed entry at `offset` (whose bounds `_readEntry` checked): a passkey
    ///      naming `passkeyVerifier` here, by the P-256 precompile (saving the call); else, or
    ///      when that fails, ECDSA or ERC-1271 for an address and the named ERC-7913 verifier's
    ///      `verify` for any other key.
    function _verifyKeyed(
        bytes memory key,
        bytes32 hash,
        bytes calldata signature,
        uint256 offset,
        address passkeyVerifier
    ) private view returns (bool) {
        // The bounds, which `_readEntry` checked: key length (2) ‖ key ‖ signature length (2) ‖ signature.
        bytes calldata entrySignature;
        uint256 keyLength;
        bytes32 keyHead;
        assembly ("memory-safe") {
            let keyAt := add(signature.offset, add(offset, 3))
            keyLength := shr(240, calldataload(sub(keyAt, 2)))
            keyHead := calldataload(keyAt)
            entrySignature.offset := add(add(keyAt, keyLength), 2)
            entrySignature.length := shr(240, calldataload(sub(entrySignature.offset, 2)))
        }
        if (
            keyLength == P256_KEY_LENGTH &&
            address(bytes20(keyHead)) == passkeyVerifier &&
            PasskeySignatures.verifyByPrecompile(
                hash,
                entrySignature,
                _word(signature, offset + 23),
                _word(signature, offset + 55)
            )
        ) return true;
        return SignatureChecker.isValidSignatureNow(key, hash, entrySignature);
    }

    /// @dev The 32 bytes of `data` at `at`, which the caller checked are there.
    function _word(bytes calldata data, uint256 at) private pure returns (bytes32 word) {
        assembly ("memory-safe") {
            word := calldataload(add(data.offset, at))
        }
    }

    /// @dev A memory array of `MAX_ENTRIES` words, allocated without zeroing them (about 1,300 gas
    ///      saved): `check` reads only the words it wrote.
    function _scratchArray() private pure returns (bytes32[] memory array) {
        uint256 entries = MAX_ENTRIES;
        assembly ("memory-safe") {
            array := mload(0x40)
            mstore(array, entries)
            mstore(0x40, add(array, mul(add(entries, 1), 0x20)))
        }
    }

    /// @dev `verdict` with `outcome` about `key`.
    function _fail(Verdict memory verdict, Outcome outcome, bytes memory key) private pure returns (Verdict memory) {
        (verdict.outcome, verdict.key) = (outcome, key);
        return verdict;
    }
}
