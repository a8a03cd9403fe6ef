// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7913SignatureVerifier} from "@openzeppelin/contracts/interfaces/IERC7913.sol";

import {PasskeySignatures} from "../libraries/PasskeySignatures.sol";

/// @title PasskeyVerifier
/// @notice ERC-7913 verifier of WebAuthn passkeys: a key is the passkey's P-256 public key `x ‖ y`
///         (64 bytes), a signature its assertion in `PasskeySignatures`' compact form. Stateless.
/// @dev Wallets owned by key sets run the same checks themselves for keys naming this verifier,
///      and call it only where the chain has no P-256 precompile.
contract PasskeyVerifier is IERC7913SignatureVerifier {
    /// @inheritdoc IERC7913SignatureVerifier
    function verify(bytes calldata key, bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return
            key.length == 64 && PasskeySignatures.verify(hash, signature, bytes32(key[0:32]), bytes32(key[32:64]))
                ? IERC7913SignatureVerifier.verify.selector
                : bytes4(0xffffffff);
    }
}
