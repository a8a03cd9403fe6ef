// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BoundedReturnData
/// @notice The last call's return data, cut to a maximum length, so a callee can never make the
///         caller pay for copying (or emitting) a huge revert reason.
library BoundedReturnData {
    /// @notice The first `maxLength` bytes of the last call's return data (all of it if shorter).
    function copy(uint256 maxLength) internal pure returns (bytes memory data) {
        uint256 length = maxLength;
        assembly ("memory-safe") {
            if lt(returndatasize(), length) {
                length := returndatasize()
            }
            data := mload(0x40) // free memory pointer
            mstore(data, length) // length word
            returndatacopy(add(data, 0x20), 0, length) // the first `length` bytes
            mstore(0x40, add(add(data, 0x20), and(add(length, 31), not(31)))) // bump, 32-byte aligned
        }
    }
}
