// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Call} from "../libraries/IntentHashing.sol";

/// @title IIntentValidator
/// @notice A module the owner installs on a wallet to authorize intents signed by someone other
///         than the owner (a session key, for example).
/// @dev The wallet calls `validateIntent` (as `msg.sender`) after its own checks of status,
///      expiration and gas price, and before any call of the intent. The wallet itself forbids
///      module-validated intents to call the wallet or any installed module.
interface IIntentValidator {
    /// @notice Decides whether intent `id` may run on the calling wallet.
    /// @dev Must revert with a descriptive error when it may not; may record state (for example,
    ///      register a session grant carried in `data`), which is undone if the relay reverts.
    /// @param id The intent ID, as computed by the wallet.
    /// @param calls The intent's calls, to check against the module's rules (the ID binds the rest).
    /// @param data The module's part of the relay signature.
    /// @param moduleEpoch The wallet's module epoch (`IIntentWallet.moduleEpoch`): what the module
    ///        authorized under an earlier one must no longer count.
    /// @return magic `IIntentValidator.validateIntent.selector` when the intent is authorized.
    function validateIntent(
        bytes32 id,
        Call[] calldata calls,
        bytes calldata data,
        uint256 moduleEpoch
    ) external returns (bytes4 magic);
}
