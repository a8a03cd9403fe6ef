// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Call, Intent} from "../libraries/IntentHashing.sol";

/// @title IIntentWallet
/// @notice A smart account that executes signed intents, which anyone may relay. Each intent ID
///         executes at most once; its receipt is readable by anyone. It is owned by one address
///         (its first owner, written in its code, or one `changeOwner` set) or by a key set: keys of
///         several kinds (secp256k1 addresses, ERC-1271 contracts, P-256 keys, WebAuthn passkeys,
///         any ERC-7913 verifier's keys) of which a threshold must sign.
interface IIntentWallet {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice What became of an intent ID.
    enum IntentStatus {
        /// @dev Never relayed nor canceled.
        None,
        /// @dev Relayed, and its calls succeeded.
        Succeeded,
        /// @dev Relayed, but its calls reverted: their effects were undone, the ID is consumed.
        Failed,
        /// @dev Canceled by the owner before it was relayed: it can never be relayed.
        Canceled
    }

    /// @notice The record kept per intent ID, packed in one storage slot.
    /// @param status What became of the intent.
    /// @param relayer Who relayed it (`msg.sender` of `relay`), or who canceled it.
    /// @param blockNumber The block in which it was relayed or canceled.
    struct IntentReceipt {
        IntentStatus status;
        address relayer;
        uint64 blockNumber;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Intent `id` was relayed by `relayer`; `success` is false when its calls reverted.
    event IntentRelayed(bytes32 indexed id, address indexed relayer, bool success);

    /// @notice The calls of intent `id` reverted; `reason` is `WalletCallReverted(index, data)`
    ///         with the failing call's revert data cut to at most `MAX_REVERT_DATA` bytes.
    event IntentFailed(bytes32 indexed id, bytes reason);

    /// @notice Intent `id` was canceled by the owner: it can never be relayed.
    event IntentCanceled(bytes32 indexed id);

    /// @notice Every intent signed for an earlier epoch became invalid; new intents sign `epoch`.
    event IntentsInvalidated(uint256 epoch);

    /// @notice The wallet's owner changed from `previousOwner` to `newOwner`.
    event OwnerChanged(address indexed previousOwner, address indexed newOwner);

    /// @notice `key` joined the wallet's key set (an ERC-7913 signer: an address, or a verifier
    ///         followed by a public key).
    event OwnerKeyAdded(bytes key);

    /// @notice `key` left the wallet's key set.
    event OwnerKeyRemoved(bytes key);

    /// @notice From now on, `threshold` distinct keys of the set must sign for the wallet.
    event OwnerThresholdChanged(uint256 threshold);

    /// @notice `module` may now validate intents for this wallet.
    event ModuleInstalled(address indexed module);

    /// @notice `module` may no longer validate intents for this wallet.
    event ModuleUninstalled(address indexed module);

    /// @notice The module epoch moved to `epoch`: what validator modules authorized under earlier
    ///         epochs (session grants, for one) is void.
    event ModuleEpochAdvanced(uint256 epoch);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The signature is neither the owner's nor accepted by an installed validator module,
    ///         or it is malformed (wrong length, malleable, recovering the zero address, unknown kind).
    error IntentInvalidSignature(bytes32 id);

    /// @notice A key-set signature of intent `id` carries a signature by `key` that does not verify
    ///         (a wrong signature; for a passkey also a wrong challenge or type, a user not present
    ///         or not verified, a high s).
    error IntentKeySignatureInvalid(bytes32 id, bytes key);

    /// @notice A key-set signature of intent `id` carries a signature by `key`, which is not in
    ///         the wallet's key set (for a secp256k1 entry: the address its signature recovers).
    error IntentKeyNotInSet(bytes32 id, bytes key);

    /// @notice A key-set signature of intent `id` carries two signatures by `key`.
    error IntentKeyRepeated(bytes32 id, bytes key);

    /// @notice A key-set signature of intent `id` carries `signatures` valid signatures of distinct
    ///         keys of the set, fewer than the wallet's `threshold`.
    error IntentBelowThreshold(bytes32 id, uint256 signatures, uint256 threshold);

