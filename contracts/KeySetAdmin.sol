// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IIntentWallet} from "./interfaces/IIntentWallet.sol";
import {IntentWalletStorage, WalletStorage} from "./libraries/IntentWalletStorage.sol";
import {OwnerKeySignatures} from "./libraries/OwnerKeySignatures.sol";

/// @title KeySetAdmin
/// @notice The owner changes of an IntentWallet: `changeOwner` and the key set's management. The
///         wallet runs this code on its own storage with DELEGATECALL, after it checked the caller
///         (its owner, or itself), so that this rarely used code does not weigh on every relay's
///         contract. The implementation deploys it; it refuses to run in its own context.
/// @dev The wallet forwards its calldata unchanged, with its current owner appended (20 bytes):
///      the owner lives partly in the clone's code, which only the wallet reads.
contract KeySetAdmin {
    using EnumerableSet for EnumerableSet.BytesSet;

    /// @dev The most keys a key set holds: 32.
    uint256 private constant MAX_OWNER_KEYS = OwnerKeySignatures.MAX_ENTRIES;

    /// @dev The longest key a key set accepts, 1,044 bytes: a verifier and a public key of up to
    ///      1,024 bytes (an RSA key fits).
    uint256 private constant MAX_KEY_LENGTH = 20 + 1024;

    /// @dev Bytes of an EIP-7702 delegation, an EOA's code: `0xef0100 ‖ address`.
    uint256 private constant DELEGATION_LENGTH = 23;

    /// @dev This contract's own address: it runs only in a wallet's context.
    address private immutable _self;

    /// @dev The deployment's ERC-7913 verifiers for P-256 keys and passkeys.
    address private immutable _p256Verifier;
    address private immutable _webAuthnVerifier;

    /// @notice Called directly, not by a wallet's DELEGATECALL.
    error KeySetAdminNotDelegated();

    /// @param p256Verifier The deployment's verifier of raw P-256 keys.
    /// @param webAuthnVerifier The deployment's verifier of passkeys.
    constructor(address p256Verifier, address webAuthnVerifier) {
        (_self, _p256Verifier, _webAuthnVerifier) = (address(this), p256Verifier, webAuthnVerifier);
    }

    /// @dev Only in a wallet's context, where the wallet checked the caller.
    modifier onlyDelegated() {
        if (address(this) == _self) revert KeySetAdminNotDelegated();
        _;
    }

    /// @notice See `IIntentWallet.changeOwner`.
    function changeOwner(address newOwner) external onlyDelegated {
        if (newOwner == address(0) || newOwner == address(this)) revert IIntentWallet.WalletInvalidOwner(newOwner);
        WalletStorage storage $ = IntentWalletStorage.load();
        address previousOwner = _currentOwner(); // zero for a key set
        _clearKeys($);
        ($.ownerMode, $.changedOwner) = (IntentWalletStorage.OWNER_CHANGED, newOwner);
        emit IIntentWallet.OwnerChanged(previousOwner, newOwner);
    }

    /// @notice See `IIntentWallet.enrollSigner`.
    function enrollSigner(bytes calldata key) external onlyDelegated {
        WalletStorage storage $ = _keySet();
        _addKey($, key);
    }

    /// @notice See `IIntentWallet.unregisterSigner`.
    function unregisterSigner(bytes calldata key) external onlyDelegated {
        WalletStorage storage $ = _keySet();
        if (!$.keys.remove(key)) revert IIntentWallet.WalletKeyNotFound(key);
        _checkThreshold($.keyThreshold, $.keys.length());
        emit IIntentWallet.OwnerKeyRemoved(key);
    }

    /// @notice See `IIntentWallet.setSigningThreshold`.
    function setSigningThreshold(uint256 threshold) external onlyDelegated {
        _setThreshold(_keySet(), threshold);
    }

    /// @notice See `IIntentWallet.handToKeySet`.
    function handToKeySet(bytes[] calldata keys, uint256 threshold) external onlyDelegated {
        WalletStorage storage $ = IntentWalletStorage.load();
        _clearKeys($);
        $.ownerMode = IntentWalletStorage.OWNER_KEYS;
        for (uint256 i; i < keys.length; ++i) _addKey($, keys[i]);
        _setThreshold($, threshold);
    }

    /// @dev The wallet's state, its one-address owner first made the key set {owner} with
    ///      threshold 1 when it has no key set yet.
    function _keySet() private returns (WalletStorage storage $) {
        $ = IntentWalletStorage.load();
        if ($.ownerMode == IntentWalletStorage.OWNER_KEYS) return $;
        bytes memory ownerKey = abi.encodePacked(_currentOwner());
        ($.ownerMode, $.keyThreshold) = (IntentWalletStorage.OWNER_KEYS, 1);
        $.keys.add(ownerKey);
        emit IIntentWallet.OwnerKeyAdded(ownerKey);
        emit IIntentWallet.OwnerThresholdChanged(1);
    }

    /// @dev Adds `key` to the set, checked.
    function _addKey(WalletStorage storage $, bytes calldata key) private {
        OwnerKeySignatures.Verifiers memory verifiers = OwnerKeySignatures.Verifiers({
            p256: _p256Verifier,
            webAuthn: _webAuthnVerifier
        });
        if (!OwnerKeySignatures.isValidKey(key, _unsignableSelf(), verifiers, MAX_KEY_LENGTH)) {
            revert IIntentWallet.WalletInvalidKey(key);
        }
        if ($.keys.length() == MAX_OWNER_KEYS) revert IIntentWallet.WalletTooManyKeys(MAX_OWNER_KEYS);
        if (!$.keys.add(key)) revert IIntentWallet.WalletKeyAlreadyAdded(key);
        emit IIntentWallet.OwnerKeyAdded(key);
    }

    /// @dev Sets the threshold, checked against the set's size.
    function _setThreshold(WalletStorage storage $, uint256 threshold) private {
        _checkThreshold(threshold, $.keys.length());
        $.keyThreshold = uint8(threshold); // threshold <= keys <= MAX_OWNER_KEYS < 256: no truncation
        emit IIntentWallet.OwnerThresholdChanged(threshold);
    }

    /// @dev Reverts unless 1 <= `threshold` <= `keys`.
    function _checkThreshold(uint256 threshold, uint256 keys) private pure {
        if (threshold == 0 || threshold > keys) revert IIntentWallet.WalletInvalidThreshold(threshold, keys);
    }

    /// @dev Empties the key set (at most `MAX_OWNER_KEYS` keys), each removal announced.
    function _clearKeys(WalletStorage storage $) private {
        for (uint256 i = $.keys.length(); i > 0; --i) {
            bytes memory key = $.keys.at(i - 1);
            $.keys.remove(key);
            emit IIntentWallet.OwnerKeyRemoved(key);
        }
        $.keyThreshold = 0;
    }

    /// @dev The wallet's own address when it cannot sign (a clone: a key set may not name it), or
    ///      zero for an EOA delegated here (EIP-7702: its 23-byte code), whose own key signs.
    function _unsignableSelf() private view returns (address) {
        return address(this).code.length == DELEGATION_LENGTH ? address(0) : address(this);
    }

    /// @dev The wallet's one-address owner, which it appended to the calldata it forwarded.
    function _currentOwner() private pure returns (address) {
        return address(bytes20(msg.data[msg.data.length - 20:]));
    }
}
