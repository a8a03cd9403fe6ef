// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Intent} from "../libraries/IntentHashing.sol";

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
    /// @param intent The intent itself, to check its calls against the module's rules.
    /// @param data The module's part of the relay signature.
    /// @return magic `IIntentValidator.validateIntent.selector` when the intent is authorized.
    function validateIntent(bytes32 id, Intent calldata intent, bytes calldata data) external returns (bytes4 magic);
}
