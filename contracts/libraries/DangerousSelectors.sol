// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title DangerousSelectors
/// @notice The well-known functions that move a wallet's assets or let someone else move them,
///         by canonical signature. A session grant may list one of them only under that exact
///         signature, never under another readable signature that has the same 4-byte selector.
/// @dev A selector is only 4 bytes, so a harmless-looking signature with any given selector can be
///      found by brute force: `many_msg_babbage(bytes1)` has the selector `0xa9059cbb` of
///      `transfer(address,uint256)`, and an owner who read the first would allow the second.
///      The list is `canonicalSignatureHashOf`, one entry per function. Each entry is the keccak256
///      of a canonical signature, computed by the compiler: its first 4 bytes are the function's
///      selector, and the whole 32 bytes tell that signature from any other with the same selector.
///      The SDK keeps the same list in `src/sdk/session/dangerousSelectors.ts`; a test checks that
///      the two are the same set.
library DangerousSelectors {
    /// @notice Whether a function signature whose keccak256 is `signatureHash` hides a dangerous
    ///         function: its selector is one of the list's, but it is not that function's own
    ///         canonical signature.
    /// @param signatureHash The keccak256 of the function signature, as the permission spells it.
    /// @return Whether the signature has a dangerous function's selector without being its signature.
    function hidesDangerousFunction(bytes32 signatureHash) internal pure returns (bool) {
        bytes32 canonical = canonicalSignatureHashOf(bytes4(signatureHash));
        return canonical != bytes32(0) && canonical != signatureHash;
    }

    /// @notice The list: the keccak256 of the canonical signature of the dangerous function whose
    ///         selector is `selector`, or zero when no dangerous function has it.
    /// @dev Compares `selector` with one constant per entry (the compiler computes each keccak256),
    ///      so looking up a selector hashes nothing; only a matching selector compares the full
    ///      hash, in `hidesDangerousFunction`. The entries are grouped by standard, in the private
    ///      functions below; the list's selectors are distinct.
    /// @param selector The selector to look up.
    /// @return hash The keccak256 of the function's canonical signature; zero when not listed.
    function canonicalSignatureHashOf(bytes4 selector) internal pure returns (bytes32 hash) {
        hash = _fungibleTokens(selector);
        if (hash == bytes32(0)) hash = _nftsAndOperators(selector);
        if (hash == bytes32(0)) hash = _callbacksVaultsAndWrappers(selector);
    }

    /// @dev The list's entries for ERC-20 tokens, their permits (EIP-2612, DAI) and DAI's own aliases.
    function _fungibleTokens(bytes4 selector) private pure returns (bytes32 hash) {
        // ERC-20: moves the wallet's tokens to anyone.
        if (selector == bytes4(hash = keccak256("transfer(address,uint256)"))) return hash;
        // ERC-20 and ERC-721: moves tokens (or an NFT) of the wallet, or of anyone who approved it.
        if (selector == bytes4(hash = keccak256("transferFrom(address,address,uint256)"))) return hash;
        // ERC-20 and ERC-721: lets a spender take the wallet's tokens (or one NFT).
        if (selector == bytes4(hash = keccak256("approve(address,uint256)"))) return hash;
        // ERC-20 (OpenZeppelin before 5.0): raises a spender's allowance.
        if (selector == bytes4(hash = keccak256("increaseAllowance(address,uint256)"))) return hash;
        // ERC-20 (OpenZeppelin before 5.0): changes a spender's allowance.
        if (selector == bytes4(hash = keccak256("decreaseAllowance(address,uint256)"))) return hash;
        // ERC-20 (older OpenZeppelin spelling, still in many tokens): raises an allowance.
        if (selector == bytes4(hash = keccak256("increaseApproval(address,uint256)"))) return hash;
        // ERC-20 (the same older spelling): changes an allowance.
        if (selector == bytes4(hash = keccak256("decreaseApproval(address,uint256)"))) return hash;
        // EIP-2612: sets an allowance from a signature.
        if (selector == bytes4(hash = keccak256("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)")))
            return hash;
        // DAI-style permit: sets an unlimited allowance (or none) from a signature.
        if (selector == bytes4(hash = keccak256("permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)")))
            return hash;
        // DAI: transfer under another name, moves the wallet's DAI.
        if (selector == bytes4(hash = keccak256("push(address,uint256)"))) return hash;
        // DAI: transferFrom under another name.
        if (selector == bytes4(hash = keccak256("move(address,address,uint256)"))) return hash;
        return bytes32(0);
    }

    /// @dev The list's entries for ERC-721 and ERC-1155 tokens, and ERC-777 operators.
    function _nftsAndOperators(bytes4 selector) private pure returns (bytes32 hash) {
        // ERC-721: moves an NFT.
        if (selector == bytes4(hash = keccak256("safeTransferFrom(address,address,uint256)"))) return hash;
        // ERC-721: moves an NFT, with data for the receiver.
        if (selector == bytes4(hash = keccak256("safeTransferFrom(address,address,uint256,bytes)"))) return hash;
        // ERC-721 and ERC-1155: lets an operator take every token of the collection.
        if (selector == bytes4(hash = keccak256("setApprovalForAll(address,bool)"))) return hash;
        // ERC-1155: moves tokens of one ID.
        if (selector == bytes4(hash = keccak256("safeTransferFrom(address,address,uint256,uint256,bytes)")))
            return hash;
        // ERC-1155: moves tokens of several IDs.
        if (selector == bytes4(hash = keccak256("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)")))
            return hash;
        // ERC-777: moves the wallet's tokens.
        if (selector == bytes4(hash = keccak256("send(address,uint256,bytes)"))) return hash;
        // ERC-777: moves tokens as an operator.
        if (selector == bytes4(hash = keccak256("operatorSend(address,address,uint256,bytes,bytes)"))) return hash;
        // ERC-777: lets an operator move every token of the wallet.
        if (selector == bytes4(hash = keccak256("authorizeOperator(address)"))) return hash;
        return bytes32(0);
    }

    /// @dev The list's entries for ERC-1363 transfers with a callback, Permit2, WETH and ERC-4626 vaults.
    function _callbacksVaultsAndWrappers(bytes4 selector) private pure returns (bytes32 hash) {
        // ERC-1363: moves the wallet's tokens, then calls the receiver.
        if (selector == bytes4(hash = keccak256("transferAndCall(address,uint256)"))) return hash;
        // ERC-1363: the same, with data for the receiver.
        if (selector == bytes4(hash = keccak256("transferAndCall(address,uint256,bytes)"))) return hash;
        // ERC-1363: transferFrom, then calls the receiver.
        if (selector == bytes4(hash = keccak256("transferFromAndCall(address,address,uint256)"))) return hash;
        // ERC-1363: the same, with data for the receiver.
        if (selector == bytes4(hash = keccak256("transferFromAndCall(address,address,uint256,bytes)"))) return hash;
        // ERC-1363: approves a spender, then calls it.
        if (selector == bytes4(hash = keccak256("approveAndCall(address,uint256)"))) return hash;
        // ERC-1363: the same, with data for the spender.
        if (selector == bytes4(hash = keccak256("approveAndCall(address,uint256,bytes)"))) return hash;
        // Permit2: lets a spender take the wallet's tokens through Permit2.
        if (selector == bytes4(hash = keccak256("approve(address,address,uint160,uint48)"))) return hash;
        // Permit2: moves tokens under a Permit2 allowance.
        if (selector == bytes4(hash = keccak256("transferFrom(address,address,uint160,address)"))) return hash;
        // WETH: unwraps the wallet's WETH into ETH.
        if (selector == bytes4(hash = keccak256("withdraw(uint256)"))) return hash;
        // ERC-4626: deposits the wallet's assets into the vault for any receiver.
        if (selector == bytes4(hash = keccak256("deposit(uint256,address)"))) return hash;
        // ERC-4626: the same, counted in shares.
        if (selector == bytes4(hash = keccak256("mint(uint256,address)"))) return hash;
        // ERC-4626: takes assets out of the vault to any receiver.
        if (selector == bytes4(hash = keccak256("withdraw(uint256,address,address)"))) return hash;
        // ERC-4626: the same, counted in shares.
        if (selector == bytes4(hash = keccak256("redeem(uint256,address,address)"))) return hash;
        return bytes32(0);
    }
}
