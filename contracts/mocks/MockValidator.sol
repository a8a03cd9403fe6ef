// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentValidator} from "../interfaces/IIntentValidator.sol";
import {Call} from "../libraries/IntentHashing.sol";

/// @notice A validator module for tests: its data's first byte says what it answers.
/// @dev 0x01: authorize; 0x02: answer a wrong magic value; anything else: revert.
contract MockValidator is IIntentValidator {
    /// @notice The validator refused intent `id`.
    error MockValidatorRejected(bytes32 id);

    /// @notice The last intent it authorized.
    bytes32 public lastAuthorized;

    /// @inheritdoc IIntentValidator
    function validateIntent(bytes32 id, Call[] calldata, bytes calldata data, uint256) external returns (bytes4) {
        if (data.length != 0 && data[0] == 0x01) {
            lastAuthorized = id;
            return IIntentValidator.validateIntent.selector;
        }
        if (data.length != 0 && data[0] == 0x02) return bytes4(0xdeadbeef);
        revert MockValidatorRejected(id);
    }
}
