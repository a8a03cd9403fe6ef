// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IIntentWallet} from "../interfaces/IIntentWallet.sol";

/// @notice An IntentWallet's state, in its ERC-7201 namespace: shared by the wallet and the
///         `KeySetAdmin` it runs on its own storage.
/// @custom:storage-location erc7201:intentwallet.storage.IntentWallet
struct WalletStorage {
    // The header: one slot that every relay reads, and the only one besides the receipt.
    uint32 epoch;
    // Who owns the wallet: OWNER_IN_CODE until `changeOwner` (OWNER_CHANGED) or a key set (OWNER_KEYS).
    uint8 ownerMode;
    // How many modules are installed.
    uint16 moduleCount;
    // One installed module (or zero), so that relays it validates need no module read.
    address cachedModule;
    // Given to validator modules with every intent they validate; moved by `advanceModuleEpoch`.
    uint32 moduleEpoch;
    // How many keys of the set must sign; read only when `ownerMode` is OWNER_KEYS.
    uint8 keyThreshold;
    // The owner set by `changeOwner`; read only when `ownerMode` is OWNER_CHANGED.
    address changedOwner;
    mapping(bytes32 id => IIntentWallet.IntentReceipt) receipts;
    mapping(address module => bool) modules;
    // The key set (ERC-7913 signers); empty unless `ownerMode` is OWNER_KEYS.
    EnumerableSet.BytesSet keys;
}

/// @title IntentWalletStorage
/// @notice Where an IntentWallet's state lives, and the values its owner mode takes.
library IntentWalletStorage {
    /// @dev keccak256(abi.encode(uint256(keccak256("intentwallet.storage.IntentWallet")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant STORAGE_LOCATION = 0xeaed0808e4d28157af1ac47c2a3073cd360637305de8411ec956cb7051ecbf00;

    /// @dev Who owns the wallet (`WalletStorage.ownerMode`): the first owner in the clone's code,
    ///      the one address `changeOwner` set, or the key set.
    uint8 internal constant OWNER_IN_CODE = 0;
    uint8 internal constant OWNER_CHANGED = 1;
    uint8 internal constant OWNER_KEYS = 2;

    /// @dev The wallet's state.
    function load() internal pure returns (WalletStorage storage $) {
        assembly ("memory-safe") {
            $.slot := STORAGE_LOCATION
        }
    }
}
