// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice An ERC-721 anyone can mint, for tests.
contract MockERC721 is ERC721 {
    constructor() ERC721("Mock NFT", "MNFT") {}

    /// @notice Mints token `id` to `to` with the receiver check.
    function safeMint(address to, uint256 id) external {
        _safeMint(to, id);
    }
}