    /// @notice Intent `id` was already relayed (successfully or not): an ID executes at most once.
    error IntentAlreadyRelayed(bytes32 id);

    /// @notice Intent `id` was canceled by the owner.
    error IntentIsCanceled(bytes32 id);

    /// @notice `block.timestamp >= expiration` (an expiration of 0 is always expired).
    error IntentExpired(bytes32 id, uint256 expiration);

    /// @notice `block.timestamp < validAfter`: a scheduled intent, relayable from `validAfter` on.
    error IntentNotYetValid(bytes32 id, uint256 validAfter);

    /// @notice The intent's encoding does not hold together at calldata `offset`: a read past the
    ///         end of the packed form, a length byte above 32, a count larger than the bytes left,
    ///         or an address word of the ABI form with high bytes set.
    error IntentMalformed(uint256 offset);

    /// @notice The relay transaction's `tx.gasprice` is above the intent's `maxGasPrice`.
    error IntentGasPriceTooHigh(bytes32 id, uint256 gasPrice, uint256 maxGasPrice);

    /// @notice Dependency `dependencyId` on `wallet` has not been relayed successfully.
    error IntentDependencyNotMet(bytes32 id, address wallet, bytes32 dependencyId);

    /// @notice The relayer sent too little gas: the calls could not be given `minGasLimit`, or they
    ///         failed starved. The relay reverts whole, with no receipt: the intent stays relayable.
    /// @dev Before the call (for a batch: its first call, inside the batch frame, so every 1/64
    ///      lost on the way counts) the wallet requires `gasleft() >= minGasLimit + minGasLimit / 63
    ///      + 3,600` (`+ 37,600` when the call sends ETH). After a failed call, if less than 1/7 of
    ///      the gas there was before it is left, the call used nearly all it was given and more
    ///      might have saved it: that is starvation, not a failure. `minGasLimit` above 2^64 - 1
    ///      can never be given and is refused with this error too.
    error IntentInsufficientGas(bytes32 id, uint256 minGasLimit, uint256 gasLeft);

    /// @notice An intent must carry at least one call.
    error IntentHasNoCalls(bytes32 id);

    /// @notice Intents validated by a module may not call the wallet itself or any installed module.
    error IntentTargetForbidden(bytes32 id, address target);

    /// @notice Call number `index` of a batch reverted with `reason` (cut to `MAX_REVERT_DATA` bytes).
    error WalletCallReverted(uint256 index, bytes reason);

    /// @notice `caller` is neither the owner nor the wallet itself (through an owner's intent).
    error WalletUnauthorized(address caller);

    /// @notice The owner may be neither the zero address nor the wallet itself.
    error WalletInvalidOwner(address owner);

    /// @notice The implementation behind the wallet proxies has no owner and can never be used.
    error WalletImplementationLocked();

    /// @notice The intent epoch or the module epoch is at its last value (2^32 - 1): it can't move.
    error WalletEpochExhausted(uint256 epoch);

    /// @notice `key` can't join a key set: shorter than 20 bytes or longer than 1,044 bytes,
    ///         the zero address, the wallet itself, a P-256 key off the curve, or a verifier
    ///         without code.
    error WalletInvalidKey(bytes key);

    /// @notice `key` is in the key set already.
    error WalletKeyAlreadyAdded(bytes key);

    /// @notice `key` is not in the key set.
    error WalletKeyNotFound(bytes key);

    /// @notice A key set of `keys` keys can't have threshold `threshold`: it must be at least 1 and
    ///         at most the number of keys, so the set can always act and never by fewer keys.
    error WalletInvalidThreshold(uint256 threshold, uint256 keys);

    /// @notice A key set holds at most `max` keys.
    error WalletTooManyKeys(uint256 max);

    /// @notice `module` has no code, or is the wallet itself.
    error WalletInvalidModule(address module);

    /// @notice `module` is installed already.
    error WalletModuleAlreadyInstalled(address module);

    /// @notice `module` is not installed.
    error WalletModuleNotInstalled(address module);

