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

/// @notice A signed wish that the wallet make one call or an atomic batch of calls (format v2).
/// @dev `validAfter` and `expiration` bound when it may run: `validAfter <= block.timestamp < expiration`.
struct Intent {
    Call[] calls;
    Dependency[] dependencies;
    uint256 salt;
    uint256 validAfter;
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
///      where `name = "IntentWallet"`, `version = "2"` (the intent format), `verifyingContract` is
///      the wallet and `salt` is the wallet's intent epoch (see `IIntentWallet.invalidateAllIntents`).
///      Hashing reads the intent in memory, where both of the wallet's decoders (the ABI form and
///      the packed form) put it: what is hashed is exactly what runs.
library IntentHashing {
    /// @dev keccak256("Call(address to,uint256 value,bytes data)")
    bytes32 internal constant CALL_TYPEHASH = keccak256("Call(address to,uint256 value,bytes data)");

    /// @dev keccak256("Dependency(address wallet,bytes32 id)")
    bytes32 internal constant DEPENDENCY_TYPEHASH = keccak256("Dependency(address wallet,bytes32 id)");

    /// @dev The primary type followed by its referenced types in alphabetical order, as EIP-712 requires.
    bytes32 internal constant INTENT_TYPEHASH = keccak256(
        "Intent(Call[] calls,Dependency[] dependencies,uint256 salt,uint256 validAfter,uint256 expiration,uint256 maxGasPrice,uint256 minGasLimit)"
        "Call(address to,uint256 value,bytes data)"
        "Dependency(address wallet,bytes32 id)"
    );

    /// @dev The domain type of intents: it binds the chain, the wallet and the wallet's intent epoch.
    bytes32 internal constant INTENT_DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
    );

    /// @dev keccak256("IntentWallet")
    bytes32 internal constant NAME_HASH = keccak256("IntentWallet");

    /// @dev keccak256("2"): the intent format's version, in the intent domain.
    bytes32 internal constant VERSION_HASH = keccak256("2");

    /// @dev keccak256("1"): the version of the ERC-1271 message domain, which did not change.
    bytes32 internal constant MESSAGE_VERSION_HASH = keccak256("1");

    /// @dev Masks an address word to its 20 bytes.
    uint256 private constant ADDRESS_MASK = 0x00ffffffffffffffffffffffffffffffffffffffff;

    /// @notice The EIP-712 struct hash of `intent`.
    /// @dev Assembly over the memory struct (7 words: calls, dependencies, then the five integers
    ///      in the type's order). test/solidity/IntentHashing.t.sol checks it against a plain
    ///      Solidity reference.
    function hashIntent(Intent memory intent) internal pure returns (bytes32 result) {
        bytes32 callsHash = hashCalls(intent.calls);
        bytes32 dependenciesHash = hashDependencies(intent.dependencies);
        bytes32 typeHash = INTENT_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40) // free memory, used as scratch
            mstore(m, typeHash)
            mstore(add(m, 0x20), callsHash)
            mstore(add(m, 0x40), dependenciesHash)
            mcopy(add(m, 0x60), add(intent, 0x40), 0xa0) // salt, validAfter, expiration, maxGasPrice, minGasLimit
            result := keccak256(m, 0x100)
        }
    }

    /// @notice The EIP-712 hash of a `Call[]` array: keccak256 of the concatenated call struct hashes.
    function hashCalls(Call[] memory calls) internal pure returns (bytes32 result) {
        bytes32 typeHash = CALL_TYPEHASH;
        assembly ("memory-safe") {
            let count := mload(calls)
            let hashes := mload(0x40) // free memory: the struct hashes, then a 4-word scratch
            let scratch := add(hashes, shl(5, count))
            mstore(scratch, typeHash)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                let callPointer := mload(add(add(calls, 0x20), shl(5, i)))
                let data := mload(add(callPointer, 0x40))
                mstore(add(scratch, 0x20), and(mload(callPointer), ADDRESS_MASK)) // to
                mstore(add(scratch, 0x40), mload(add(callPointer, 0x20))) // value
                mstore(add(scratch, 0x60), keccak256(add(data, 0x20), mload(data))) // keccak256(data)
                mstore(add(hashes, shl(5, i)), keccak256(scratch, 0x80))
            }
            result := keccak256(hashes, shl(5, count))
        }
    }

    /// @notice The EIP-712 hash of a `Dependency[]` array.
    function hashDependencies(Dependency[] memory dependencies) internal pure returns (bytes32 result) {
        bytes32 typeHash = DEPENDENCY_TYPEHASH;
        assembly ("memory-safe") {
            let count := mload(dependencies)
            let hashes := mload(0x40) // free memory: the struct hashes, then a 3-word scratch
            let scratch := add(hashes, shl(5, count))
            mstore(scratch, typeHash)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                let dependencyPointer := mload(add(add(dependencies, 0x20), shl(5, i)))
                mstore(add(scratch, 0x20), and(mload(dependencyPointer), ADDRESS_MASK)) // wallet
                mstore(add(scratch, 0x40), mload(add(dependencyPointer, 0x20))) // id
                mstore(add(hashes, shl(5, i)), keccak256(scratch, 0x60))
            }
            result := keccak256(hashes, shl(5, count))
        }
    }

    /// @notice The EIP-712 domain separator of intents for `wallet` on this chain at `epoch`.
    function domainSeparator(address wallet, uint256 epoch) internal view returns (bytes32 result) {
        (bytes32 typeHash, bytes32 nameHash, bytes32 versionHash) = (INTENT_DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), nameHash)
            mstore(add(m, 0x40), versionHash)
            mstore(add(m, 0x60), chainid())
            mstore(add(m, 0x80), and(wallet, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0xa0), epoch)
            result := keccak256(m, 0xc0)
        }
    }

    /// @notice The intent ID: the EIP-712 digest of `intent` under `separator`.
    function intentId(bytes32 separator, Intent memory intent) internal pure returns (bytes32) {
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
            abi.encode(MESSAGE_DOMAIN_TYPEHASH, NAME_HASH, MESSAGE_VERSION_HASH, block.chainid, wallet)
        );
        return toTypedDataHash(separator, keccak256(abi.encode(MESSAGE_TYPEHASH, hash)));
    }

    /// @notice `keccak256("\x19\x01" ‖ separator ‖ structHash)`.
    function toTypedDataHash(bytes32 separator, bytes32 structHash) internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, hex"1901")
            mstore(add(m, 0x02), separator)
            mstore(add(m, 0x22), structHash)
            digest := keccak256(m, 0x42)
        }
    }
}
