// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC7913P256Verifier} from "@openzeppelin/contracts/utils/cryptography/verifiers/ERC7913P256Verifier.sol";
import {PasskeyVerifier} from "./verifiers/PasskeyVerifier.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {KeySetAdmin} from "./KeySetAdmin.sol";
import {IIntentValidator} from "./interfaces/IIntentValidator.sol";
import {IIntentWallet} from "./interfaces/IIntentWallet.sol";
import {AbiIntent} from "./libraries/AbiIntent.sol";
import {BoundedReturnData} from "./libraries/BoundedReturnData.sol";
import {Call, Dependency, Intent, IntentHashing} from "./libraries/IntentHashing.sol";
import {IntentWalletStorage, WalletStorage} from "./libraries/IntentWalletStorage.sol";
import {OwnerKeySignatures} from "./libraries/OwnerKeySignatures.sol";
import {PackedIntent} from "./libraries/PackedIntent.sol";

/// @title IntentWallet
/// @notice A smart account that executes signed intents by ID, relayed by anyone. Deployed as
///         ERC-1167 clones of one implementation by `WalletFactory`, each with its first owner
///         in its code; owned by that owner, another one address, or a key set with a threshold.
/// @dev State lives in ERC-7201 namespaced storage. A relay reads two slots, the header (intent
///      epoch, module count, one cached module, module epoch) and the intent's receipt, and writes
///      the receipt once. Every call of an intent is a plain CALL made by the wallet, and it has no
///      SELFDESTRUCT. Its only DELEGATECALL runs `KeySetAdmin`, deployed by the implementation's
///      constructor, for owner changes and key management, after the caller was checked.
contract IntentWallet is IIntentWallet, IERC1271, IERC721Receiver, IERC1155Receiver {
    using EnumerableSet for EnumerableSet.BytesSet;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The most revert data of one call kept in `WalletCallReverted` and `IntentFailed`.
    uint256 public constant MAX_REVERT_DATA = 256;

    /// @dev First byte of a relay signature: the owner signed the ID.
    bytes1 private constant SIGNED_BY_OWNER = 0x00;

    /// @dev First byte of a relay signature: an installed validator module decides.
    bytes1 private constant SIGNED_BY_MODULE = 0x01;

    /// @dev First byte of a relay signature: keys of the wallet's key set signed the ID.
    bytes1 private constant SIGNED_BY_KEYS = 0x02;

    /// @dev Who owns the wallet (see `IntentWalletStorage`).
    uint8 private constant OWNER_IN_CODE = IntentWalletStorage.OWNER_IN_CODE;
    uint8 private constant OWNER_CHANGED = IntentWalletStorage.OWNER_CHANGED;
    uint8 private constant OWNER_KEYS = IntentWalletStorage.OWNER_KEYS;

    /// @dev Most a CALL can charge before EIP-150's 63/64 split: cold account (2,600), value
    ///      transfer (9,000) and new account (25,000); plus a margin for the opcodes between the
    ///      gas check and the CALL.
    uint256 private constant CALL_COST_WITHOUT_VALUE = 2_600 + 1_000;
    uint256 private constant CALL_COST_WITH_VALUE = CALL_COST_WITHOUT_VALUE + 9_000 + 25_000;

    /// @dev A failed call was starved when less than 1/STARVED_DIVISOR of the gas there was before
    ///      it is left after it: it used nearly all it was given (at any depth up to about 8
    ///      nested calls, each keeping 1/64), so more gas could have changed its fate. A call that
    ///      fails on its own with at least 7/6 of what it uses is never taken for starved.
    uint256 private constant STARVED_DIVISOR = 7;

    /// @dev ERC-1271's magic value for a valid signature, and the value for an invalid one.
    bytes4 private constant ERC1271_VALID = IERC1271.isValidSignature.selector;
    bytes4 private constant ERC1271_INVALID = 0xffffffff;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev What a relay needs of the header slot, each number widened to a word: reading it in
    ///      memory then needs no cleanup (a few gas per read on every relay).
    struct Header {
        uint256 epoch;
        uint256 ownerMode;
        uint256 moduleCount;
        address cachedModule;
        uint256 moduleEpoch;
    }

    /// @dev Where the first owner sits in a wallet's code: right after the 45 bytes of the ERC-1167
    ///      proxy, as `WalletFactory` deploys it (OpenZeppelin's `Clones` with immutable arguments).
    uint256 private constant CLONE_OWNER_OFFSET = 0x2d;

    /// @dev The implementation's own address: on it, there is no owner and nothing can be authorized.
    address private immutable _implementation;

    /// @dev The deployment's ERC-7913 verifiers for P-256 keys and passkeys (see `OwnerKeySignatures`).
    address private immutable _p256Verifier;
    address private immutable _webAuthnVerifier;

    /// @dev The code of owner changes and key management, run with DELEGATECALL (see `KeySetAdmin`).
    address private immutable _keySetAdmin;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTION
    //////////////////////////////////////////////////////////////*/

    /// @dev Locks the implementation: it has no owner, so it can never be used as a wallet. Clones
    ///      delegate to it with their own storage and their owner in their own code. Deploys the
    ///      two ERC-7913 verifiers that key sets name for P-256 keys (OpenZeppelin's) and passkeys
    ///      (`PasskeyVerifier`), at the implementation's CREATE addresses of nonces 1 and 2:
    ///      wherever the implementation is, they are. Then `KeySetAdmin` (nonce 3), the owner
    ///      changes' code that wallets run on their storage.
    constructor() {
        _implementation = address(this);
        address p256Verifier = address(new ERC7913P256Verifier());
        address webAuthnVerifier = address(new PasskeyVerifier());
        (_p256Verifier, _webAuthnVerifier) = (p256Verifier, webAuthnVerifier);
        _keySetAdmin = address(new KeySetAdmin(p256Verifier, webAuthnVerifier));
    }

    /// @notice Accepts ETH.
    receive() external payable {}

    /*//////////////////////////////////////////////////////////////
                               RELAYING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIntentWallet
    function relay(Intent calldata intent, bytes calldata signature) external returns (bool success) {
        return _relay(AbiIntent.read(intent), signature);
    }

    /// @inheritdoc IIntentWallet
    function relayPacked() external returns (bool success) {
        (Intent memory intent, bytes calldata signature) = PackedIntent.decode(msg.data[4:]);
        return _relay(intent, signature);
    }

    /// @inheritdoc IIntentWallet
    function cancelIntents(bytes32[] calldata ids) external onlyOwnerOrSelf {
        mapping(bytes32 => IntentReceipt) storage receipts = _storage().receipts;
        for (uint256 i; i < ids.length; ++i) {
            IntentStatus status = receipts[ids[i]].status;
            if (status == IntentStatus.Canceled) continue;
            if (status != IntentStatus.None) revert IntentAlreadyRelayed(ids[i]);
            _writeReceipt(receipts[ids[i]], IntentStatus.Canceled);
            emit IntentCanceled(ids[i]);
        }
    }

    /// @inheritdoc IIntentWallet
    function invalidateAllIntents() external onlyOwnerOrSelf {
        WalletStorage storage $ = _storage();
        if ($.epoch == type(uint32).max) revert WalletEpochExhausted($.epoch);
        uint32 epoch = $.epoch + 1;
        $.epoch = epoch;
        emit IntentsInvalidated(epoch);
    }

    /// @inheritdoc IIntentWallet
    function execute(Call[] calldata calls) external payable onlyOwnerOrSelf {
        for (uint256 i; i < calls.length; ++i) {
            if (!_call(calls[i].to, calls[i].value, calls[i].data, gasleft())) {
                revert WalletCallReverted(i, BoundedReturnData.copy(MAX_REVERT_DATA));
            }
        }
    }

    /// @inheritdoc IIntentWallet
    function executeIntentBatch(Call[] calldata calls, uint256 minGasLimit) external {
        if (msg.sender != address(this)) revert WalletUnauthorized(msg.sender);
        for (uint256 i; i < calls.length; ++i) {
            Call calldata entry = calls[i];
            // Only the first call is promised `minGasLimit`; every call is guarded against starvation.
            uint256 promised = i == 0 ? minGasLimit : 0;
            (bool ok, bool starved) = _guardedCall(bytes32(0), entry.to, entry.value, entry.data, promised);
            if (starved) revert IntentInsufficientGas(bytes32(0), minGasLimit, gasleft());
            if (!ok) revert WalletCallReverted(i, BoundedReturnData.copy(MAX_REVERT_DATA));
        }
    }

    /*//////////////////////////////////////////////////////////////
                          OWNER AND MODULES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIntentWallet
    function changeOwner(address) external onlyOwnerOrSelf {
        _runKeySetAdmin();
    }

    /// @inheritdoc IIntentWallet
    function enrollSigner(bytes calldata) external onlyOwnerOrSelf {
        _runKeySetAdmin();
    }

    /// @inheritdoc IIntentWallet
    function unregisterSigner(bytes calldata) external onlyOwnerOrSelf {
        _runKeySetAdmin();
    }

    /// @inheritdoc IIntentWallet
    function setSigningThreshold(uint256) external onlyOwnerOrSelf {
        _runKeySetAdmin();
    }

    /// @inheritdoc IIntentWallet
    function handToKeySet(bytes[] calldata, uint256) external onlyOwnerOrSelf {
        _runKeySetAdmin();
    }

    /// @inheritdoc IIntentWallet
    function installModule(address module) external onlyOwnerOrSelf {
        if (module == address(this) || module.code.length == 0) revert WalletInvalidModule(module);
        WalletStorage storage $ = _storage();
        if ($.modules[module]) revert WalletModuleAlreadyInstalled(module);
        $.modules[module] = true;
        $.moduleCount += 1;
        if ($.cachedModule == address(0)) $.cachedModule = module;
        emit ModuleInstalled(module);
    }

    /// @inheritdoc IIntentWallet
    function uninstallModule(address module) external onlyOwnerOrSelf {
        WalletStorage storage $ = _storage();
        if (!$.modules[module]) revert WalletModuleNotInstalled(module);
        delete $.modules[module];
        $.moduleCount -= 1;
        if ($.cachedModule == module) $.cachedModule = address(0);
        emit ModuleUninstalled(module);
    }

    /// @inheritdoc IIntentWallet
    function advanceModuleEpoch() external returns (uint256 epoch) {
        WalletStorage storage $ = _storage();
        if (!$.modules[msg.sender]) _checkOwnerOrSelf();
        if ($.moduleEpoch == type(uint32).max) revert WalletEpochExhausted($.moduleEpoch);
        epoch = $.moduleEpoch + 1;
        $.moduleEpoch = uint32(epoch);
        emit ModuleEpochAdvanced(epoch);
    }

    /// @dev Only the owner, or the wallet itself while it runs an owner-signed intent or `execute`.
    ///      Module-validated intents can never call the wallet (see `_checkModuleTargets`).
    modifier onlyOwnerOrSelf() {
        _checkOwnerOrSelf();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIntentWallet
    function intentId(Intent calldata intent) external view returns (bytes32) {
        return _intentId(_storage().epoch, AbiIntent.read(intent));
    }

    /// @inheritdoc IIntentWallet
    function intentReceipt(bytes32 id) external view returns (IntentReceipt memory) {
        return _storage().receipts[id];
    }

    /// @inheritdoc IIntentWallet
    function intentStatus(bytes32 id) external view returns (IntentStatus) {
        return _storage().receipts[id].status;
    }

    /// @inheritdoc IIntentWallet
    function owner() external view returns (address) {
        return address(this) == _implementation ? address(0) : _owner();
    }

    /// @inheritdoc IIntentWallet
    function passkeyVerifiers() external view returns (address p256, address webAuthn) {
        return (_p256Verifier, _webAuthnVerifier);
    }

    /// @inheritdoc IIntentWallet
    function listKeys() external view returns (bytes[] memory keys, uint256 threshold) {
        WalletStorage storage $ = _storage();
        if ($.ownerMode == OWNER_KEYS) return ($.keys.values(), $.keyThreshold);
        if (address(this) == _implementation) return (keys, 0);
        keys = new bytes[](1);
        keys[0] = abi.encodePacked(_owner());
        return (keys, 1);
    }

    /// @inheritdoc IIntentWallet
    function isOwnerAuthorized(bytes32 digest, bytes calldata signature) public view returns (bool) {
        if (address(this) == _implementation) return false;
        if (_storage().ownerMode == OWNER_KEYS)
            return _checkKeys(digest, signature).outcome == OwnerKeySignatures.Outcome.Authorized;
        return _isOwnerSignature(_owner(), digest, signature);
    }

    /// @inheritdoc IIntentWallet
    function intentEpoch() external view returns (uint256) {
        return _storage().epoch;
    }

    /// @inheritdoc IIntentWallet
    function moduleEpoch() external view returns (uint256) {
        return _storage().moduleEpoch;
    }

    /// @inheritdoc IIntentWallet
    function domainSeparator() external view returns (bytes32) {
        return IntentHashing.domainSeparator(address(this), _storage().epoch);
    }

    /// @inheritdoc IIntentWallet
    function isModuleInstalled(address module) external view returns (bool) {
        return _storage().modules[module];
    }

    /// @inheritdoc IIntentWallet
    function replaySafeHash(bytes32 hash) public view returns (bytes32) {
        return IntentHashing.replaySafeHash(address(this), hash);
    }

    /// @notice ERC-1271: whether the owner signed `replaySafeHash(hash)`, a key set at its
    ///         threshold. Modules are never asked, so session keys can never sign messages (permits,
    ///         orders) in the wallet's name.
    /// @param hash The hash an app wants the wallet to have signed.
    /// @param signature The owner's signature of `replaySafeHash(hash)`, or a key set's entries
    ///        (see `OwnerKeySignatures`), without a kind byte.
    /// @return `0x1626ba7e` if valid, `0xffffffff` otherwise.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return isOwnerAuthorized(replaySafeHash(hash), signature) ? ERC1271_VALID : ERC1271_INVALID;
    }

    /// @notice ERC-165: the wallet answers for ERC-165, ERC-1271, ERC-721 and ERC-1155 receiving.
    /// @param interfaceId The interface asked about.
    /// @return Whether the wallet implements it.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC165).interfaceId ||
            interfaceId == type(IERC1271).interfaceId ||
            interfaceId == type(IERC721Receiver).interfaceId ||
            interfaceId == type(IERC1155Receiver).interfaceId ||
            interfaceId == type(IIntentWallet).interfaceId;
    }

    /*//////////////////////////////////////////////////////////////
                            TOKEN RECEIVING
    //////////////////////////////////////////////////////////////*/

    /// @notice Accepts ERC-721 tokens sent with `safeTransferFrom`.
    /// @return The ERC-721 receiver magic value.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    /// @notice Accepts ERC-1155 tokens sent with `safeTransferFrom`.
    /// @return The ERC-1155 single-receive magic value.
    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC1155Receiver.onERC1155Received.selector;
    }

    /// @notice Accepts ERC-1155 tokens sent with `safeBatchTransferFrom`.
    /// @return The ERC-1155 batch-receive magic value.
    function onERC1155BatchReceived(
        address,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external pure returns (bytes4) {
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    /*//////////////////////////////////////////////////////////////
                         INTERNAL: RELAY STEPS
    //////////////////////////////////////////////////////////////*/

    /// @dev Relays `intent`, decoded from either form: the ID, the checks before any call (each
    ///      with its own error), the receipt written before a module or a call can run, the calls.
    function _relay(Intent memory intent, bytes calldata signature) private returns (bool success) {
        Header memory header = _header();
        bytes32 id = _intentId(header.epoch, intent);
        IntentReceipt storage receipt = _storage().receipts[id];
        _checkRelayable(receipt, id, intent);
        // Consume the ID before a validator module is called: nothing it calls can relay it again.
        // Any failed check below reverts this write with everything else.
        _writeReceipt(receipt, IntentStatus.Succeeded);
        if (_checkSignature(header, id, intent.calls, signature)) _checkModuleTargets(header, id, intent.calls);
        _checkDependencies(id, intent.dependencies);
        success = _executeIntent(id, intent.calls, intent.minGasLimit);
        if (!success) receipt.status = IntentStatus.Failed;
        emit IntentRelayed(id, msg.sender, success);
    }

    /// @dev The ID of `intent` at `epoch`.
    function _intentId(uint256 epoch, Intent memory intent) private view returns (bytes32) {
        return IntentHashing.intentId(IntentHashing.domainSeparator(address(this), epoch), intent);
    }

    /// @dev Status, calls, time window and gas price: the checks that need no external call.
    function _checkRelayable(IntentReceipt storage receipt, bytes32 id, Intent memory intent) private view {
        IntentStatus status = receipt.status;
        if (status == IntentStatus.Canceled) revert IntentIsCanceled(id);
        if (status != IntentStatus.None) revert IntentAlreadyRelayed(id);
        if (intent.calls.length == 0) revert IntentHasNoCalls(id);
        if (block.timestamp < intent.validAfter) revert IntentNotYetValid(id, intent.validAfter);
        if (block.timestamp >= intent.expiration) revert IntentExpired(id, intent.expiration);
        if (tx.gasprice > intent.maxGasPrice) revert IntentGasPriceTooHigh(id, tx.gasprice, intent.maxGasPrice);
        if (intent.minGasLimit > type(uint64).max) revert IntentInsufficientGas(id, intent.minGasLimit, gasleft());
    }

    /// @dev Reverts unless `signature` authorizes `id`; returns whether a module authorized it.
    function _checkSignature(
        Header memory header,
        bytes32 id,
        Call[] memory calls,
        bytes calldata signature
    ) private returns (bool byModule) {
        if (signature.length != 0 && signature[0] == SIGNED_BY_OWNER) {
            if (!_isOwnerSignature(_ownerOf(header), id, signature[1:])) revert IntentInvalidSignature(id);
            return false;
        }
        if (signature.length < 21 || signature[0] != SIGNED_BY_MODULE) {
            _checkKeySetSignature(header, id, signature);
            return false;
        }
        _checkModuleSignature(header, id, calls, address(bytes20(signature[1:21])), signature[21:]);
        return true;
    }

    /// @dev Reverts unless `signature` is a key-set signature (`0x02 ‖ entries`) of a wallet owned by
    ///      a key set that authorizes `id`; apart, so that the other kinds' paths stay as they were.
    function _checkKeySetSignature(Header memory header, bytes32 id, bytes calldata signature) private view {
        if (signature.length == 0 || signature[0] != SIGNED_BY_KEYS || header.ownerMode != OWNER_KEYS) {
            revert IntentInvalidSignature(id);
        }
        _checkKeySignatures(id, signature[1:]);
    }

    /// @dev Reverts unless `module` is installed and authorizes `id` given `data`.
    function _checkModuleSignature(
        Header memory header,
        bytes32 id,
        Call[] memory calls,
        address module,
        bytes calldata data
    ) private {
        bool installed = module == header.cachedModule ? module != address(0) : _storage().modules[module];
        if (!installed) revert WalletModuleNotInstalled(module);
        bytes4 magic = IIntentValidator(module).validateIntent(id, calls, data, header.moduleEpoch);
        if (magic != IIntentValidator.validateIntent.selector) revert IntentInvalidSignature(id);
    }

    /// @dev Whether the owner signed `hash`: ECDSA first (no read of the owner's code), then
    ///      ERC-1271 when the owner is a contract.
    function _isOwnerSignature(address signer, bytes32 hash, bytes calldata signature) private view returns (bool) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == signer) return true;
        // A delegated EOA is its own owner: its code is this code, not a signer to ask.
        return
            signer != address(this) &&
            signer.code.length != 0 &&
            SignatureChecker.isValidERC1271SignatureNowCalldata(signer, hash, signature);
    }

    /// @dev Reverts, with the error of the first failure, unless keys of the set at the threshold
    ///      signed intent `id`.
    function _checkKeySignatures(bytes32 id, bytes calldata signature) private view {
        OwnerKeySignatures.Verdict memory verdict = _checkKeys(id, signature);
        OwnerKeySignatures.Outcome outcome = verdict.outcome;
        if (outcome == OwnerKeySignatures.Outcome.Authorized) return;
        if (outcome == OwnerKeySignatures.Outcome.KeySignatureInvalid)
            revert IntentKeySignatureInvalid(id, verdict.key);
        if (outcome == OwnerKeySignatures.Outcome.KeyNotInSet) revert IntentKeyNotInSet(id, verdict.key);
        if (outcome == OwnerKeySignatures.Outcome.KeyRepeated) revert IntentKeyRepeated(id, verdict.key);
        if (outcome == OwnerKeySignatures.Outcome.BelowThreshold) {
            revert IntentBelowThreshold(id, verdict.signatures, _storage().keyThreshold);
        }
        revert IntentInvalidSignature(id);
    }

    /// @dev What the key set's check finds of `signature` for `hash`.
    function _checkKeys(
        bytes32 hash,
        bytes calldata signature
    ) private view returns (OwnerKeySignatures.Verdict memory) {
        WalletStorage storage $ = _storage();
        return OwnerKeySignatures.check($.keys, $.keyThreshold, hash, signature, _webAuthnVerifier);
    }

    /// @dev A module-validated intent may not call the wallet itself (owner change, module change,
    ///      cancel) nor any installed module (its own grants, other modules' state). With one module
    ///      installed and cached in the header, that is two comparisons per call and no read.
    function _checkModuleTargets(Header memory header, bytes32 id, Call[] memory calls) private view {
        mapping(address => bool) storage modules = _storage().modules;
        bool onlyCached = header.moduleCount == 1 && header.cachedModule != address(0);
        for (uint256 i; i < calls.length; ++i) {
            address target = calls[i].to;
            bool isModule = onlyCached ? target == header.cachedModule : modules[target];
            if (target == address(this) || isModule) revert IntentTargetForbidden(id, target);
        }
    }

    /// @dev Every dependency must have been relayed successfully, on this wallet or on another.
    function _checkDependencies(bytes32 id, Dependency[] memory dependencies) private view {
        for (uint256 i; i < dependencies.length; ++i) {
            (address wallet, bytes32 dependencyId) = (dependencies[i].wallet, dependencies[i].id);
            if (!_hasSucceeded(wallet, dependencyId)) revert IntentDependencyNotMet(id, wallet, dependencyId);
        }
    }

    /// @dev Whether intent `id` succeeded on `wallet`. A `wallet` without code, or one that does
    ///      not answer `intentStatus` with exactly one word, has no successful intents; at most
    ///      one word of its answer is copied.
    function _hasSucceeded(address wallet, bytes32 id) private view returns (bool succeeded) {
        if (wallet == address(this)) return _storage().receipts[id].status == IntentStatus.Succeeded;
        bytes4 selector = IIntentWallet.intentStatus.selector;
        assembly ("memory-safe") {
            mstore(0, selector) // intentStatus(id) in scratch space
            mstore(4, id)
            let ok := staticcall(gas(), wallet, 0, 0x24, 0, 0)
            if and(ok, eq(returndatasize(), 0x20)) {
                returndatacopy(0, 0, 0x20) // the answer word
                succeeded := eq(mload(0), 1) // IntentStatus.Succeeded
            }
        }
    }

    /// @dev Runs the calls under the gas guard: one call directly, a batch through
    ///      `executeIntentBatch` on the wallet itself, so that a failing call undoes the earlier
    ///      ones. Reverts with `IntentInsufficientGas` when the calls could not get `minGasLimit`
    ///      or failed starved; otherwise a failure emits `IntentFailed` (the caller marks the
    ///      receipt `Failed`).
    function _executeIntent(bytes32 id, Call[] memory calls, uint256 minGasLimit) private returns (bool success) {
        bool starved;
        if (calls.length == 1) {
            Call memory only = calls[0];
            (success, starved) = _guardedCall(id, only.to, only.value, only.data, minGasLimit);
        } else {
            bytes memory batch = abi.encodeCall(IIntentWallet.executeIntentBatch, (calls, minGasLimit));
            (success, starved) = _guardedCall(id, address(this), 0, batch, 0);
            // The batch frame reverts with IntentInsufficientGas when a call in it was starved.
            starved = starved || (!success && _returnedSelector() == IntentInsufficientGas.selector);
        }
        if (starved) revert IntentInsufficientGas(id, minGasLimit, gasleft());
        if (!success) _emitFailure(id, calls.length == 1);
    }

    /// @dev Calls `target` with all the gas there is, after checking that it gets at least
    ///      `minGasLimit` (EIP-150 keeps 1/64 back), else reverts with `IntentInsufficientGas(id,
    ///      minGasLimit, gas left at the check)`. `starved` when it failed having used nearly all it
    ///      got (see `STARVED_DIVISOR`): then more gas might have let it succeed, and the caller must
    ///      revert rather than record a failure.
    function _guardedCall(
        bytes32 id,
        address target,
        uint256 value,
        bytes memory data,
        uint256 minGasLimit
    ) private returns (bool ok, bool starved) {
        uint256 required;
        // minGasLimit < 2^64 (checked in `_checkRelayable`): no overflow.
        unchecked {
            required = minGasLimit + minGasLimit / 63 + (value == 0 ? CALL_COST_WITHOUT_VALUE : CALL_COST_WITH_VALUE);
        }
        uint256 gasBefore = gasleft();
        if (gasBefore < required) revert IntentInsufficientGas(id, minGasLimit, gasBefore);
        ok = _call(target, value, data, gasBefore);
        starved = !ok && gasleft() < gasBefore / STARVED_DIVISOR;
    }

    /// @dev The first four bytes of the last call's return data (zero if shorter).
    function _returnedSelector() private pure returns (bytes4 selector) {
        assembly ("memory-safe") {
            if gt(returndatasize(), 3) {
                returndatacopy(0, 0, 4) // into scratch space
                selector := and(mload(0), shl(224, 0xffffffff))
            }
        }
    }

    /// @dev Emits why intent `id` failed. A single call's revert data is wrapped as the batch path
    ///      wraps it, so `reason` is always `WalletCallReverted(index, data)`.
    function _emitFailure(bytes32 id, bool single) private {
        bytes memory reason =
            single
                ? abi.encodeWithSelector(WalletCallReverted.selector, 0, BoundedReturnData.copy(MAX_REVERT_DATA))
                : BoundedReturnData.copy(MAX_REVERT_DATA + 100); // room for the WalletCallReverted wrapping
        emit IntentFailed(id, reason);
    }

    /// @dev Writes a receipt in one SSTORE: `status`, `msg.sender`, this block.
    function _writeReceipt(IntentReceipt storage receipt, IntentStatus status) private {
        // The struct's packing: status in bits 0-7, relayer in bits 8-167, block number above.
        uint256 word = uint256(status) | (uint256(uint160(msg.sender)) << 8) | (block.number << 168);
        assembly ("memory-safe") {
            sstore(receipt.slot, word)
        }
    }

    /*//////////////////////////////////////////////////////////////
                        INTERNAL: LOW-LEVEL HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A plain CALL with `gasLimit` (capped by EIP-150 at 63/64 of what is left) that copies
    ///      no return data, so a callee cannot make the wallet pay for a huge return buffer.
    function _call(address target, uint256 value, bytes memory data, uint256 gasLimit) private returns (bool ok) {
        assembly ("memory-safe") {
            ok := call(gasLimit, target, value, add(data, 0x20), mload(data), 0, 0)
        }
    }

    /// @dev Reverts with `WalletUnauthorized` unless the caller is the owner or the wallet itself;
    ///      under a key set, one of its addresses when the threshold is 1.
    function _checkOwnerOrSelf() private view {
        if (msg.sender == address(this) || msg.sender == _owner()) return;
        WalletStorage storage $ = _storage();
        bool soleKey = $.ownerMode == OWNER_KEYS && $.keyThreshold == 1;
        if (!soleKey || !$.keys.contains(abi.encodePacked(msg.sender))) revert WalletUnauthorized(msg.sender);
    }

    /// @dev Runs the calling function in `KeySetAdmin`, on this wallet's storage, with the
    ///      current owner appended to the calldata; returns nothing, or bubbles its revert.
    function _runKeySetAdmin() private {
        address admin = _keySetAdmin;
        address currentOwner = _owner();
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, 0, calldatasize())
            mstore(add(data, calldatasize()), shl(96, currentOwner))
            if iszero(delegatecall(gas(), admin, data, add(calldatasize(), 20), 0, 0)) {
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
        }
    }

    /// @dev The owner (see `_ownerOf`).
    function _owner() private view returns (address) {
        return _ownerOf(_header());
    }

    /// @dev The owner: the first owner, read from the clone's own code (20 bytes after the proxy),
    ///      so an unchanged owner costs no storage read; or the one `changeOwner` set; or none
    ///      (the zero address) under a key set. An EOA that delegates to the implementation
    ///      (EIP-7702) has only its 23-byte delegation as code, nothing where a clone's owner sits
    ///      (factory clones never have a zero owner): it is its own owner, from its first use, with
    ///      nothing to initialize. Reverts on the implementation, which has no owner.
    function _ownerOf(Header memory header) private view returns (address current) {
        if (address(this) == _implementation) revert WalletImplementationLocked();
        if (header.ownerMode != OWNER_IN_CODE) {
            return header.ownerMode == OWNER_CHANGED ? _storage().changedOwner : address(0);
        }
        assembly ("memory-safe") {
            extcodecopy(address(), 0, CLONE_OWNER_OFFSET, 20)
            current := shr(96, mload(0))
            current := or(current, mul(iszero(current), address()))
        }
    }

    /// @dev The header slot, read with one SLOAD; the shifts follow `WalletStorage`'s packing.
    function _header() private view returns (Header memory header) {
        uint256 word;
        WalletStorage storage $ = _storage();
        assembly ("memory-safe") {
            word := sload($.slot)
        }
        header.epoch = uint32(word);
        header.ownerMode = uint8(word >> 32);
        header.moduleCount = uint16(word >> 40);
        header.cachedModule = address(uint160(word >> 56));
        header.moduleEpoch = uint32(word >> 216);
    }

    /// @dev The wallet's ERC-7201 storage.
    function _storage() private pure returns (WalletStorage storage) {
        return IntentWalletStorage.load();
    }
}
