// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice One action a session key may take: call `target` with the function `functionSignature`.
/// @dev The owner signs the readable signature (e.g. `"placeOrder(uint256,uint256)"`); the module
///      derives the selector from it, so what the owner reads is exactly what is allowed.
struct Permission {
    address target;
    string functionSignature;
}

/// @notice What the owner signs to grant a session: which wallet, which app, which key, which
///         actions, from when until when.
/// @param wallet The wallet (the account) the session acts for.
/// @param app The app asking for the session, in readable form (e.g. `"trade.example.com"`).
/// @param sessionKey The address of the key the app holds; it signs the session's intents.
/// @param permissions The (target, function) pairs the session may call, with zero ETH value.
/// @param validAfter The start: the session is usable from this second on (0: at once).
/// @param validUntil The deadline: the session is dead from this second on (0 is invalid).
/// @param epoch The wallet's session epoch (`ISessionKeyModule.sessionEpoch`, the wallet's module
///        epoch): revoking every session moves it, which voids every grant signed before.
/// @param salt Lets the owner sign the same grant again as a different session.
struct SessionGrant {
    address wallet;
    string app;
    address sessionKey;
    Permission[] permissions;
    uint48 validAfter;
    uint48 validUntil;
    uint32 epoch;
    uint256 salt;
}

/// @title SessionGrantHashing
/// @notice EIP-712 struct hashing of session grants, shared by the module and the tests.
/// @dev The session ID is the EIP-712 digest of the grant under the module's domain
///      `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)` with
///      `name = "IntentWallet Sessions"`, `version = "1"` and `verifyingContract` the module.
library SessionGrantHashing {
    /// @dev keccak256("Permission(address target,string functionSignature)")
    bytes32 internal constant PERMISSION_TYPEHASH = keccak256("Permission(address target,string functionSignature)");

    /// @dev The primary type followed by its referenced type, as EIP-712 requires.
    bytes32 internal constant SESSION_GRANT_TYPEHASH = keccak256(
        "SessionGrant(address wallet,string app,address sessionKey,Permission[] permissions,uint48 validAfter,uint48 validUntil,uint32 epoch,uint256 salt)"
        "Permission(address target,string functionSignature)"
    );

    /// @notice The EIP-712 struct hash of `grant`.
    function hashGrant(SessionGrant memory grant) internal pure returns (bytes32) {
        bytes memory head = abi.encode(
            SESSION_GRANT_TYPEHASH,
            grant.wallet,
            keccak256(bytes(grant.app)),
            grant.sessionKey,
            hashPermissions(grant.permissions)
        );
        return keccak256(bytes.concat(head, abi.encode(grant.validAfter, grant.validUntil, grant.epoch, grant.salt)));
    }

    /// @notice The EIP-712 hash of a `Permission[]` array: keccak256 of the concatenated struct hashes.
    function hashPermissions(Permission[] memory permissions) internal pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](permissions.length);
        for (uint256 i; i < permissions.length; ++i) {
            hashes[i] = keccak256(
                abi.encode(
                    PERMISSION_TYPEHASH,
                    permissions[i].target,
                    keccak256(bytes(permissions[i].functionSignature))
                )
            );
        }
        return keccak256(abi.encodePacked(hashes));
    }

    /// @notice The selector a permission allows: the first 4 bytes of keccak256 of its signature.
    function selectorOf(Permission memory permission) internal pure returns (bytes4) {
        return bytes4(keccak256(bytes(permission.functionSignature)));
    }

    /// @notice The keccak256 of a permission's function signature, as spelled: its first 4 bytes
    ///         are the selector, the whole hash tells the signature from others with that selector.
    function signatureHashOf(Permission memory permission) internal pure returns (bytes32) {
        return keccak256(bytes(permission.functionSignature));
    }
}
