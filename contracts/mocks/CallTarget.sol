// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A call target for tests: records calls, reverts, burns gas and measures the gas it gets.
contract CallTarget {
    /// @notice A custom error a call can revert with.
    error TargetFailed(uint256 code);

    /// @notice Emitted by `ping`.
    event Pinged(address indexed caller, uint256 value, uint256 x);

    /// @notice How many times `ping` ran.
    uint256 public pings;

    /// @notice The last caller of `ping`.
    address public lastCaller;

    /// @notice The gas left when `recordGas` was entered.
    uint256 public gasAtEntry;

    /// @notice Records a call.
    function ping(uint256 x) external payable {
        pings += 1;
        lastCaller = msg.sender;
        emit Pinged(msg.sender, msg.value, x);
    }

    /// @notice Reverts with `TargetFailed(code)`.
    function fail(uint256 code) external pure {
        revert TargetFailed(code);
    }

    /// @notice Records a call, then reverts: its effects must be undone.
    function pingThenFail(uint256 code) external {
        pings += 1;
        revert TargetFailed(code);
    }

    /// @notice Reverts with `size` bytes of revert data.
    function failWithData(uint256 size) external pure {
        bytes memory data = new bytes(size);
        assembly ("memory-safe") {
            revert(add(data, 0x20), size)
        }
    }

    /// @notice Returns `size` bytes: a callee may not make the wallet pay to copy them.
    function returnData(uint256 size) external pure returns (bytes memory) {
        return new bytes(size);
    }

    /// @notice Records the gas available on entry, then burns `gasToBurn` more or less exactly.
    function recordGas(uint256 gasToBurn) external {
        uint256 entry = gasleft();
        gasAtEntry = entry;
        while (entry - gasleft() < gasToBurn) {}
    }

    /// @notice Burns at least `gasToBurn` (to within one cold storage read, 2,100) and returns.
    /// @dev Cold reads of distinct slots: few opcodes per gas, so simulations of it stay fast.
    function burnGas(uint256 gasToBurn) public view {
        uint256 entry = gasleft();
        for (uint256 slot = 1 << 128; entry - gasleft() < gasToBurn; ++slot) {
            assembly ("memory-safe") {
                pop(sload(slot)) // a cold read: 2,100 gas
            }
        }
    }

    /// @notice Burns `gasToBurn` as `burnGas` does, then reverts with `TargetFailed(gasToBurn)`:
    ///         a call that fails on its own, whatever gas it is given beyond what it burns.
    function burnThenFail(uint256 gasToBurn) external view {
        burnGas(gasToBurn);
        revert TargetFailed(gasToBurn);
    }

    /// @notice Never returns: burns every bit of gas it is given.
    function burnAll() external view {
        burnGas(type(uint256).max);
    }

    /// @notice Calls `target` with `data`, bubbling up its revert: a way back into the wallet.
    function callBack(address target, bytes calldata data) external {
        (bool ok, bytes memory answer) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(answer, 0x20), mload(answer))
            }
        }
    }
}
