// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {WebAuthn} from "@openzeppelin/contracts/utils/cryptography/WebAuthn.sol";

import {ChallengeBase64} from "../libraries/ChallengeBase64.sol";
import {PasskeySignatures} from "../libraries/PasskeySignatures.sol";

/// @title PasskeySignaturesHarness
/// @notice Exposes `PasskeySignatures` and `ChallengeBase64` next to the OpenZeppelin code they
///         must agree with, for differential tests.
contract PasskeySignaturesHarness {
    /// @notice `PasskeySignatures.verify` of a compact signature.
    function verifyCompact(
        bytes32 challenge,
        bytes calldata signature,
        bytes32 x,
        bytes32 y
    ) external view returns (bool) {
        return PasskeySignatures.verify(challenge, signature, x, y);
    }

    /// @notice `PasskeySignatures.verifyByPrecompile` of a compact signature.
    function verifyCompactByPrecompile(
        bytes32 challenge,
        bytes calldata signature,
        bytes32 x,
        bytes32 y
    ) external view returns (bool) {
        return PasskeySignatures.verifyByPrecompile(challenge, signature, x, y);
    }

    /// @notice OpenZeppelin's `WebAuthn.verify` (user verification required) of the same assertion.
    function verifyOpenZeppelin(
        bytes32 challenge,
        WebAuthn.WebAuthnAuth calldata auth,
        bytes32 x,
        bytes32 y
    ) external view returns (bool) {
        return WebAuthn.verify(abi.encodePacked(challenge), auth, x, y, true);
    }

    /// @notice `ChallengeBase64.encode`'s 43 characters.
    function base64Url(bytes32 challenge) external pure returns (string memory) {
        (bytes32 head, bytes32 tail) = ChallengeBase64.encode(challenge);
        return string(bytes.concat(head, bytes11(tail)));
    }

    /// @notice OpenZeppelin's `Base64.encodeURL` of the challenge's 32 bytes.
    function base64UrlOpenZeppelin(bytes32 challenge) external pure returns (string memory) {
        return Base64.encodeURL(abi.encodePacked(challenge));
    }
}