    /*//////////////////////////////////////////////////////////////
                               RELAYING
    //////////////////////////////////////////////////////////////*/

    /// @notice Executes `intent` if `signature` authorizes it; anyone may call it.
    /// @dev Every check (status, time window, gas price, signature, dependencies, gas for the
    ///      first call) runs before any call is made, each failing with its own error. After the
    ///      calls, one more: calls that failed starved of gas revert the whole relay with
    ///      `IntentInsufficientGas` and no receipt. If the calls revert on their own, their effects
    ///      are undone, the ID is consumed with status `Failed` and this function still succeeds.
    ///      `signature` is one kind byte followed by its payload:
    ///      - `0x00 ‖ ownerSignature`: the owner's 65-byte ECDSA signature of the ID, or any bytes
    ///        its ERC-1271 `isValidSignature(id, bytes)` accepts when the owner is a contract;
    ///      - `0x01 ‖ module (20 bytes) ‖ data`: an installed validator module decides, given `data`;
    ///      - `0x02 ‖ entries`: signatures of keys of the wallet's key set, at least its threshold of
    ///        distinct keys (see `OwnerKeySignatures` for the entries, byte by byte).
    /// @param intent The calls and the conditions under which they may run.
    /// @param signature The authorization, as above.
    /// @return success Whether the calls succeeded.
    function relay(Intent calldata intent, bytes calldata signature) external returns (bool success);

    /// @notice `relay`, with its arguments in the packed form: the calldata is this function's
    ///         selector followed by the packed intent and then the signature (see `PackedIntent`).
    /// @dev Same intent, same ID, same checks and errors as `relay`; a malformed encoding reverts
    ///      with `IntentMalformed(offset)`. The defaults cost one byte each.
    /// @return success Whether the calls succeeded.
    function relayPacked() external returns (bool success);

    /// @notice Cancels unrelayed intents, so they can never be relayed. Owner or self only.
    /// @dev Reverts with `IntentAlreadyRelayed` if any ID was relayed; an ID canceled already is skipped.
    /// @param ids The intent IDs to cancel.
    function cancelIntents(bytes32[] calldata ids) external;

    /// @notice Invalidates every intent not yet relayed, at once, by moving to a new epoch.
    /// @dev The epoch is the salt of the intents' EIP-712 domain, so every ID changes and every
    ///      outstanding signature stops matching. Receipts of relayed intents stay. Owner or self only.
    function invalidateAllIntents() external;

    /// @notice Executes `calls` in order, all or nothing. Owner or self only; the owner pays its gas.
    /// @dev A failing call reverts everything with `WalletCallReverted(index, reason)`.
    /// @param calls The calls to make.
    function execute(Call[] calldata calls) external payable;

    /// @notice The batch of a relayed intent, run by the wallet on itself so that a failing call
    ///         undoes the earlier ones. Only the wallet itself may call it.
    /// @dev The first call gets at least `minGasLimit`; a starved call reverts the batch with
    ///      `IntentInsufficientGas(0, ...)` (the relay then reverts whole), any other failing call
    ///      with `WalletCallReverted(index, reason)`.
    /// @param calls The intent's calls.
    /// @param minGasLimit The intent's `minGasLimit`, for the first call.
    function executeIntentBatch(Call[] calldata calls, uint256 minGasLimit) external;

    /*//////////////////////////////////////////////////////////////
                          OWNER AND MODULES
    //////////////////////////////////////////////////////////////*/

    /// @notice Hands the wallet to `newOwner`. Owner or self only. A key set, if any, is emptied.
    /// @param newOwner The new owner: an EOA or an ERC-1271 contract, never zero nor the wallet.
    function changeOwner(address newOwner) external;

    /// @notice Adds `key` to the wallet's key set. Owner or self only. A wallet owned by one address
    ///         becomes owned by the key set {that address, `key`} with threshold 1.
    /// @param key An ERC-7913 signer: a 20-byte address (an EOA or an ERC-1271 contract), or a
    ///        verifier's address followed by a public key (64 bytes `x ‖ y` for P-256 and WebAuthn).
    function enrollSigner(bytes calldata key) external;

