// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {Call, Dependency, Intent, IntentHashing} from "../../contracts/libraries/IntentHashing.sol";
import {IntentHashingReference} from "./utils/IntentHashingReference.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice Exposes the library's functions so the tests can call them with any wallet and epoch. The
///         library hashes memory structs (where the wallet's decoders put the intent): the ABI
///         decoder copies each argument to memory, as `AbiIntent.read` does in the wallet.
contract IntentHashingHarness {
    function hashIntent(Intent memory intent) external pure returns (bytes32) {
        return IntentHashing.hashIntent(intent);
    }

    function hashCalls(Call[] memory calls) external pure returns (bytes32) {
        return IntentHashing.hashCalls(calls);
    }

    function hashDependencies(Dependency[] memory dependencies) external pure returns (bytes32) {
        return IntentHashing.hashDependencies(dependencies);
    }

    function domainSeparator(address wallet, uint256 epoch) external view returns (bytes32) {
        return IntentHashing.domainSeparator(wallet, epoch);
    }

    function intentId(address wallet, uint256 epoch, Intent memory intent) external view returns (bytes32) {
        return IntentHashing.intentId(IntentHashing.domainSeparator(wallet, epoch), intent);
    }

    function replaySafeHash(address wallet, bytes32 hash) external view returns (bytes32) {
        return IntentHashing.replaySafeHash(wallet, hash);
    }
}

