// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice One call of an intent: the wallet calls `to` with `value` wei and `data`.
struct Call {
    address to;
    uint256 value;
    bytes data;
}

/// @notice An intent that must have been relayed successfully before the one naming it.
/// @dev `wallet` may be any wallet (this one or another); `id` is the intent ID on that wallet.
struct Dependency {
    address wallet;
    bytes32 id;
}

/// @notice A signed wish that the wallet make one call or an atomic batch of calls.
struct Intent {
    Call[] calls;
    Dependency[] dependencies;
    uint256 salt;
    uint256 expiration;
    uint256 maxGasPrice;
    uint256 minGasLimit;
}

/// @title IntentHashing
/// @notice EIP-712 hashing of intents, shared by the wallet, the modules and the tests so they
///         all agree on one intent ID.
/// @dev The ID of an intent is the EIP-712 digest
///      `keccak256("\x19\x01" ‖ domainSeparator ‖ hashIntent(intent))`, with the domain
///      `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)`
///      where `name = "IntentWallet"`, `version = "1"`, `verifyingContract` is the wallet and `salt`
///      is the wallet's intent epoch (see `IIntentWallet.invalidateAllIntents`).
library IntentHashing {
    /// @dev keccak256("Call(address to,uint256 value,bytes data)")
    bytes32 internal constant CALL_TYPEHASH = keccak256("Call(address to,uint256 value,bytes data)");

    /// @dev keccak256("Dependency(address wallet,bytes32 id)")
    bytes32 internal constant DEPENDENCY_TYPEHASH = keccak256("Dependency(address wallet,bytes32 id)");

    /// @dev The primary type followed by its referenced types in alphabetical order, as EIP-712 requires.
    bytes32 internal constant INTENT_TYPEHASH = keccak256(
        "Intent(Call[] calls,Dependency[] dependencies,uint256 salt,uint256 expiration,uint256 maxGasPrice,uint256 minGasLimit)"
        "Call(address to,uint256 value,bytes data)"
        "Dependency(address wallet,bytes32 id)"
    );

    /// @dev The domain type of intents: it binds the chain, the wallet and the wallet's intent epoch.
    bytes32 internal constant INTENT_DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
    );

    /// @dev keccak256("IntentWallet")
    bytes32 internal constant NAME_HASH = keccak256("IntentWallet");

    /// @dev keccak256("1")
    bytes32 internal constant VERSION_HASH = keccak256("1");

    /// @notice The EIP-712 struct hash of `intent`.
    function hashIntent(Intent calldata intent) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    INTENT_TYPEHASH,
                    hashCalls(intent.calls),
                    hashDependencies(intent.dependencies),
                    intent.salt,
                    intent.expiration,
                    intent.maxGasPrice,
                    intent.minGasLimit
                )
            );
    }

    /// @notice The EIP-712 hash of a `Call[]` array: keccak256 of the concatenated call struct hashes.
    function hashCalls(Call[] calldata calls) internal pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            hashes[i] = keccak256(abi.encode(CALL_TYPEHASH, calls[i].to, calls[i].value, keccak256(calls[i].data)));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    /// @notice The EIP-712 hash of a `Dependency[]` array.
    function hashDependencies(Dependency[] calldata dependencies) internal pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](dependencies.length);
        for (uint256 i; i < dependencies.length; ++i) {
            hashes[i] = keccak256(abi.encode(DEPENDENCY_TYPEHASH, dependencies[i].wallet, dependencies[i].id));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    /// @notice The EIP-712 domain separator of intents for `wallet` on this chain at `epoch`.
    function domainSeparator(address wallet, uint256 epoch) internal view returns (bytes32) {
        return keccak256(abi.encode(INTENT_DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, wallet, epoch));
    }

    /// @notice The intent ID: the EIP-712 digest of `intent` under `separator`.
    function intentId(bytes32 separator, Intent calldata intent) internal pure returns (bytes32) {
        return toTypedDataHash(separator, hashIntent(intent));
    }

    /// @dev The domain type of ERC-1271 messages: no epoch, so invalidating intents leaves messages alone.
    bytes32 internal constant MESSAGE_DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @dev An ERC-1271 message: the hash an app asks the wallet to sign, wrapped so that a
    ///      signature of the owner for one wallet can never be replayed on another wallet it owns.
    bytes32 internal constant MESSAGE_TYPEHASH = keccak256("IntentWalletMessage(bytes32 hash)");

    /// @notice The hash the owner signs so that `wallet` accepts `hash` through ERC-1271.
    function replaySafeHash(address wallet, bytes32 hash) internal view returns (bytes32) {
        bytes32 separator = keccak256(
            abi.encode(MESSAGE_DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, wallet)
        );
        return toTypedDataHash(separator, keccak256(abi.encode(MESSAGE_TYPEHASH, hash)));
    }

    /// @notice `keccak256("\x19\x01" ‖ separator ‖ structHash)`.
    function toTypedDataHash(bytes32 separator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", separator, structHash));
    }
}