    /// @notice Removes `key` from the key set. Owner or self only. Refused when fewer keys than the
    ///         threshold would remain; the last key can never go.
    function unregisterSigner(bytes calldata key) external;

    /// @notice Sets how many distinct keys of the set must sign. Owner or self only.
    /// @param threshold At least 1, at most the number of keys.
    function setSigningThreshold(uint256 threshold) external;

    /// @notice Replaces whoever owns the wallet (one address or a key set) by the key set `keys`
    ///         with `threshold`. Owner or self only; the factory calls it to create a key-set wallet.
    /// @param keys Distinct keys, at most 32.
    /// @param threshold At least 1, at most `keys.length`.
    function handToKeySet(bytes[] calldata keys, uint256 threshold) external;

    /// @notice Lets `module` validate intents for this wallet. Owner or self only.
    /// @param module A contract implementing `IIntentValidator`.
    function installModule(address module) external;

    /// @notice Stops `module` from validating intents for this wallet. Owner or self only.
    /// @param module An installed module.
    function uninstallModule(address module) external;

    /// @notice Moves the module epoch, which the wallet gives validator modules with every intent
    ///         they validate: a module binds what it authorizes to it (the session module's grants
    ///         sign it), so moving it voids all of that at once. The owner, the wallet itself, or an
    ///         installed module (the session module's `revokeAllSessions`) may call it.
    /// @return epoch The new module epoch.
    function advanceModuleEpoch() external returns (uint256 epoch);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The intent ID of `intent` on this wallet, chain and current epoch.
    function intentId(Intent calldata intent) external view returns (bytes32);

    /// @notice The receipt of intent `id` (all zero if it was never relayed nor canceled).
    function intentReceipt(bytes32 id) external view returns (IntentReceipt memory);

    /// @notice What became of intent `id`; the cheap read that dependencies use.
    function intentStatus(bytes32 id) external view returns (IntentStatus);

    /// @notice The wallet's owner: the first owner, written in the wallet's code at deployment,
    ///         until `changeOwner` sets another. The zero address on the implementation and on a
    ///         wallet owned by a key set.
    function owner() external view returns (address);

    /// @notice The keys that may sign for the wallet and how many of them must: for a wallet owned
    ///         by one address, that address (20 bytes) and 1.
    function listKeys() external view returns (bytes[] memory keys, uint256 threshold);

    /// @notice The ERC-7913 verifiers that P-256 keys and WebAuthn passkeys of a key set name:
    ///         OpenZeppelin's `ERC7913P256Verifier` and the wallet's `PasskeyVerifier`, deployed by
    ///         the implementation's constructor (its CREATE nonces 1 and 2). A passkey's key is
    ///         `webAuthn ‖ x ‖ y`; wallets check passkeys naming it themselves where the chain has
    ///         the P-256 precompile.
    function passkeyVerifiers() external view returns (address p256, address webAuthn);

    /// @notice Whether `signature` is the owner's signature of `digest` itself (not of
    ///         `replaySafeHash`): the owner's 65 bytes or ERC-1271 bytes, or key-set entries reaching
    ///         the threshold. For digests already bound to this wallet, such as session grants.
    function isOwnerAuthorized(bytes32 digest, bytes calldata signature) external view returns (bool);

    /// @notice The current intent epoch: the salt of the intents' EIP-712 domain.
    function intentEpoch() external view returns (uint256);

    /// @notice The current module epoch (see `advanceModuleEpoch`).
    function moduleEpoch() external view returns (uint256);

    /// @notice The intents' EIP-712 domain separator at the current epoch.
    function domainSeparator() external view returns (bytes32);

    /// @notice Whether `module` may validate intents for this wallet.
    function isModuleInstalled(address module) external view returns (bool);

    /// @notice The EIP-712 hash the owner signs so that this wallet accepts `hash` through ERC-1271.
    function replaySafeHash(bytes32 hash) external view returns (bytes32);
}
