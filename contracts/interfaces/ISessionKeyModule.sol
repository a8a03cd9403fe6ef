// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentValidator} from "./IIntentValidator.sol";
import {SessionGrant} from "../libraries/SessionGrantHashing.sol";

/// @title ISessionKeyModule
/// @notice Lets a wallet's owner grant a short-lived key that may sign intents limited to chosen
///         (target, function) pairs, from an optional start time until a deadline, revocable at
///         any time. The owner grants with ONE EIP-712 signature of a `SessionGrant`; the app then
///         signs each intent's ID with the session key, with no further prompt to the owner.
/// @dev Relay signature of a session-key intent: `0x01 ‖ module ‖ data` (see `IntentWallet`), with
///      `data = sessionSignature(65 bytes, over the intent ID)` once the grant is registered, or
///      `data = sessionSignature ‖ abi.encode(SessionGrant grant, bytes ownerSignature)` to register
///      the grant on the way, in the same relay.
interface ISessionKeyModule is IIntentValidator {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice What a grant is, as seen from the chain now.
    enum SessionStatus {
        /// @dev Signed (maybe) but not registered on-chain yet: it can still be registered.
        Unregistered,
        /// @dev Registered, and its start time `validAfter` is still to come.
        Pending,
        /// @dev Registered and usable now.
        Active,
        /// @dev Its deadline has passed (`block.timestamp >= validUntil`).
        Expired,
        /// @dev Revoked by the owner, alone or with every session of the wallet.
        Revoked
    }

    /// @notice What the module keeps per (wallet, session key, target, selector), in one slot:
    ///         everything one call's check needs, read with a single SLOAD.
    /// @param validAfter The grant's start time: calls are allowed from this second on.
    /// @param validUntil The grant's deadline: calls are refused from this second on. 0: no entry.
    /// @param epoch The wallet's session epoch when the grant was registered.
    /// @param revoked Whether the grant that wrote this entry was revoked.
    /// @param grantTag The low 120 bits of the session ID of the grant that wrote this entry.
    struct PermissionEntry {
        uint48 validAfter;
        uint48 validUntil;
        uint32 epoch;
        bool revoked;
        uint120 grantTag;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `grant` was registered for `wallet`: `sessionKey` may now sign its intents.
    event SessionRegistered(
        address indexed wallet,
        bytes32 indexed sessionId,
        address indexed sessionKey,
        SessionGrant grant
    );

    /// @notice The grant `sessionId` of `wallet` was revoked: it can never be used nor registered.
    event SessionRevoked(address indexed wallet, bytes32 indexed sessionId);

    /// @notice Every session of `wallet` granted before was revoked; new grants sign `epoch`.
    event AllSessionsRevoked(address indexed wallet, uint32 epoch);

    /*//////////////////////////////////////////////////////////////
                          ERRORS: USING A SESSION
    //////////////////////////////////////////////////////////////*/

    /// @notice The session signature is not a valid 65-byte ECDSA signature of the intent ID.
    error SessionInvalidSignature();

    /// @notice Call `index` goes to a (target, selector) pair that no live grant of this key lists
    ///         for this wallet (or the key has no grant for this wallet at all).
    error SessionCallNotAllowed(uint256 index, address target, bytes4 selector);

    /// @notice Call `index` sends ETH: a session key never moves ETH.
    error SessionValueNotAllowed(uint256 index, uint256 value);

    /// @notice Call `index` has fewer than 4 bytes of calldata, so it names no function.
    error SessionCalldataTooShort(uint256 index);

    /// @notice The session of `sessionKey` starts at `validAfter`, which is still to come.
    error SessionNotYetValid(address sessionKey, uint48 validAfter);

    /// @notice The session of `sessionKey` ended at `validUntil` (`block.timestamp >= validUntil`).
    error SessionExpired(address sessionKey, uint48 validUntil);

    /// @notice The session of `sessionKey` was revoked, alone or with every session of the wallet.
    error SessionIsRevoked(address sessionKey);

    /*//////////////////////////////////////////////////////////////
                       ERRORS: REGISTERING A GRANT
    //////////////////////////////////////////////////////////////*/

    /// @notice Only the wallet itself (an owner intent or the owner's direct `execute`) may do this.
    error SessionCallerNotWallet(address caller, address wallet);

    /// @notice The grant names another wallet than the one registering it.
    error GrantWrongWallet(address grantWallet, address wallet);

    /// @notice The wallet's owner did not sign the grant `sessionId` (on this chain, for this module).
    error GrantInvalidOwnerSignature(bytes32 sessionId);

    /// @notice The module data goes on after the session signature, but not with `abi.encode(grant, ownerSignature)`.
    error GrantMalformed();