/// @notice Fuzz and vector tests of intent hashing: the library against an independent reference, the
///         ID's sensitivity to every field and to the domain, and IDs pinned by the SDK (see
///         test/IntentHashing/parity.test.ts, which checks the same vectors).
contract IntentHashingTest is TestBase, IntentHashingReference {
    /// @dev The wallet's ERC-7201 header slot: the epoch (uint32) in its low 32 bits.
    bytes32 private constant WALLET_STORAGE = 0xeaed0808e4d28157af1ac47c2a3073cd360637305de8411ec956cb7051ecbf00;

    uint256 private constant MAX_CALLS = 4;
    uint256 private constant MAX_DEPENDENCIES = 3;
    uint256 private constant MAX_DATA = 200;

    IntentHashingHarness private harness;
    WalletFactory private factory;
    IntentWallet private wallet;
    address private owner;

    function setUp() public {
        harness = new IntentHashingHarness();
        factory = new WalletFactory(address(new IntentWallet()));
        owner = vm.addr(0xA11CE);
        wallet = IntentWallet(payable(factory.createWallet(owner, 0)));
    }

    /*//////////////////////////////////////////////////////////////
                       LIBRARY == REFERENCE (FUZZ)
    //////////////////////////////////////////////////////////////*/

    function testFuzz_StructHashMatchesReference(Intent memory intent) public view {
        _shrink(intent);
        assertEq(harness.hashCalls(intent.calls), refHashCalls(intent.calls), "hashCalls");
        assertEq(
            harness.hashDependencies(intent.dependencies),
            refHashDependencies(intent.dependencies),
            "hashDependencies"
        );
        assertEq(harness.hashIntent(intent), refHashIntent(intent), "hashIntent");
    }

    function testFuzz_IntentIdMatchesReference(Intent memory intent, uint64 chainId, uint32 epoch) public {
        _shrink(intent);
        chainId = uint64(bound(chainId, 1, type(uint64).max));
        vm.chainId(chainId);
        _setEpoch(address(wallet), epoch);
        assertEq(wallet.intentEpoch(), epoch, "epoch stored");

        bytes32 expected = refIntentId(chainId, address(wallet), epoch, intent);
        assertEq(wallet.intentId(intent), expected, "wallet.intentId");
        assertEq(harness.intentId(address(wallet), epoch, intent), expected, "library intentId");
        assertEq(wallet.domainSeparator(), refDomainSeparator(chainId, address(wallet), epoch), "domainSeparator");
    }

    function testFuzz_LibraryIdMatchesReferenceForAnyWalletAndEpoch(
        Intent memory intent,
        address someWallet,
        uint256 epoch
    ) public view {
        _shrink(intent);
        assertEq(
            harness.intentId(someWallet, epoch, intent),
            refIntentId(block.chainid, someWallet, epoch, intent),
            "library intentId"
        );
    }

    /// @dev Intents moved to domain version "2"; ERC-1271 messages kept their own domain, version "1".
    function testFuzz_MessageDomainKeepsVersion1(bytes32 hash, address someWallet, uint64 chainId) public {
        chainId = uint64(bound(chainId, 1, type(uint64).max));
        vm.chainId(chainId);
        assertEq(wallet.replaySafeHash(hash), refReplaySafeHash(chainId, address(wallet), hash), "wallet");
        assertEq(harness.replaySafeHash(someWallet, hash), refReplaySafeHash(chainId, someWallet, hash), "library");
    }

    /*//////////////////////////////////////////////////////////////
                  EVERY FIELD CHANGES THE ID (FUZZ)
    //////////////////////////////////////////////////////////////*/

    function testFuzz_IdChangesWithSalt(Intent memory intent, uint256 other) public view {
        _shrink(intent);
        vm.assume(other != intent.salt);
        bytes32 before = wallet.intentId(intent);
        intent.salt = other;
        _assertChangedAndMatches(before, intent, "salt");
    }

    function testFuzz_IdChangesWithValidAfter(Intent memory intent, uint256 other) public view {
        _shrink(intent);
        vm.assume(other != intent.validAfter);
        bytes32 before = wallet.intentId(intent);
        intent.validAfter = other;
        _assertChangedAndMatches(before, intent, "validAfter");
    }

    function testFuzz_IdChangesWithExpiration(Intent memory intent, uint256 other) public view {
        _shrink(intent);
        vm.assume(other != intent.expiration);
        bytes32 before = wallet.intentId(intent);
        intent.expiration = other;
        _assertChangedAndMatches(before, intent, "expiration");
    }

    function testFuzz_IdChangesWithMaxGasPrice(Intent memory intent, uint256 other) public view {
        _shrink(intent);
        vm.assume(other != intent.maxGasPrice);
        bytes32 before = wallet.intentId(intent);
        intent.maxGasPrice = other;
        _assertChangedAndMatches(before, intent, "maxGasPrice");
    }

    function testFuzz_IdChangesWithMinGasLimit(Intent memory intent, uint256 other) public view {
        _shrink(intent);
        vm.assume(other != intent.minGasLimit);
        bytes32 before = wallet.intentId(intent);
        intent.minGasLimit = other;
        _assertChangedAndMatches(before, intent, "minGasLimit");
    }

    /// @dev The five scalars are bound to their positions: swapping two neighbours holding different
    ///      values changes the ID (validAfter and expiration, the two ends of the window, included).
    function testFuzz_IdBindsScalarPositions(Intent memory intent, uint256 a, uint256 b, uint8 pair) public view {
        _shrink(intent);
        vm.assume(a != b);
        pair = uint8(bound(pair, 0, 3));
        intent.salt = a;
        intent.validAfter = b;
        intent.expiration = a;
        intent.maxGasPrice = b;
        intent.minGasLimit = a;
        bytes32 before = wallet.intentId(intent);
        if (pair == 0) (intent.salt, intent.validAfter) = (b, a);
        else if (pair == 1) (intent.validAfter, intent.expiration) = (a, b);
        else if (pair == 2) (intent.expiration, intent.maxGasPrice) = (b, a);
        else (intent.maxGasPrice, intent.minGasLimit) = (a, b);
        _assertChangedAndMatches(before, intent, "swapped scalars");
    }

    function testFuzz_IdChangesWithCallTarget(Intent memory intent, uint256 index, address other) public view {
        _shrinkNonEmpty(intent);
        index = bound(index, 0, intent.calls.length - 1);
        vm.assume(other != intent.calls[index].to);
        bytes32 before = wallet.intentId(intent);
        intent.calls[index].to = other;
        _assertChangedAndMatches(before, intent, "call.to");
    }

    function testFuzz_IdChangesWithCallValue(Intent memory intent, uint256 index, uint256 other) public view {
        _shrinkNonEmpty(intent);
        index = bound(index, 0, intent.calls.length - 1);
        vm.assume(other != intent.calls[index].value);
        bytes32 before = wallet.intentId(intent);
        intent.calls[index].value = other;
        _assertChangedAndMatches(before, intent, "call.value");
    }

    function testFuzz_IdChangesWithCallData(Intent memory intent, uint256 index, bytes memory other) public view {
        _shrinkNonEmpty(intent);
        index = bound(index, 0, intent.calls.length - 1);
        vm.assume(keccak256(other) != keccak256(intent.calls[index].data));
        bytes32 before = wallet.intentId(intent);
        intent.calls[index].data = other;
        _assertChangedAndMatches(before, intent, "call.data");
    }

    /// @dev One flipped bit anywhere in a call's data, or one byte more or less (a zero byte appended
    ///      or the last byte dropped), changes the ID.
    function testFuzz_IdChangesWithOneByteOfCallData(
        Intent memory intent,
        uint256 index,
        uint256 at,
        uint8 op
    ) public view {
        _shrinkNonEmpty(intent);
        index = bound(index, 0, intent.calls.length - 1);
        bytes memory data = intent.calls[index].data;
        bytes32 before = wallet.intentId(intent);
        op = uint8(bound(op, 0, 2));
        if (op == 0 && data.length != 0) {
            at = bound(at, 0, data.length * 8 - 1);
            data[at / 8] = data[at / 8] ^ bytes1(uint8(1 << (at % 8)));
        } else if (op == 1 && data.length != 0) {
            intent.calls[index].data = _slice(data, data.length - 1);
        } else {
            intent.calls[index].data = bytes.concat(data, hex"00");
        }
        _assertChangedAndMatches(before, intent, "one byte of call.data");
    }

    function testFuzz_IdChangesWithCallsAddedOrRemoved(Intent memory intent, Call memory extra) public view {
        _shrinkNonEmpty(intent);
        _shrinkBytes(extra.data);
        bytes32 before = wallet.intentId(intent);

        Call[] memory more = new Call[](intent.calls.length + 1);
        for (uint256 i; i < intent.calls.length; ++i) more[i] = intent.calls[i];
        more[intent.calls.length] = extra;
        Call[] memory original = intent.calls;
        intent.calls = more;
        _assertChangedAndMatches(before, intent, "call appended");

        Call[] memory fewer = new Call[](original.length - 1);
        for (uint256 i; i < fewer.length; ++i) fewer[i] = original[i];
        intent.calls = fewer;
        _assertChangedAndMatches(before, intent, "last call removed");
    }

    function testFuzz_IdChangesWithCallOrder(Intent memory intent, Call memory a, Call memory b) public view {
        _shrink(intent);
        _shrinkBytes(a.data);
        _shrinkBytes(b.data);
        vm.assume(keccak256(abi.encode(a)) != keccak256(abi.encode(b)));
        intent.calls = new Call[](2);
        (intent.calls[0], intent.calls[1]) = (a, b);
        bytes32 before = wallet.intentId(intent);
        (intent.calls[0], intent.calls[1]) = (b, a);
        _assertChangedAndMatches(before, intent, "calls swapped");
    }

    function testFuzz_IdChangesWithDependencyWallet(Intent memory intent, uint256 index, address other) public view {
        _shrinkWithDependency(intent);
        index = bound(index, 0, intent.dependencies.length - 1);
        vm.assume(other != intent.dependencies[index].wallet);
        bytes32 before = wallet.intentId(intent);
        intent.dependencies[index].wallet = other;
        _assertChangedAndMatches(before, intent, "dependency.wallet");
    }

    function testFuzz_IdChangesWithDependencyId(Intent memory intent, uint256 index, bytes32 other) public view {
        _shrinkWithDependency(intent);
        index = bound(index, 0, intent.dependencies.length - 1);
        vm.assume(other != intent.dependencies[index].id);
        bytes32 before = wallet.intentId(intent);
        intent.dependencies[index].id = other;
        _assertChangedAndMatches(before, intent, "dependency.id");
    }

    function testFuzz_IdChangesWithDependencyAddedOrRemoved(Intent memory intent, Dependency memory extra) public view {
        _shrink(intent);
        bytes32 before = wallet.intentId(intent);
        uint256 n = intent.dependencies.length;

        Dependency[] memory more = new Dependency[](n + 1);
        for (uint256 i; i < n; ++i) more[i] = intent.dependencies[i];
        more[n] = extra;
        Dependency[] memory original = intent.dependencies;
        intent.dependencies = more;
        _assertChangedAndMatches(before, intent, "dependency appended");

        if (n != 0) {
            Dependency[] memory fewer = new Dependency[](n - 1);
            for (uint256 i; i < fewer.length; ++i) fewer[i] = original[i];
            intent.dependencies = fewer;
            _assertChangedAndMatches(before, intent, "last dependency removed");
        }
    }

    /// @dev A call and a dependency with the same words are different things: moving one into the other changes the ID.
    function testFuzz_CallsAndDependenciesAreNotInterchangeable(address to, bytes32 word) public view {
        Intent memory asCall = _baseIntent();
        asCall.calls[0] = Call(to, uint256(word), "");
        Intent memory asDependency = _baseIntent();
        asDependency.calls = new Call[](0);
        asDependency.dependencies = new Dependency[](1);
        asDependency.dependencies[0] = Dependency(to, word);
        assertNotEq(wallet.intentId(asCall), wallet.intentId(asDependency), "call vs dependency");
    }

    /*//////////////////////////////////////////////////////////////
                  THE DOMAIN CHANGES THE ID (FUZZ)
    //////////////////////////////////////////////////////////////*/

    function testFuzz_IdChangesWithChainId(Intent memory intent, uint64 a, uint64 b) public {
        _shrink(intent);
        a = uint64(bound(a, 1, type(uint64).max));
        b = uint64(bound(b, 1, type(uint64).max));
        vm.assume(a != b);
        vm.chainId(a);
        bytes32 onA = wallet.intentId(intent);
        assertEq(onA, refIntentId(a, address(wallet), 0, intent), "id on chain a");
        vm.chainId(b);
        bytes32 onB = wallet.intentId(intent);
        assertEq(onB, refIntentId(b, address(wallet), 0, intent), "id on chain b");
        assertNotEq(onA, onB, "same id on two chains");
        vm.chainId(a);
        assertEq(wallet.intentId(intent), onA, "id back on chain a");
    }

    function testFuzz_IdChangesWithWallet(Intent memory intent, address otherOwner, uint256 salt) public {
        _shrink(intent);
        vm.assume(otherOwner != address(0));
        vm.assume(otherOwner != owner || salt != 0);
        IntentWallet other = IntentWallet(payable(factory.createWallet(otherOwner, salt)));
        assertTrue(address(other) != address(wallet), "distinct wallets");
        bytes32 here = wallet.intentId(intent);
        bytes32 there = other.intentId(intent);
        assertEq(there, refIntentId(block.chainid, address(other), 0, intent), "id on the other wallet");
        assertNotEq(here, there, "same id on two wallets");
    }

    function testFuzz_IdChangesWithEpoch(Intent memory intent, uint8 invalidations) public {
        _shrink(intent);
        invalidations = uint8(bound(invalidations, 1, 6));
        bytes32[] memory seen = new bytes32[](invalidations + 1);
        seen[0] = wallet.intentId(intent);
        for (uint256 e = 1; e <= invalidations; ++e) {
            vm.prank(owner);
            wallet.invalidateAllIntents();
            assertEq(wallet.intentEpoch(), e, "epoch");
            seen[e] = wallet.intentId(intent);
            assertEq(seen[e], refIntentId(block.chainid, address(wallet), e, intent), "id at epoch");
            for (uint256 j; j < e; ++j) assertNotEq(seen[e], seen[j], "id repeated across epochs");
        }
    }

    /*//////////////////////////////////////////////////////////////
                 FIXED VECTORS (PINNED BY THE SDK TOO)
    //////////////////////////////////////////////////////////////*/

    address private constant VECTOR_WALLET_1 = 0xA8971C76f9a35069c4A83A3e18356f30e9C88585;
    address private constant VECTOR_WALLET_2 = 0x33f45b997aEC55EeD22BFd69bBAE779008E9eB03;
    address private constant VECTOR_WALLET_3 = 0xc37904DaB277201FA6afcaC12d30DFF9165A8f4f;
    address private constant TARGET_A = 0xE9df421Cb57CA40877037E6c39c41B583BcCdBae;
    address private constant TARGET_B = 0x81521caA19CC643818c8BB3Fa623bdcAf47BAbC1;
    address private constant TARGET_C = 0x02B14e5d97fc52bE3fF497AB56d1BfD4e22fe35f;
    address private constant DEPENDENCY_WALLET = 0xDc9c5655Eb61AcB411C53e4bA9011f61C954b869;

    /// @dev One call, no data, no dependencies, SDK defaults otherwise; chain 31337, epoch 0.
    function test_VectorMinimal() public {
        Intent memory intent;
        intent.calls = new Call[](1);
        intent.calls[0] = Call(TARGET_A, 0, "");
        intent.dependencies = new Dependency[](0);
        intent.salt = 0;
        intent.validAfter = 0;
        intent.expiration = 1767225600;
        intent.maxGasPrice = type(uint256).max;
        intent.minGasLimit = 0;
        _checkVector(
            VectorExpectation({
                chainId: 31337,
                wallet: VECTOR_WALLET_1,
                epoch: 0,
                id: 0x9bd320989676df65ba1778f63c309718f125630aa8b29e6bca8b974c2390c866,
                structHash: 0x1441b0af29c028ccc170e6c995f48b215d3876e3ed10ac3d3e14d22bc844af9c,
                domainSeparator: 0xcdd64e74c7768fb8772f6608fac31fcd187f6a0cd57e795f07e9c82e8fbacf60
            }),
            intent
        );
    }

    /// @dev Two calls (one with value and `ping(7)`), two dependencies, a `validAfter`; chain 31337, epoch 3.
    function test_VectorBatchWithDependencies() public {
        Intent memory intent;
        intent.calls = new Call[](2);
        intent.calls[0] = Call(
            TARGET_B,
            1 ether,
            hex"773acdef0000000000000000000000000000000000000000000000000000000000000007"
        );
        intent.calls[1] = Call(TARGET_C, 0, hex"deadbeef");
        intent.dependencies = new Dependency[](2);
        intent.dependencies[0] = Dependency(VECTOR_WALLET_2, keccak256("first intent"));
        intent.dependencies[1] = Dependency(
            DEPENDENCY_WALLET,
            bytes32(0x1111111111111111111111111111111111111111111111111111111111111111)
        );
        intent.salt = 42;
        intent.validAfter = 1767225600;
        intent.expiration = 1893456000;
        intent.maxGasPrice = 100 gwei;
        intent.minGasLimit = 150_000;
        _checkVector(
            VectorExpectation({
                chainId: 31337,
                wallet: VECTOR_WALLET_2,
                epoch: 3,
                id: 0xeee4bbdb601d7c7cf60414dd3334ed490974b1f743a27b3b8c71e9b3ed6693f6,
                structHash: 0x8f605ab2bbc8f8a34c2d07083182daa024f61b8a6bc6fd6f1fbf33c6d14fad60,
                domainSeparator: 0xdaaf032656acc412a402370f7b40dda9283b222768b4ab592dbafb2a8fbe1b3a
            }),
            intent
        );
    }

    /// @dev Extreme values: zero address, 2^256-1 value/salt/validAfter/minGasLimit, 100 bytes of data, a zero
    ///      dependency; chain 31338, epoch 2^32-1 (the largest the wallet can store).
    function test_VectorExtremes() public {
        bytes memory data100 = new bytes(100);
        for (uint256 i; i < 100; ++i) data100[i] = bytes1(uint8(i));
        assertEq(
            keccak256(data100),
            keccak256(
                hex"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60616263"
            ),
            "data100"
        );
        Intent memory intent;
        intent.calls = new Call[](3);
        intent.calls[0] = Call(address(0), type(uint256).max, "");
        intent.calls[1] = Call(TARGET_A, 1, data100);
        intent.calls[2] = Call(VECTOR_WALLET_3, 0, hex"00");
        intent.dependencies = new Dependency[](1);
        intent.dependencies[0] = Dependency(address(0), bytes32(0));
        intent.salt = type(uint256).max;
        intent.validAfter = type(uint256).max;
        intent.expiration = 1;
        intent.maxGasPrice = 0;
        intent.minGasLimit = type(uint256).max;
        _checkVector(
            VectorExpectation({
                chainId: 31338,
                wallet: VECTOR_WALLET_3,
                epoch: type(uint32).max,
                id: 0xe136c7731a79a0fa3b544c20573568776695ea93ddc6d7f071cd3c179280c7c4,
                structHash: 0x72999e8e2c44511cbd9208f1a44f3bf5a2af433494c6e31427ac8f581a37f352,
                domainSeparator: 0xfa58464e21efe77eacb025a4aae3c0e45e72bc92413baf0800b9f8b31c875c8b
            }),
            intent
        );
    }

    /// @dev The library's type hashes are the hashes of the type strings.
    function test_TypeHashesAreThoseOfTheTypeStrings() public {
        TypeHashProbe probe = new TypeHashProbe();
        assertEq(probe.callTypehash(), keccak256("Call(address to,uint256 value,bytes data)"), "CALL_TYPEHASH");
        assertEq(probe.dependencyTypehash(), keccak256("Dependency(address wallet,bytes32 id)"), "DEPENDENCY_TYPEHASH");
        assertEq(
            probe.intentTypehash(),
            keccak256(
                "Intent(Call[] calls,Dependency[] dependencies,uint256 salt,uint256 validAfter,uint256 expiration,uint256 maxGasPrice,uint256 minGasLimit)Call(address to,uint256 value,bytes data)Dependency(address wallet,bytes32 id)"
            ),
            "INTENT_TYPEHASH"
        );
        // Sanity of the wallet slot the vectors write the epoch to: the epoch lives in its low 32 bits.
        vm.prank(owner);
        wallet.invalidateAllIntents();
        assertEq(uint32(uint256(vm.load(address(wallet), WALLET_STORAGE))), 1, "epoch in the ERC-7201 slot");
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    struct VectorExpectation {
        uint256 chainId;
        address wallet;
        uint32 epoch;
        bytes32 id;
        bytes32 structHash;
        bytes32 domainSeparator;
    }

    /// @dev Checks a vector through the library, the reference, and the real wallet code placed at the
    ///      vector's address with the vector's epoch.
    function _checkVector(VectorExpectation memory v, Intent memory intent) private {
        vm.chainId(v.chainId);
        assertEq(harness.hashIntent(intent), v.structHash, "library struct hash");
        assertEq(refHashIntent(intent), v.structHash, "reference struct hash");
        assertEq(harness.domainSeparator(v.wallet, v.epoch), v.domainSeparator, "library domain separator");
        assertEq(refDomainSeparator(v.chainId, v.wallet, v.epoch), v.domainSeparator, "reference domain separator");
        assertEq(harness.intentId(v.wallet, v.epoch, intent), v.id, "library id");
        assertEq(refIntentId(v.chainId, v.wallet, v.epoch, intent), v.id, "reference id");

        vm.etch(v.wallet, address(wallet).code);
        _setEpoch(v.wallet, v.epoch);
        IntentWallet atVector = IntentWallet(payable(v.wallet));
        assertEq(atVector.intentEpoch(), v.epoch, "epoch at the vector wallet");
        assertEq(atVector.domainSeparator(), v.domainSeparator, "wallet domain separator");
        assertEq(atVector.intentId(intent), v.id, "wallet id");
    }

    /// @dev Writes `epoch` into a wallet's header slot, keeping the rest of it.
    function _setEpoch(address target, uint32 epoch) private {
        uint256 word = uint256(vm.load(target, WALLET_STORAGE));
        word = (word & ~uint256(type(uint32).max)) | epoch;
        vm.store(target, WALLET_STORAGE, bytes32(word));
    }

    function _assertChangedAndMatches(bytes32 before, Intent memory intent, string memory what) private view {
        bytes32 afterChange = wallet.intentId(intent);
        assertNotEq(before, afterChange, string.concat("id unchanged by ", what));
        assertEq(
            afterChange,
            refIntentId(block.chainid, address(wallet), 0, intent),
            string.concat("reference after ", what)
        );
    }

    function _baseIntent() private pure returns (Intent memory intent) {
        intent.calls = new Call[](1);
        intent.dependencies = new Dependency[](0);
        intent.expiration = 1767225600;
        intent.maxGasPrice = type(uint256).max;
    }

    /// @dev Cuts a fuzzed intent down to at most MAX_CALLS calls of at most MAX_DATA bytes and MAX_DEPENDENCIES dependencies.
    function _shrink(Intent memory intent) private pure {
        Call[] memory calls = intent.calls;
        Dependency[] memory dependencies = intent.dependencies;
        uint256 nCalls = calls.length > MAX_CALLS ? MAX_CALLS : calls.length;
        uint256 nDependencies = dependencies.length > MAX_DEPENDENCIES ? MAX_DEPENDENCIES : dependencies.length;
        assembly ("memory-safe") {
            mstore(calls, nCalls)
            mstore(dependencies, nDependencies)
        }
        for (uint256 i; i < nCalls; ++i) _shrinkBytes(calls[i].data);
    }

    /// @dev `_shrink`, then makes sure there is at least one call.
    function _shrinkNonEmpty(Intent memory intent) private pure {
        _shrink(intent);
        if (intent.calls.length == 0) {
            intent.calls = new Call[](1);
            intent.calls[0] = Call(address(uint160(intent.salt)), intent.expiration, abi.encode(intent.maxGasPrice));
        }
    }

    /// @dev `_shrink`, then makes sure there is at least one dependency.
    function _shrinkWithDependency(Intent memory intent) private pure {
        _shrink(intent);
        if (intent.dependencies.length == 0) {
            intent.dependencies = new Dependency[](1);
            intent.dependencies[0] = Dependency(address(uint160(intent.salt)), bytes32(intent.minGasLimit));
        }
    }

    function _shrinkBytes(bytes memory data) private pure {
        if (data.length > MAX_DATA) {
            assembly ("memory-safe") {
                mstore(data, MAX_DATA)
            }
        }
    }

    function _slice(bytes memory data, uint256 length) private pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) out[i] = data[i];
    }
}

/// @notice Reads the library's internal type hashes.
contract TypeHashProbe {
    function callTypehash() external pure returns (bytes32) {
        return IntentHashing.CALL_TYPEHASH;
    }

    function dependencyTypehash() external pure returns (bytes32) {
        return IntentHashing.DEPENDENCY_TYPEHASH;
    }

    function intentTypehash() external pure returns (bytes32) {
        return IntentHashing.INTENT_TYPEHASH;
    }
}
