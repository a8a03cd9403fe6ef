// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../../contracts/interfaces/IIntentWallet.sol";
import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {Call, Dependency, Intent} from "../../contracts/libraries/IntentHashing.sol";
import {PackedIntentHarness} from "../../contracts/mocks/PackedIntentHarness.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {IntentHashingReference} from "./utils/IntentHashingReference.sol";
import {PackedIntentEncoder} from "./utils/PackedIntentEncoder.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice Keeps a running hash of every call it receives (caller, value, data), whatever the data; refuses,
///         after recording (so the record is undone with the call), data starting with 0xff.
contract CallLog {
    /// @notice The call was refused on purpose.
    error CallLogRefused();

    bytes32 public logDigest;
    uint256 public logCount;

    fallback() external payable {
        _record();
    }

    receive() external payable {
        _record();
    }

    function _record() private {
        logDigest = keccak256(abi.encode(logDigest, msg.sender, msg.value, msg.data));
        ++logCount;
        if (msg.data.length != 0 && msg.data[0] == 0xff) revert CallLogRefused();
    }
}

/// @notice A wallet on which every intent succeeded: any dependency naming it is met.
contract EverythingSucceeded {
    function intentStatus(bytes32) external pure returns (IIntentWallet.IntentStatus) {
        return IIntentWallet.IntentStatus.Succeeded;
    }
}

