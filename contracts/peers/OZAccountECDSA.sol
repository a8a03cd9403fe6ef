// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Account} from "@openzeppelin/contracts/account/Account.sol";
import {ERC7821} from "@openzeppelin/contracts/account/extensions/draft-ERC7821.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {SignerECDSA} from "@openzeppelin/contracts/utils/cryptography/signers/SignerECDSA.sol";

/// @title OZAccountECDSA
/// @notice OpenZeppelin Contracts 5's basic ECDSA account: `Account` (ERC-4337), `SignerECDSA` and
///         `ERC7821` batch execution, as OpenZeppelin composes it. It exists only as a peer of the gas
///         benchmark (scripts/bench-gas.ts); IntentWallet neither uses nor depends on it.
/// @dev Deployed as initializable ERC-1167 clones by {OZAccountFactory}, the signer set by `initialize`
///      in the clone's creation. Two choices differ from OpenZeppelin's defaults, both as its docs
///      show: the EntryPoint is the one given to the constructor (`Account.entryPoint()` defaults to
///      the canonical v0.9 address; the benchmark runs its own v0.8 EntryPoint), and ERC-7821
///      `execute` accepts that EntryPoint as caller besides the account itself.
contract OZAccountECDSA is Account, SignerECDSA, ERC7821, Initializable {
    IEntryPoint private immutable _entryPoint;

    /// @param entryPoint_ The EntryPoint that operates every clone of this implementation.
    constructor(IEntryPoint entryPoint_) SignerECDSA(address(0)) {
        _entryPoint = entryPoint_;
        _disableInitializers();
    }

    /// @notice Sets the account's signer, once; the factory calls it in the clone's creation.
    /// @param signerAddr The address whose ECDSA signatures authorize user operations.
    function initialize(address signerAddr) external initializer {
        _setSigner(signerAddr);
    }

    /// @inheritdoc Account
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    /// @dev The EntryPoint executes the batches of validated user operations; the account itself may too.
    function _erc7821AuthorizedExecutor(
        address caller,
        bytes32 mode,
        bytes calldata executionData
    ) internal view override returns (bool) {
        return caller == address(entryPoint()) || super._erc7821AuthorizedExecutor(caller, mode, executionData);
    }
}
