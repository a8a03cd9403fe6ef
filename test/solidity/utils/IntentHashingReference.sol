// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Call, Dependency, Intent} from "../../../contracts/libraries/IntentHashing.sol";

/// @notice An EIP-712 encoding of intents written from the spec and the type strings alone, sharing no
///         code or constants with `IntentHashing`: type hashes are hashed from inline strings, words are
///         packed by hand and arrays are hashed back to front. The hashing and packed-decoding tests
///         check the library, the wallet and the decoder against it.
/// @dev Abstract, and with no `test*` / `invariant*` functions, so the runner never takes it for a suite.
abstract contract IntentHashingReference {
    string private constant CALL_TYPE = "Call(address to,uint256 value,bytes data)";
    string private constant DEPENDENCY_TYPE = "Dependency(address wallet,bytes32 id)";

    function refHashCalls(Call[] memory calls) internal pure returns (bytes32) {
        bytes32 typeHash = keccak256(bytes(CALL_TYPE));
        bytes memory encoded = "";
        for (uint256 i = calls.length; i > 0; --i) {
            Call memory c = calls[i - 1];
            bytes32 member = keccak256(
                abi.encodePacked(typeHash, bytes12(0), c.to, bytes32(c.value), keccak256(c.data))
            );
            encoded = bytes.concat(member, encoded);
        }
        return keccak256(encoded);
    }

    function refHashDependencies(Dependency[] memory dependencies) internal pure returns (bytes32) {
        bytes32 typeHash = keccak256(bytes(DEPENDENCY_TYPE));
        bytes memory encoded = "";
        for (uint256 i = dependencies.length; i > 0; --i) {
            Dependency memory d = dependencies[i - 1];
            encoded = bytes.concat(keccak256(abi.encodePacked(typeHash, uint256(uint160(d.wallet)), d.id)), encoded);
        }
        return keccak256(encoded);
    }

    function refHashIntent(Intent memory intent) internal pure returns (bytes32) {
        // EIP-712: the primary type, then every referenced type sorted by name (Call < Dependency).
        bytes32 typeHash = keccak256(
            bytes(
                string.concat(
                    "Intent(Call[] calls,Dependency[] dependencies,uint256 salt,uint256 validAfter,",
                    "uint256 expiration,uint256 maxGasPrice,uint256 minGasLimit)",
                    CALL_TYPE,
                    DEPENDENCY_TYPE
                )
            )
        );
        return
            keccak256(
                bytes.concat(
                    typeHash,
                    refHashCalls(intent.calls),
                    refHashDependencies(intent.dependencies),
                    bytes32(intent.salt),
                    bytes32(intent.validAfter),
                    bytes32(intent.expiration),
                    bytes32(intent.maxGasPrice),
                    bytes32(intent.minGasLimit)
                )
            );
    }

    function refDomainSeparator(uint256 chainId, address wallet, uint256 epoch) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(
                        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
                    ),
                    keccak256("IntentWallet"),
                    keccak256("2"), // the intent format's version
                    bytes32(chainId),
                    bytes32(uint256(uint160(wallet))),
                    bytes32(epoch)
                )
            );
    }

    /// @dev The ERC-1271 message domain has no epoch, and its version stayed "1" when intents moved to "2".
    function refReplaySafeHash(uint256 chainId, address wallet, bytes32 hash) internal pure returns (bytes32) {
        bytes32 separator = keccak256(
            bytes.concat(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("IntentWallet"),
                keccak256("1"),
                bytes32(chainId),
                bytes32(uint256(uint160(wallet)))
            )
        );
        bytes32 structHash = keccak256(bytes.concat(keccak256("IntentWalletMessage(bytes32 hash)"), hash));
        return keccak256(bytes.concat(hex"19", hex"01", separator, structHash));
    }

    function refIntentId(
        uint256 chainId,
        address wallet,
        uint256 epoch,
        Intent memory intent
    ) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(hex"19", hex"01", refDomainSeparator(chainId, wallet, epoch), refHashIntent(intent))
            );
    }
}