/// @notice Fuzz tests of the packed intent form: an independent encoder against the wallet's decoder
///         (round trip, leading zeros, trailing bytes, truncation, arbitrary and mutated bytes), and
///         `relayPacked` against `relay` on a real wallet (same ID, same outcome; a mutated packed relay
///         never relays anything but the intent whose ID was signed).
contract PackedIntentTest is TestBase, IntentHashingReference {
    /// @notice What a relay did, as `probeRelay` reports it.
    struct Outcome {
        bool ok;
        bytes returned; // return or revert data; the gasLeft of IntentInsufficientGas zeroed
        IIntentWallet.IntentReceipt receipt;
        bytes32 logDigest;
        uint256 logCount;
        uint256 walletBalance;
        uint256 noCodeBalance;
    }

    /// @notice `probeRelay`'s report, in a revert so that the relay it made is undone.
    error Probed(bytes outcome);

    uint256 private constant OWNER_KEY = 0xA11CE;
    uint256 private constant NOW = 1_800_000_000;
    uint256 private constant WALLET_FUNDS = 10 ether;
    /// @dev An address without code: a call to it succeeds and only moves its value.
    address private constant NO_CODE = address(0xC0FFEE);

    uint256 private constant MAX_CALLS = 4;
    uint256 private constant MAX_DEPENDENCIES = 3;
    uint256 private constant MAX_DATA = 200;

    bytes4 private constant PANIC_SELECTOR = 0x4e487b71; // Panic(uint256)
    bytes4 private constant ERROR_SELECTOR = 0x08c379a0; // Error(string)

    PackedIntentHarness private harness;
    WalletFactory private factory;
    IntentWallet private wallet;
    CallLog private callLog;
    EverythingSucceeded private everythingSucceeded;
    address private owner;
    /// @dev Where `harness.decode`'s packed bytes start in its calldata.
    uint256 private decodeStart;

    function setUp() public {
        vm.warp(NOW);
        harness = new PackedIntentHarness();
        decodeStart = harness.DECODE_PACKED_OFFSET();
        factory = new WalletFactory(address(new IntentWallet()));
        owner = vm.addr(OWNER_KEY);
        wallet = IntentWallet(payable(factory.createWallet(owner, 0)));
        callLog = new CallLog();
        everythingSucceeded = new EverythingSucceeded();
        vm.deal(address(wallet), WALLET_FUNDS);
    }

    /*//////////////////////////////////////////////////////////////
                     ENCODER -> DECODER (FUZZ)
    //////////////////////////////////////////////////////////////*/

    function testFuzz_PackedEncodingDecodesToTheSameIntent(Intent memory intent, bytes memory signature) public view {
        _shrink(intent);
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, 0);
        bytes memory input = bytes.concat(packed, signature);
        (Intent memory decoded, bytes memory decodedSignature) = harness.decode(input);
        _assertSameIntent(decoded, intent, "decoded");
        assertEq(keccak256(decodedSignature), keccak256(signature), "signature");
        (bytes32 id, bytes32 structHash, ) = harness.decodeId(input, address(wallet), 0);
        assertEq(structHash, refHashIntent(intent), "struct hash of the decoded intent");
        assertEq(id, refIntentId(block.chainid, address(wallet), 0, intent), "id of the decoded intent");
    }

    /// @dev Leading zero bytes in any varint decode to the same value: the same intent, the same hash.
    function testFuzz_LeadingZerosInVarintsChangeNothing(
        Intent memory intent,
        bytes memory signature,
        uint256 paddingSeed
    ) public view {
        _shrink(intent);
        vm.assume(paddingSeed != 0);
        (bytes memory padded, ) = PackedIntentEncoder.encode(intent, paddingSeed);
        (bytes memory shortest, ) = PackedIntentEncoder.encode(intent, 0);
        assertLe(shortest.length, padded.length, "the shortest encoding is no longer");
        (Intent memory decoded, bytes memory decodedSignature) = harness.decode(bytes.concat(padded, signature));
        _assertSameIntent(decoded, intent, "decoded with leading zeros");
        assertEq(keccak256(decodedSignature), keccak256(signature), "signature");
        assertEq(_structHash(bytes.concat(padded, signature)), refHashIntent(intent), "struct hash");
    }

    /// @dev Whatever follows the intent is the signature, byte for byte: appending bytes changes the
    ///      signature and nothing else.
    function testFuzz_TrailingBytesOnlyGoIntoTheSignature(
        Intent memory intent,
        bytes memory signature,
        bytes memory extra,
        uint256 paddingSeed
    ) public view {
        _shrink(intent);
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, paddingSeed);
        (Intent memory decoded, bytes memory decodedSignature) = harness.decode(bytes.concat(packed, signature, extra));
        _assertSameIntent(decoded, intent, "decoded with trailing bytes");
        assertEq(keccak256(decodedSignature), keccak256(bytes.concat(signature, extra)), "signature");
    }

    /// @dev An encoding cut anywhere before its end reverts with `IntentMalformed`, naming the start of a
    ///      field (a varint or an address) at or before the cut.
    function testFuzz_TruncatedEncodingRevertsMalformedAtAFieldBeforeTheCut(
        Intent memory intent,
        uint256 cut,
        uint256 paddingSeed
    ) public view {
        _shrink(intent);
        (bytes memory packed, uint256[] memory fieldStarts) = PackedIntentEncoder.encode(intent, paddingSeed);
        cut = bound(cut, 0, packed.length - 1);
        try harness.decode(_slice(packed, 0, cut)) {
            fail("a truncated encoding decoded");
        } catch (bytes memory reason) {
            uint256 offset = _malformedOffset(reason, decodeStart);
            assertLe(offset, cut, "the offset is past the cut");
            assertTrue(_contains(fieldStarts, offset), "the offset is not the start of a field");
        }
    }

    /// @dev Any byte string either reverts with `IntentMalformed` or decodes to an intent whose shortest
    ///      encoding, followed by the decoded signature, decodes to the same intent and signature.
    function testFuzz_AnyBytesDecodeConsistentlyOrRevertMalformed(bytes memory input) public view {
        _checkDecodesConsistentlyOrRevertsMalformed(input);
    }

    /// @dev The same property over bytes close to valid ones: a valid encoding (with a signature and
    ///      maybe leading zeros) with one byte flipped, set to a small value (often a length), inserted
    ///      or deleted.
    function testFuzz_MutatedEncodingDecodesConsistentlyOrRevertsMalformed(
        Intent memory intent,
        bytes memory signature,
        uint256 paddingSeed,
        uint256 at,
        uint8 op,
        uint8 operand
    ) public view {
        _shrink(intent);
        _shrinkBytes(signature);
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, paddingSeed);
        bytes memory input = _mutate(bytes.concat(packed, signature), 0, at, op, operand);
        _checkDecodesConsistentlyOrRevertsMalformed(input);
    }

    /*//////////////////////////////////////////////////////////////
                  relayPacked == relay ON A WALLET (FUZZ)
    //////////////////////////////////////////////////////////////*/

    /// @dev The same fuzzed intent (relayable or not: early, expired, too cheap a gas price, unmet
    ///      dependencies, failing calls, too much minGasLimit) relayed in either form has the same ID and
    ///      the same outcome: the same result or revert, receipt, calls made and ETH moved. One relay
    ///      consumes the ID for both forms.
    function testFuzz_RelayPackedAndRelayGiveTheSameIdAndOutcome(
        Intent memory intent,
        uint256 paddingSeed,
        uint64 gasPrice
    ) public {
        _shrink(intent);
        _aimAtTestTargets(intent);
        vm.txGasPrice(bound(gasPrice, 0, 1_000 gwei));
        bytes32 id = wallet.intentId(intent);
        bytes memory signature = _sign(OWNER_KEY, id);
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, paddingSeed);
        (bytes32 packedId, , bytes memory packedSignature) = harness.decodeId(
            bytes.concat(packed, signature),
            address(wallet),
            0
        );
        assertEq(packedId, id, "the packed form's ID");
        assertEq(keccak256(packedSignature), keccak256(signature), "the packed form's signature");

        bytes memory viaAbi = abi.encodeCall(IIntentWallet.relay, (intent, signature));
        bytes memory viaPacked = bytes.concat(IIntentWallet.relayPacked.selector, packed, signature);
        Outcome memory abiOutcome = _probe(viaAbi, id);
        Outcome memory packedOutcome = _probe(viaPacked, id);
        _assertSameOutcome(packedOutcome, abiOutcome);

        // For real now: a packed relay consumes the ID the ABI form names, and the other way round.
        (bool ok, ) = address(wallet).call(paddingSeed % 2 == 0 ? viaPacked : viaAbi);
        assertEq(ok, abiOutcome.ok, "relayed for real");
        if (ok) _assertConsumed(paddingSeed % 2 == 0 ? viaAbi : viaPacked, intent, id);
    }

    /// @dev A relayable owner-signed intent whose `relayPacked` calldata is mutated (a byte flipped or set
    ///      to a small value, the calldata cut short, bytes appended) reverts with a custom error, or relays
    ///      exactly the signed intent: never another intent under the valid signature.
    function testFuzz_MutatedRelayPackedRevertsOrRelaysTheSignedIntent(
        Intent memory intent,
        uint256 paddingSeed,
        uint256 at,
        uint8 op,
        uint8 operand,
        bytes memory extra
    ) public {
        _shrink(intent);
        _aimAtTestTargets(intent);
        _makeRelayable(intent);
        bytes32 id = wallet.intentId(intent);
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, paddingSeed);
        bytes memory original = bytes.concat(IIntentWallet.relayPacked.selector, packed, _sign(OWNER_KEY, id));
        Outcome memory signed = _probe(original, id);
        assertTrue(signed.ok, "the signed intent relays");

        uint8 kind = op % 4;
        bytes memory mutated;
        if (kind == 2) mutated = bytes.concat(original, extra.length == 0 ? bytes(hex"00") : extra);
        else if (kind == 3) mutated = _slice(original, 0, bound(at, 4, original.length - 1));
        else mutated = _mutate(original, 4, at, kind, operand); // a byte after the selector flipped or set

        bytes32 logBefore = callLog.logDigest();
        (bool ok, bytes memory returned) = address(wallet).call(mutated);
        if (ok) {
            Outcome memory relayed = _outcome(ok, returned, id);
            _assertSameOutcome(relayed, signed);
        } else {
            _assertCustomError(returned);
            if (bytes4(returned) == IIntentWallet.IntentMalformed.selector) {
                assertLe(_malformedOffset(returned, 4), mutated.length, "IntentMalformed offset");
            }
            assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.None), "receipt written");
            assertEq(callLog.logDigest(), logBefore, "a call ran");
        }
    }

    /// @dev Any bytes after `relayPacked`'s selector revert with a custom error: there is no signed intent.
    function testFuzz_AnyRelayPackedCalldataRevertsWithACustomError(bytes memory input) public {
        (bool ok, bytes memory returned) = address(wallet).call(
            bytes.concat(IIntentWallet.relayPacked.selector, input)
        );
        assertFalse(ok, "relayed an unsigned intent");
        _assertCustomError(returned);
        if (bytes4(returned) == IIntentWallet.IntentMalformed.selector) {
            uint256 offset = _malformedOffset(returned, 4);
            assertLe(offset, input.length, "IntentMalformed offset");
        }
        assertEq(callLog.logCount(), 0, "a call ran");
    }

    /// @notice Relays `data` on the wallet, then reverts with what happened (see `Outcome`), undoing it.
    /// @dev External so the test can call it and catch the revert; not a test itself.
    function probeRelay(bytes calldata data, bytes32 id) external {
        (bool ok, bytes memory returned) = address(wallet).call(data);
        revert Probed(abi.encode(_outcome(ok, returned, id)));
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The property of arbitrary bytes: `IntentMalformed` with an offset inside them, or a consistent
    ///      decoding (the shortest re-encoding decodes to the same intent, hash and signature; the
    ///      signature is what the input ends with).
    function _checkDecodesConsistentlyOrRevertsMalformed(bytes memory input) private view {
        try harness.decode(input) returns (Intent memory decoded, bytes memory signature) {
            (bytes memory shortest, ) = PackedIntentEncoder.encode(decoded, 0);
            bytes memory again = bytes.concat(shortest, signature);
            assertLe(again.length, input.length, "the re-encoding is longer");
            assertEq(
                keccak256(signature),
                keccak256(_slice(input, input.length - signature.length, input.length)),
                "the signature is not the input's tail"
            );
            (Intent memory redecoded, bytes memory signatureAgain) = harness.decode(again);
            _assertSameIntent(redecoded, decoded, "re-encoded");
            assertEq(keccak256(signatureAgain), keccak256(signature), "signature after re-encoding");
            assertEq(_structHash(again), _structHash(input), "library struct hash after re-encoding");
            assertEq(_structHash(input), refHashIntent(decoded), "reference struct hash");
        } catch (bytes memory reason) {
            assertLe(_malformedOffset(reason, decodeStart), input.length, "offset past the input");
        }
    }

    /// @dev Relaying `intent` (whose ID was `id`) again, in the form `data`, reverts with
    ///      `IntentAlreadyRelayed(id)`; or, when a call of the intent was the wallet's own
    ///      `invalidateAllIntents()`, with `IntentInvalidSignature` of its ID at the new epoch.
    function _assertConsumed(bytes memory data, Intent memory intent, bytes32 id) private {
        (bool ok, bytes memory reason) = address(wallet).call(data);
        assertFalse(ok, "relayed twice");
        bytes32 idNow = wallet.intentId(intent);
        bytes memory expected =
            idNow == id
                ? abi.encodeWithSelector(IIntentWallet.IntentAlreadyRelayed.selector, id)
                : abi.encodeWithSelector(IIntentWallet.IntentInvalidSignature.selector, idNow);
        assertEq(keccak256(reason), keccak256(expected), "the second relay's revert");
    }

    /// @dev The struct hash the library computes for what `input` decodes to.
    function _structHash(bytes memory input) private view returns (bytes32 structHash) {
        (, structHash, ) = harness.decodeId(input, address(wallet), 0);
    }

    /// @dev Relays `data` through `probeRelay` and returns its report; the relay is undone.
    function _probe(bytes memory data, bytes32 id) private returns (Outcome memory) {
        try this.probeRelay(data, id) {
            fail("probeRelay returned");
        } catch (bytes memory reason) {
            assertTrue(bytes4(reason) == Probed.selector, "probeRelay failed");
            return abi.decode(abi.decode(_withoutSelector(reason), (bytes)), (Outcome));
        }
    }

    function _outcome(bool ok, bytes memory returned, bytes32 id) private view returns (Outcome memory outcome) {
        if (!ok && returned.length == 100 && bytes4(returned) == IIntentWallet.IntentInsufficientGas.selector) {
            // gasLeft differs between the forms by the decoding's cost: keep the ID and minGasLimit.
            assembly ("memory-safe") {
                mstore(add(returned, 100), 0)
            }
        }
        outcome.ok = ok;
        outcome.returned = returned;
        outcome.receipt = wallet.intentReceipt(id);
        outcome.logDigest = callLog.logDigest();
        outcome.logCount = callLog.logCount();
        outcome.walletBalance = address(wallet).balance;
        outcome.noCodeBalance = NO_CODE.balance;
    }

    function _assertSameOutcome(Outcome memory actual, Outcome memory expected) private pure {
        assertEq(actual.ok, expected.ok, "relay reverted in one form only");
        assertEq(keccak256(actual.returned), keccak256(expected.returned), "return or revert data");
        assertEq(uint256(actual.receipt.status), uint256(expected.receipt.status), "receipt status");
        assertEq(actual.receipt.relayer, expected.receipt.relayer, "receipt relayer");
        assertEq(actual.receipt.blockNumber, expected.receipt.blockNumber, "receipt block");
        assertEq(actual.logDigest, expected.logDigest, "calls made");
        assertEq(actual.logCount, expected.logCount, "number of calls made");
        assertEq(actual.walletBalance, expected.walletBalance, "wallet balance");
        assertEq(actual.noCodeBalance, expected.noCodeBalance, "ETH sent to an address without code");
    }

    /// @dev A revert with a custom error: four bytes at least, neither `Panic` nor `Error(string)`.
    function _assertCustomError(bytes memory reason) private pure {
        assertTrue(reason.length >= 4, "an empty revert");
        assertTrue(bytes4(reason) != PANIC_SELECTOR, "a panic");
        assertTrue(bytes4(reason) != ERROR_SELECTOR, "a string revert");
    }

    /// @dev The offset of `IntentMalformed(offset)`, relative to `start`; fails on any other revert.
    function _malformedOffset(bytes memory reason, uint256 start) private pure returns (uint256) {
        assertEq(reason.length, 36, "revert data length");
        assertTrue(bytes4(reason) == IIntentWallet.IntentMalformed.selector, "not IntentMalformed");
        uint256 offset = abi.decode(_withoutSelector(reason), (uint256));
        assertTrue(offset >= start, "offset before the packed bytes");
        return offset - start;
    }

    function _assertSameIntent(Intent memory actual, Intent memory expected, string memory what) private pure {
        assertEq(actual.calls.length, expected.calls.length, string.concat(what, ": call count"));
        for (uint256 i; i < actual.calls.length; ++i) {
            assertEq(actual.calls[i].to, expected.calls[i].to, string.concat(what, ": call.to"));
            assertEq(actual.calls[i].value, expected.calls[i].value, string.concat(what, ": call.value"));
            assertEq(
                keccak256(actual.calls[i].data),
                keccak256(expected.calls[i].data),
                string.concat(what, ": call.data")
            );
        }
        assertEq(actual.dependencies.length, expected.dependencies.length, string.concat(what, ": dependency count"));
        for (uint256 i; i < actual.dependencies.length; ++i) {
            assertEq(
                actual.dependencies[i].wallet,
                expected.dependencies[i].wallet,
                string.concat(what, ": dependency.wallet")
            );
            assertEq(actual.dependencies[i].id, expected.dependencies[i].id, string.concat(what, ": dependency.id"));
        }
        assertEq(actual.salt, expected.salt, string.concat(what, ": salt"));
        assertEq(actual.validAfter, expected.validAfter, string.concat(what, ": validAfter"));
        assertEq(actual.expiration, expected.expiration, string.concat(what, ": expiration"));
        assertEq(actual.maxGasPrice, expected.maxGasPrice, string.concat(what, ": maxGasPrice"));
        assertEq(actual.minGasLimit, expected.minGasLimit, string.concat(what, ": minGasLimit"));
        assertEq(refHashIntent(actual), refHashIntent(expected), string.concat(what, ": reference struct hash"));
    }

    /// @dev Points a fuzzed intent's calls at the call log (which refuses data starting with 0xff), an
    ///      address without code or the wallet itself, with mostly affordable values; its dependencies at
    ///      a wallet where everything succeeded, or (one in five) at an address where nothing did; and its
    ///      window, gas price limit and minGasLimit near the edges that matter.
    function _aimAtTestTargets(Intent memory intent) private view {
        for (uint256 i; i < intent.calls.length; ++i) {
            Call memory call = intent.calls[i];
            uint256 pick = uint160(call.to) % 4;
            call.to =
                pick < 2
                    ? address(callLog)
                    : pick == 2
                        ? NO_CODE
                        : address(wallet);
            if (call.value % 4 != 0) call.value = bound(call.value, 0, 1 ether);
        }
        for (uint256 i; i < intent.dependencies.length; ++i) {
            Dependency memory dependency = intent.dependencies[i];
            if (uint160(dependency.wallet) % 5 != 0) dependency.wallet = address(everythingSucceeded);
        }
        if (intent.validAfter % 3 != 0) intent.validAfter = bound(intent.validAfter, NOW - 1 days, NOW + 1 days);
        if (intent.expiration % 3 != 0) intent.expiration = bound(intent.expiration, NOW - 1 days, NOW + 30 days);
        if (intent.maxGasPrice % 3 != 0) intent.maxGasPrice = bound(intent.maxGasPrice, 0, 1_000 gwei);
        if (intent.minGasLimit % 4 != 0) intent.minGasLimit = bound(intent.minGasLimit, 0, 1_000_000);
    }

    /// @dev Makes an intent aimed by `_aimAtTestTargets` relayable by an owner signature: one call at
    ///      least, inside its window, no gas price limit, a small minGasLimit, dependencies met.
    function _makeRelayable(Intent memory intent) private view {
        if (intent.calls.length == 0) {
            intent.calls = new Call[](1);
            intent.calls[0] = Call(address(callLog), 0, abi.encode(intent.salt));
        }
        for (uint256 i; i < intent.dependencies.length; ++i) {
            intent.dependencies[i].wallet = address(everythingSucceeded);
        }
        intent.validAfter = bound(intent.validAfter, 0, NOW);
        intent.expiration = bound(intent.expiration, NOW + 1, type(uint256).max);
        intent.maxGasPrice = type(uint256).max;
        intent.minGasLimit = bound(intent.minGasLimit, 0, 100_000);
    }

    /// @dev `data` with one change at or after `from`: op 0 flips the byte at `at` (xor a non-zero
    ///      `operand`), op 1 sets it to `operand % 34` (a length byte, often valid), op 2 inserts
    ///      `operand` before it, op 3 deletes it. Empty data (after `from`) gets the byte appended.
    function _mutate(
        bytes memory data,
        uint256 from,
        uint256 at,
        uint8 op,
        uint8 operand
    ) private pure returns (bytes memory out) {
        if (data.length <= from) return bytes.concat(data, bytes1(operand));
        at = bound(at, from, data.length - 1);
        op = op % 4;
        if (op == 0) {
            out = bytes.concat(data);
            out[at] = out[at] ^ bytes1(uint8(bound(operand, 1, 255)));
        } else if (op == 1) {
            out = bytes.concat(data);
            out[at] = bytes1(operand % 34);
        } else if (op == 2) {
            out = bytes.concat(_slice(data, 0, at), bytes1(operand), _slice(data, at, data.length));
        } else {
            out = bytes.concat(_slice(data, 0, at), _slice(data, at + 1, data.length));
        }
    }

    /// @dev Cuts a fuzzed intent down to at most MAX_CALLS calls of at most MAX_DATA bytes and
    ///      MAX_DEPENDENCIES dependencies.
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

    function _shrinkBytes(bytes memory data) private pure {
        if (data.length > MAX_DATA) {
            assembly ("memory-safe") {
                mstore(data, MAX_DATA)
            }
        }
    }

    /// @dev `data[start:end]`, copied.
    function _slice(bytes memory data, uint256 start, uint256 end) private pure returns (bytes memory out) {
        out = new bytes(end - start);
        for (uint256 i; i < out.length; ++i) out[i] = data[start + i];
    }

    function _withoutSelector(bytes memory data) private pure returns (bytes memory) {
        return _slice(data, 4, data.length);
    }

    function _contains(uint256[] memory values, uint256 value) private pure returns (bool) {
        for (uint256 i; i < values.length; ++i) if (values[i] == value) return true;
        return false;
    }

    function _sign(uint256 privateKey, bytes32 id) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, id);
        return abi.encodePacked(bytes1(0x00), r, s, v);
    }
}
