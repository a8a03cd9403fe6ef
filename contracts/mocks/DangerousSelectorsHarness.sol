// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {DangerousSelectors} from "../libraries/DangerousSelectors.sol";

/// @notice Exposes the internal `DangerousSelectors` library to tests: its list, and its check
///         on any signature hash.
contract DangerousSelectorsHarness {
    /// @notice `DangerousSelectors.canonicalSignatureHashOf(selector)`: the keccak256 of the
    ///         canonical signature of the dangerous function with `selector`, or zero.
    function canonicalSignatureHashOf(bytes4 selector) external pure returns (bytes32) {
        return DangerousSelectors.canonicalSignatureHashOf(selector);
    }

    /// @notice `DangerousSelectors.hidesDangerousFunction(signatureHash)`.
    function hidesDangerousFunction(bytes32 signatureHash) external pure returns (bool) {
        return DangerousSelectors.hidesDangerousFunction(signatureHash);
    }
}
