// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Intent, IntentHashing} from "../libraries/IntentHashing.sol";
import {PackedIntent} from "../libraries/PackedIntent.sol";

/// @title PackedIntentHarness
/// @notice Exists for tests only, and is never deployed with the wallet: it exposes the wallet's
///         decoder of the packed intent form (`PackedIntent`) and the intent hashing, so that
///         test/IntentHashing/packedParity.test.ts and test/solidity/PackedIntent.t.sol can check
///         what an encoding decodes to without relaying it.
/// @dev The decoder reports `IntentMalformed(offset)` with calldata offsets. In `decode`, whose
///      only argument is the packed bytes, those start at `DECODE_PACKED_OFFSET` (after the
///      selector, the argument's offset word and its length word); in a wallet's `relayPacked()`
///      they start at 4, right after the selector.
contract PackedIntentHarness {
    /// @notice The calldata offset of the packed bytes in a call of `decode`.
    uint256 public constant DECODE_PACKED_OFFSET = 4 + 32 + 32;

    /// @notice The intent and the relay signature that `relayPacked()` would read from `packed`.
    function decode(bytes calldata packed) external pure returns (Intent memory intent, bytes memory signature) {
        return PackedIntent.decode(packed);
    }

    /// @notice What `relayPacked()` on `wallet` at intent epoch `epoch` (on this chain) would read from
    ///         `packed`: the intent's ID and struct hash, and the relay signature.
    function decodeId(
        bytes calldata packed,
        address wallet,
        uint256 epoch
    ) external view returns (bytes32 id, bytes32 structHash, bytes memory signature) {
        Intent memory intent;
        (intent, signature) = PackedIntent.decode(packed);
        structHash = IntentHashing.hashIntent(intent);
        id = IntentHashing.intentId(IntentHashing.domainSeparator(wallet, epoch), intent);
    }
}