    /// @notice The grant carried in an intent names another key than the one that signed the intent.
    error GrantKeyMismatch(address grantKey, address signer);

    /// @notice The grant's session key is the zero address.
    error GrantInvalidSessionKey();

    /// @notice The grant's window is empty: it needs `validAfter < validUntil` (so a deadline of 0 is invalid).
    error GrantInvalidWindow(uint48 validAfter, uint48 validUntil);

    /// @notice The grant's deadline has already passed.
    error GrantExpired(bytes32 sessionId, uint48 validUntil);

    /// @notice The grant was signed for another session epoch than the wallet's: an earlier one (every
    ///         session before was revoked) or one still to come.
    error GrantEpochMismatch(uint32 grantEpoch, uint32 currentEpoch);

    /// @notice The grant lists no permission.
    error GrantHasNoPermissions();

    /// @notice A permission names the wallet itself or this module, which a session may never call.
    error GrantForbiddenTarget(address target);

    /// @notice The permission on `target` reads `functionSignature`, whose selector `selector` is
    ///         that of a well-known function moving or approving assets (`DangerousSelectors`),
    ///         but it is not that function's own signature: the owner read one function and would
    ///         allow another. A permission may list a dangerous function under its exact name only.
    error GrantSelectorCollision(address target, string functionSignature, bytes4 selector);

    /// @notice The grant `sessionId` was revoked: it can never be registered.
    error GrantRevoked(bytes32 sessionId);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers `grant` for the calling wallet, without the owner's signature: the call
    ///         itself comes from the wallet, so from an owner intent or the owner's direct `execute`.
    /// @dev Reverts with `SessionCallerNotWallet` unless `msg.sender == grant.wallet`, and with the
    ///      grant errors above when the grant is not registrable.
    /// @param grant The grant to register.
    function registerSession(SessionGrant calldata grant) external;

    /// @notice Revokes `grant` for the calling wallet, whether it was registered or not: from now
    ///         on it can neither be used nor registered. Intents relayed before keep their receipts.
    /// @dev Reverts with `SessionCallerNotWallet` unless `msg.sender == grant.wallet`.
    /// @param grant The grant to revoke (the owner's copy, as signed).
    function revokeSession(SessionGrant calldata grant) external;

    /// @notice Revokes every session of the calling wallet, registered or not, by moving its
    ///         session epoch: grants signed before can neither be used nor registered.
    /// @dev The session epoch is the wallet's module epoch: this asks the calling wallet to
    ///      `advanceModuleEpoch`, which it does for an installed module; the wallet then hands the
    ///      new epoch to every validation, so checking a session reads no epoch of the module's.
    function revokeAllSessions() external;

    /// @notice Decodes the grant carried after a session signature; `validateIntent` calls it so that
    ///         a malformed encoding is refused with `GrantMalformed` rather than an empty revert.
    /// @param carried `abi.encode(grant, ownerSignature)`.
    /// @return grant The grant.
    /// @return ownerSignature The owner's signature of the grant's session ID.
    function decodeCarriedGrant(
        bytes calldata carried
    ) external pure returns (SessionGrant memory grant, bytes memory ownerSignature);

    /// @notice The session ID of `grant`: the EIP-712 digest the owner signs.
    /// @param grant The grant.
    /// @return The session ID.
    function sessionId(SessionGrant calldata grant) external view returns (bytes32);

    /// @notice What `grant` is now: unregistered, pending, active, expired or revoked.
    /// @param grant The grant.
    /// @return The grant's status.
    function sessionStatus(SessionGrant calldata grant) external view returns (SessionStatus);

    /// @notice The session epoch new grants of `wallet` must sign: its module epoch
    ///         (`IIntentWallet.moduleEpoch`, moved by `revokeAllSessions`); 0 for a non-wallet.
    /// @param wallet The wallet.
    /// @return The wallet's current session epoch.
    function sessionEpoch(address wallet) external view returns (uint32);

    /// @notice Whether grant `id` of `wallet` was revoked on its own (see also `sessionEpoch`).
    /// @param wallet The wallet.
    /// @param id The session ID.
    /// @return Whether it was revoked.
    function isSessionRevoked(address wallet, bytes32 id) external view returns (bool);

    /// @notice The entry that decides whether `sessionKey` may call `selector` on `target` for `wallet`.
    /// @param wallet The wallet.
    /// @param sessionKey The session key.
    /// @param target The called contract.
    /// @param selector The called function.
    /// @return The entry (all zero when no grant ever listed the pair for this key).
    function permissionEntry(
        address wallet,
        address sessionKey,
        address target,
        bytes4 selector
    ) external view returns (PermissionEntry memory);
}
