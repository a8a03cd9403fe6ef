// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IIntentValidator} from "../interfaces/IIntentValidator.sol";
import {IIntentWallet} from "../interfaces/IIntentWallet.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {Call} from "../libraries/IntentHashing.sol";
import {DangerousSelectors} from "../libraries/DangerousSelectors.sol";
import {Permission, SessionGrant, SessionGrantHashing} from "../libraries/SessionGrantHashing.sol";

/// @title SessionKeyModule
/// @notice Validates intents signed by session keys: short-lived keys the owner granted, with one
///         EIP-712 signature, a set of (target, function) pairs until a deadline. One module serves
///         every wallet that installs it; each wallet's sessions are its own.
/// @dev Checking a call costs one storage read: the entry for (wallet, session key, target,
///      selector) holds the window, the epoch and the revocation of the grant that listed it. If
///      several live grants of one key list the same pair, the last registered decides for that
///      pair. The wallet itself forbids session intents to call the wallet or any installed module.
///      A grant may list a well-known function moving or approving assets (`DangerousSelectors`)
///      under its own canonical signature only, never under another with the same selector.
contract SessionKeyModule is ISessionKeyModule, EIP712 {
    using SessionGrantHashing for SessionGrant;
    using SessionGrantHashing for Permission;

    /// @dev A session key's signature of an intent ID: ECDSA, r ‖ s ‖ v.
    uint256 private constant SESSION_SIGNATURE_LENGTH = 65;

    mapping(address wallet => mapping(address sessionKey => mapping(address target => mapping(bytes4 selector => PermissionEntry))))
        private _entries;
    mapping(address wallet => mapping(bytes32 sessionId => bool)) private _revoked;

    constructor() EIP712("IntentWallet Sessions", "1") {}

    /*//////////////////////////////////////////////////////////////
                              VALIDATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Authorizes intent `id` of the calling wallet if a live session of the key that
    ///         signed it allows every call; registers the grant carried in `data` first, if any.
    /// @param id The intent ID, as computed by the wallet.
    /// @param calls The intent's calls, each checked against the key's permissions.
    /// @param data The session signature, optionally followed by `abi.encode(grant, ownerSignature)`.
    /// @param moduleEpoch The wallet's module epoch: the session epoch that live grants signed.
    /// @return `IIntentValidator.validateIntent.selector`; any refusal reverts with its own error.
    function validateIntent(
        bytes32 id,
        Call[] calldata calls,
        bytes calldata data,
        uint256 moduleEpoch
    ) external returns (bytes4) {
        if (data.length < SESSION_SIGNATURE_LENGTH) revert SessionInvalidSignature();
        address sessionKey = _recoverSessionKey(id, data[:SESSION_SIGNATURE_LENGTH]);
        if (data.length > SESSION_SIGNATURE_LENGTH) {
            _registerCarriedGrant(sessionKey, data[SESSION_SIGNATURE_LENGTH:], moduleEpoch);
        }
        _checkCalls(sessionKey, calls, moduleEpoch);
        return IIntentValidator.validateIntent.selector;
    }

    /*//////////////////////////////////////////////////////////////
                         GRANTS AND REVOCATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISessionKeyModule
    function registerSession(SessionGrant calldata grant) external onlyGrantWallet(grant.wallet) {
        SessionGrant memory copy = grant;
        _register(copy, _sessionId(copy), IIntentWallet(msg.sender).moduleEpoch());
    }

    /// @inheritdoc ISessionKeyModule
    function revokeSession(SessionGrant calldata grant) external onlyGrantWallet(grant.wallet) {
        SessionGrant memory copy = grant;
        bytes32 id = _sessionId(copy);
        _revoked[msg.sender][id] = true;
        _markEntriesRevoked(copy, uint120(uint256(id)));
        emit SessionRevoked(msg.sender, id);
    }

    /// @inheritdoc ISessionKeyModule
    function revokeAllSessions() external {
        uint256 epoch = IIntentWallet(msg.sender).advanceModuleEpoch();
        emit AllSessionsRevoked(msg.sender, uint32(epoch));
    }

    /// @dev Only the wallet a grant names may register or revoke it.
    modifier onlyGrantWallet(address wallet) {
        if (msg.sender != wallet) revert SessionCallerNotWallet(msg.sender, wallet);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISessionKeyModule
    function decodeCarriedGrant(
        bytes calldata carried
    ) external pure returns (SessionGrant memory grant, bytes memory ownerSignature) {
        return abi.decode(carried, (SessionGrant, bytes));
    }

    /// @inheritdoc ISessionKeyModule
    function sessionId(SessionGrant calldata grant) external view returns (bytes32) {
        return _sessionId(grant);
    }

    /// @inheritdoc ISessionKeyModule
    function sessionStatus(SessionGrant calldata grant) external view returns (SessionStatus) {
        SessionGrant memory copy = grant;
        bytes32 id = _sessionId(copy);
        uint32 epoch = _sessionEpoch(copy.wallet);
        if (_revoked[copy.wallet][id] || copy.epoch < epoch) return SessionStatus.Revoked;
        if (block.timestamp >= copy.validUntil) return SessionStatus.Expired;
        if (copy.epoch != epoch || !_isRegistered(copy, uint120(uint256(id)))) {
            return SessionStatus.Unregistered;
        }
        if (block.timestamp < copy.validAfter) return SessionStatus.Pending;
        return SessionStatus.Active;
    }

    /// @inheritdoc ISessionKeyModule
    function sessionEpoch(address wallet) external view returns (uint32) {
        return _sessionEpoch(wallet);
    }

    /// @inheritdoc ISessionKeyModule
    function isSessionRevoked(address wallet, bytes32 id) external view returns (bool) {
        return _revoked[wallet][id];
    }

    /// @inheritdoc ISessionKeyModule
    function permissionEntry(
        address wallet,
        address sessionKey,
        address target,
        bytes4 selector
    ) external view returns (PermissionEntry memory) {
        return _entries[wallet][sessionKey][target][selector];
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev `wallet`'s session epoch: its module epoch (`IIntentWallet.moduleEpoch`), or 0 for an
    ///      address that doesn't answer it (no wallet, so no sessions either).
    function _sessionEpoch(address wallet) private view returns (uint32) {
        (bool ok, bytes memory answer) = wallet.staticcall(abi.encodeCall(IIntentWallet.moduleEpoch, ()));
        return ok && answer.length == 32 ? uint32(uint256(bytes32(answer))) : 0;
    }

    /// @dev The session key that signed intent `id`; reverts on a malformed or malleable signature.
    function _recoverSessionKey(bytes32 id, bytes calldata signature) private pure returns (address sessionKey) {
        ECDSA.RecoverError error;
        (sessionKey, error, ) = ECDSA.tryRecoverCalldata(id, signature);
        if (error != ECDSA.RecoverError.NoError) revert SessionInvalidSignature();
    }

    /// @dev Every call must go, with no ETH, to a (target, selector) pair that a live grant of
    ///      `sessionKey` lists for the calling wallet, inside that grant's window.
    function _checkCalls(address sessionKey, Call[] calldata calls, uint256 epoch) private view {
        mapping(address => mapping(bytes4 => PermissionEntry)) storage entries = _entries[msg.sender][sessionKey];
        for (uint256 i; i < calls.length; ++i) {
            (address target, uint256 value, uint256 dataLength, bytes4 selector) = _callAt(calls, i);
            if (value != 0) revert SessionValueNotAllowed(i, value);
            if (dataLength < 4) revert SessionCalldataTooShort(i);
            uint256 entry = _entryWord(entries[target][selector]);
            uint256 validUntil = uint48(entry >> 48);
            if (validUntil == 0) revert SessionCallNotAllowed(i, target, selector);
            // Revoked (bits 128-135) or registered under another epoch (bits 96-127).
            if (uint8(entry >> 128) != 0 || uint32(entry >> 96) != epoch) revert SessionIsRevoked(sessionKey);
            uint256 validAfter = uint48(entry);
            if (block.timestamp < validAfter) revert SessionNotYetValid(sessionKey, uint48(validAfter));
            if (block.timestamp >= validUntil) revert SessionExpired(sessionKey, uint48(validUntil));
        }
    }

    /// @dev Call `i` of `calls`: its target, value, data length and selector (zero when shorter
    ///      than 4 bytes), read where the ABI puts them, without Solidity's checks: a wallet
    ///      encodes `calls` with Solidity, and a caller that encodes them badly only misleads the
    ///      check of its own entries.
    function _callAt(
        Call[] calldata calls,
        uint256 i
    ) private pure returns (address target, uint256 value, uint256 dataLength, bytes4 selector) {
        assembly ("memory-safe") {
            let head := add(calls.offset, calldataload(add(calls.offset, shl(5, i))))
            target := and(calldataload(head), 0xffffffffffffffffffffffffffffffffffffffff)
            value := calldataload(add(head, 0x20))
            let data := add(head, calldataload(add(head, 0x40)))
            dataLength := calldataload(data)
            if gt(dataLength, 3) {
                selector := and(calldataload(add(data, 0x20)), shl(224, 0xffffffff))
            }
        }
    }

    /// @dev A permission entry's slot as one word (the struct's packing: validAfter in bits 0-47,
    ///      validUntil 48-95, epoch 96-127, revoked 128-135, grant tag above).
    function _entryWord(PermissionEntry storage entry) private view returns (uint256 word) {
        assembly ("memory-safe") {
            word := sload(entry.slot)
        }
    }

    /// @dev Registers the grant carried in a session intent, after checking that the key that
    ///      signed the intent is the grant's and that the wallet's owner signed the grant.
    function _registerCarriedGrant(address sessionKey, bytes calldata carried, uint256 epoch) private {
        SessionGrant memory grant;
        bytes memory ownerSignature;
        try this.decodeCarriedGrant(carried) returns (SessionGrant memory decoded, bytes memory signature) {
            (grant, ownerSignature) = (decoded, signature);
        } catch {
            revert GrantMalformed();
        }
        if (grant.sessionKey != sessionKey) revert GrantKeyMismatch(grant.sessionKey, sessionKey);
        bytes32 id = _sessionId(grant);
        // The wallet judges its owner's signature: one address's, or its key set's at the threshold.
        if (!IIntentWallet(msg.sender).isOwnerAuthorized(id, ownerSignature)) revert GrantInvalidOwnerSignature(id);
        _register(grant, id, epoch);
    }

    /// @dev Checks that `grant` and each of its permissions may be registered for the calling
    ///      wallet, then writes one entry per permission: nothing is written unless all pass.
    function _register(SessionGrant memory grant, bytes32 id, uint256 epoch) private {
        _checkRegistrable(grant, id, epoch);
        _checkPermissions(grant.permissions);
        PermissionEntry memory entry = PermissionEntry({
            validAfter: grant.validAfter,
            validUntil: grant.validUntil,
            epoch: grant.epoch,
            revoked: false,
            grantTag: uint120(uint256(id))
        });
        mapping(address => mapping(bytes4 => PermissionEntry)) storage entries = _entries[msg.sender][grant.sessionKey];
        for (uint256 i; i < grant.permissions.length; ++i) {
            Permission memory permission = grant.permissions[i];
            entries[permission.target][permission.selectorOf()] = entry;
        }
        emit SessionRegistered(msg.sender, id, grant.sessionKey, grant);
    }

    /// @dev Checks every permission: it names neither the calling wallet nor this module, and its
    ///      signature does not hide a dangerous function under another name (a selector of
    ///      `DangerousSelectors` with another signature).
    function _checkPermissions(Permission[] memory permissions) private view {
        for (uint256 i; i < permissions.length; ++i) {
            Permission memory permission = permissions[i];
            if (permission.target == msg.sender || permission.target == address(this)) {
                revert GrantForbiddenTarget(permission.target);
            }
            bytes32 signatureHash = permission.signatureHashOf();
            if (DangerousSelectors.hidesDangerousFunction(signatureHash)) {
                revert GrantSelectorCollision(permission.target, permission.functionSignature, bytes4(signatureHash));
            }
        }
    }

    /// @dev The checks of a grant that need no signature: wallet, key, window, epoch, permissions, revocation.
    function _checkRegistrable(SessionGrant memory grant, bytes32 id, uint256 epoch) private view {
        if (grant.wallet != msg.sender) revert GrantWrongWallet(grant.wallet, msg.sender);
        if (grant.sessionKey == address(0)) revert GrantInvalidSessionKey();
        if (grant.validUntil <= grant.validAfter) revert GrantInvalidWindow(grant.validAfter, grant.validUntil);
        if (block.timestamp >= grant.validUntil) revert GrantExpired(id, grant.validUntil);
        if (grant.epoch != epoch) revert GrantEpochMismatch(grant.epoch, uint32(epoch));
        if (grant.permissions.length == 0) revert GrantHasNoPermissions();
        if (_revoked[msg.sender][id]) revert GrantRevoked(id);
    }

    /// @dev Marks revoked the entries of `grant`'s pairs that it still holds (tagged `tag`); pairs
    ///      a later grant of the same key took over are that grant's, and left alone.
    function _markEntriesRevoked(SessionGrant memory grant, uint120 tag) private {
        mapping(address => mapping(bytes4 => PermissionEntry)) storage entries = _entries[msg.sender][grant.sessionKey];
        for (uint256 i; i < grant.permissions.length; ++i) {
            PermissionEntry storage entry = entries[grant.permissions[i].target][grant.permissions[i].selectorOf()];
            if (entry.grantTag == tag) entry.revoked = true;
        }
    }

    /// @dev Whether some permission of `grant` is still held by the grant tagged `tag`.
    function _isRegistered(SessionGrant memory grant, uint120 tag) private view returns (bool) {
        mapping(address => mapping(bytes4 => PermissionEntry)) storage entries = _entries[grant.wallet][
            grant.sessionKey
        ];
        for (uint256 i; i < grant.permissions.length; ++i) {
            if (entries[grant.permissions[i].target][grant.permissions[i].selectorOf()].grantTag == tag) return true;
        }
        return false;
    }

    /// @dev The session ID: the EIP-712 digest of `grant` under this module's domain.
    function _sessionId(SessionGrant memory grant) private view returns (bytes32) {
        return _hashTypedDataV4(grant.hashGrant());
    }
}
