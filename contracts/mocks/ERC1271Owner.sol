// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice A contract owner (a stand-in for a multisig) that accepts hashes its `signer` signed.
contract ERC1271Owner is IERC1271 {
    /// @notice Only the signer may forward calls.
    error ERC1271OwnerUnauthorized(address caller);

    /// @notice The EOA whose signatures this contract accepts.
    address public immutable signer;

    constructor(address signer_) {
        signer = signer_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == signer ? this.isValidSignature.selector : bytes4(0);
    }

    /// @notice Calls `target` with `data` as this contract (the signer's direct calls to its wallet).
    function forward(address target, bytes calldata data) external {
        if (msg.sender != signer) revert ERC1271OwnerUnauthorized(msg.sender);
        (bool ok, bytes memory answer) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(answer, 0x20), mload(answer))
            }
        }
    }
}
