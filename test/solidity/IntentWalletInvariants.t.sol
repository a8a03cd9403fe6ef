// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../../contracts/interfaces/IIntentWallet.sol";
import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {Call, Dependency, Intent} from "../../contracts/libraries/IntentHashing.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {PackedIntentEncoder} from "./utils/PackedIntentEncoder.sol";
import {FuzzSelector, TestBase} from "./utils/Vm.sol";

/// @notice Counts, per key, how many times the calls of an intent ran.
contract PoolCounter {
    mapping(uint256 key => uint256) public count;

    /// @notice One execution of the intent whose key is `key`.
    function hit(uint256 key) external payable {
        count[key] += 1;
    }

    /// @notice Counts, then reverts: the count must be undone.
    function hitThenFail(uint256 key) external {
        count[key] += 1;
        revert("PoolCounter: failing on purpose");
    }

    /// @notice Always reverts.
    function fail() external pure {
        revert("PoolCounter: failing on purpose");
    }

    /// @notice Does nothing.
    function noop() external {}
}

/// @notice What the invariant fuzzer calls: relays, re-relays, cancels, invalidates and warps over a small
///         fixed pool of owner-signed intents. Each pool intent of each epoch counts its own executions
///         on `PoolCounter` under its own key, so the invariants can compare counts with receipts. Every
///         relay takes a fuzzed route: `relay` (the ABI form), the factory's `createWalletAndRelay`, or
///         `relayPacked` (the packed form).
/// @dev No function here starts with `test` or `invariant`, so the runner never takes it for a suite.
contract IntentPoolHandler is TestBase {
    uint256 public constant POOL = 10;
    uint256 public constant MAX_EPOCHS = 4;
    uint256 public constant LONG_LIFETIME = 3650 days;
    uint256 public constant SHORT_LIFETIME = 1 days;

    // Pool members (index in the pool, per epoch):
    uint256 internal constant SINGLE = 0; // one call: succeeds
    uint256 internal constant BATCH_WITH_VALUE = 1; // hit with 1 wei, then a no-op: succeeds while the wallet has ETH
    uint256 internal constant BATCH_FAILING = 2; // hit, then a failing call: always Failed, the hit undone
    uint256 internal constant SINGLE_FAILING = 3; // hit then revert in one call: always Failed
    uint256 internal constant DEPENDS_ON_SINGLE = 4; // relayable once SINGLE succeeded
    uint256 internal constant DEPENDS_ON_FAILING = 5; // depends on SINGLE_FAILING: never relayable
    uint256 internal constant SHORT_LIVED = 6; // expires one day after the epoch's pool was made
    uint256 internal constant CANCELS_SHORT_LIVED = 7; // hit, then cancels SHORT_LIVED through the wallet
    uint256 internal constant NEEDS_TOO_MUCH_GAS = 8; // minGasLimit no relay can give: never relayable
    uint256 internal constant SCHEDULED = 9; // valid only from one day after the epoch's pool was made

    // Relay routes.
    uint8 internal constant VIA_RELAY = 0;
    uint8 internal constant VIA_FACTORY = 1;
    uint8 internal constant VIA_RELAY_PACKED = 2;

    IntentWallet public immutable wallet;
    WalletFactory public immutable factory;
    PoolCounter public immutable counter;
    address public immutable owner;
    uint256 private immutable ownerKey;

    /// @notice Epochs entered so far; the current epoch is `epochs - 1`.
    uint256 public epochs;
    bytes32[POOL][MAX_EPOCHS] private _ids;
    uint256[MAX_EPOCHS] private _madeAt;

    // Ghost counters.
    uint256 public calls;
    uint256 public relayed;
    uint256 public relayedAndFailed;
    uint256 public relayReverted;
    uint256 public reRelays;
    uint256 public staleRelays;
    uint256 public forgedRelays;
    uint256 public cancels;
    uint256 public invalidations;
    /// @notice Things that must never happen; the invariants require it to stay zero.
    uint256 public unexpected;
    string public lastUnexpected;

    constructor(IntentWallet wallet_, WalletFactory factory_, PoolCounter counter_, uint256 ownerKey_) {
        wallet = wallet_;
        factory = factory_;
        counter = counter_;
        ownerKey = ownerKey_;
        owner = vm.addr(ownerKey_);
        _enterEpoch();
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Signs pool intent `index` of the current epoch as the owner and relays it (by a fuzzed
    ///         route) from a fuzzed relayer. A relay of an ID already relayed or canceled must revert, and
    ///         so must a relay of the scheduled intent before its `validAfter`.
    function relay(uint256 index, address relayer, uint8 route) external {
        ++calls;
        uint256 e = epochs - 1;
        uint256 i = index % POOL;
        bytes32 id = _ids[e][i];
        IIntentWallet.IntentStatus before = wallet.intentStatus(id);
        if (before != IIntentWallet.IntentStatus.None) ++reRelays;
        Intent memory intent = poolIntent(e, i);
        (bool reverted, bool success) = _relay(intent, _sign(ownerKey, id), relayer, route);
        if (reverted) {
            ++relayReverted;
            return;
        }
        if (before != IIntentWallet.IntentStatus.None) _unexpected("an ID relayed or canceled before ran again");
        if (block.timestamp < intent.validAfter) _unexpected("an intent was relayed before its validAfter");
        ++relayed;
        if (!success) ++relayedAndFailed;
    }

    /// @notice Relays again an ID of the current epoch that was relayed or canceled already: must revert.
    function relayAgain(uint256 seed, address relayer, uint8 route) external {
        ++calls;
        uint256 e = epochs - 1;
        for (uint256 k; k < POOL; ++k) {
            uint256 i = (seed + k) % POOL;
            bytes32 id = _ids[e][i];
            if (wallet.intentStatus(id) == IIntentWallet.IntentStatus.None) continue;
            ++reRelays;
            (bool reverted, ) = _relay(poolIntent(e, i), _sign(ownerKey, id), relayer, route);
            if (!reverted) _unexpected("a relayed or canceled ID was relayed again");
            return;
        }
    }

    /// @notice Relays a pool intent of an earlier epoch with its old signature: must revert.
    function relayStale(uint256 index, uint256 epochSeed, address relayer, uint8 route) external {
        ++calls;
        if (epochs < 2) return;
        uint256 e = epochSeed % (epochs - 1);
        uint256 i = index % POOL;
        ++staleRelays;
        (bool reverted, ) = _relay(poolIntent(e, i), _sign(ownerKey, _ids[e][i]), relayer, route);
        if (!reverted) _unexpected("an intent of an invalidated epoch was relayed");
    }

    /// @notice Relays a pool intent signed by someone else than the owner: must revert.
    function relayForged(uint256 index, uint256 signerKey, address relayer, uint8 route) external {
        ++calls;
        signerKey = bound(signerKey, 1, SECP256K1_N - 1);
        if (signerKey == ownerKey) signerKey = ownerKey + 1;
        uint256 e = epochs - 1;
        uint256 i = index % POOL;
        ++forgedRelays;
        (bool reverted, ) = _relay(poolIntent(e, i), _sign(signerKey, _ids[e][i]), relayer, route);
        if (!reverted) _unexpected("an intent signed by a stranger was relayed");
    }

    /// @notice The owner cancels one to three pool IDs (of any epoch entered). Reverts, swallowed here,
    ///         exactly when one of them was relayed already.
    function cancel(uint256 seedA, uint256 seedB, uint256 seedC, uint8 howMany) external {
        ++calls;
        uint256 n = bound(howMany, 1, 3);
        uint256[3] memory seeds = [seedA, seedB, seedC];
        bytes32[] memory ids = new bytes32[](n);
        bool anyRelayed;
        for (uint256 k; k < n; ++k) {
            ids[k] = _ids[(seeds[k] / POOL) % epochs][seeds[k] % POOL];
            IIntentWallet.IntentStatus status = wallet.intentStatus(ids[k]);
            if (status == IIntentWallet.IntentStatus.Succeeded || status == IIntentWallet.IntentStatus.Failed) {
                anyRelayed = true;
            }
        }
        vm.prank(owner);
        try wallet.cancelIntents(ids) {
            ++cancels;
            if (anyRelayed) _unexpected("a relayed ID was canceled");
            for (uint256 k; k < n; ++k) {
                if (wallet.intentStatus(ids[k]) != IIntentWallet.IntentStatus.Canceled) _unexpected("not canceled");
            }
        } catch {
            if (!anyRelayed) _unexpected("cancelIntents reverted without a relayed ID");
        }
    }

    /// @notice Someone other than the owner tries to cancel: must revert.
    function cancelAsStranger(uint256 seed, address stranger) external {
        ++calls;
        if (stranger == owner || stranger == address(wallet)) return;
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = _ids[epochs - 1][seed % POOL];
        vm.prank(stranger);
        try wallet.cancelIntents(ids) {
            _unexpected("a stranger canceled an intent");
        } catch {}
    }

    /// @notice Occasionally (one call in four, a few times per run), the owner invalidates every intent.
    function invalidateAll(uint256 seed) external {
        ++calls;
        if (seed % 4 != 0 || epochs == MAX_EPOCHS) return;
        vm.prank(owner);
        wallet.invalidateAllIntents();
        ++invalidations;
        _enterEpoch();
    }

    /// @notice Moves time forward by up to two days.
    function warp(uint256 secondsForward) external {
        ++calls;
        vm.warp(block.timestamp + bound(secondsForward, 0, 2 days));
    }

    /*//////////////////////////////////////////////////////////////
                          VIEWS FOR THE INVARIANTS
    //////////////////////////////////////////////////////////////*/

    function poolId(uint256 e, uint256 i) external view returns (bytes32) {
        return _ids[e][i];
    }

    /// @notice The counter key of pool intent `i` of epoch `e`.
    function key(uint256 e, uint256 i) public pure returns (uint256) {
        return e * 100 + i + 1;
    }

    /// @notice Pool intent `i` of epoch `e`. Its dependencies name IDs of the same epoch.
    function poolIntent(uint256 e, uint256 i) public view returns (Intent memory intent) {
        uint256 k = key(e, i);
        intent.dependencies = new Dependency[](0);
        intent.salt = i;
        intent.validAfter = i == SCHEDULED ? _madeAt[e] + SHORT_LIFETIME : 0;
        intent.expiration = _madeAt[e] + (i == SHORT_LIVED ? SHORT_LIFETIME : LONG_LIFETIME);
        intent.maxGasPrice = type(uint256).max;

        bytes memory hit = abi.encodeCall(PoolCounter.hit, (k));
        if (i == BATCH_WITH_VALUE) {
            intent.calls = new Call[](2);
            intent.calls[0] = Call(address(counter), 1, hit);
            intent.calls[1] = Call(address(counter), 0, abi.encodeCall(PoolCounter.noop, ()));
        } else if (i == BATCH_FAILING) {
            intent.calls = new Call[](2);
            intent.calls[0] = Call(address(counter), 0, hit);
            intent.calls[1] = Call(address(counter), 0, abi.encodeCall(PoolCounter.fail, ()));
        } else if (i == SINGLE_FAILING) {
            intent.calls = new Call[](1);
            intent.calls[0] = Call(address(counter), 0, abi.encodeCall(PoolCounter.hitThenFail, (k)));
        } else if (i == CANCELS_SHORT_LIVED) {
            bytes32[] memory toCancel = new bytes32[](1);
            toCancel[0] = _ids[e][SHORT_LIVED];
            intent.calls = new Call[](2);
            intent.calls[0] = Call(address(counter), 0, hit);
            intent.calls[1] = Call(address(wallet), 0, abi.encodeCall(IIntentWallet.cancelIntents, (toCancel)));
        } else {
            intent.calls = new Call[](1);
            intent.calls[0] = Call(address(counter), 0, hit);
        }

        if (i == DEPENDS_ON_SINGLE || i == DEPENDS_ON_FAILING) {
            intent.dependencies = new Dependency[](1);
            intent.dependencies[0] = Dependency(
                address(wallet),
                _ids[e][i == DEPENDS_ON_SINGLE ? SINGLE : SINGLE_FAILING]
            );
        }
        if (i == NEEDS_TOO_MUCH_GAS) intent.minGasLimit = type(uint128).max;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Makes the pool of the wallet's (new) current epoch: its IDs, in pool order, since later
    ///      members name earlier ones.
    function _enterEpoch() private {
        uint256 e = epochs;
        require(wallet.intentEpoch() == e, "handler: epoch out of step");
        _madeAt[e] = block.timestamp;
        epochs = e + 1;
        for (uint256 i; i < POOL; ++i) _ids[e][i] = wallet.intentId(poolIntent(e, i));
    }

    /// @dev Relays by `route` (modulo the three routes), swallowing a revert; everything is computed
    ///      before the prank.
    function _relay(
        Intent memory intent,
        bytes memory signature,
        address relayer,
        uint8 route
    ) private returns (bool reverted, bool success) {
        // No transaction comes from the zero address; a pranked one would record relayer 0.
        if (relayer == address(0)) relayer = address(0xBEEF);
        route %= 3;
        if (route == VIA_FACTORY) {
            vm.prank(relayer);
            try factory.createWalletAndRelay(owner, 0, intent, signature) returns (address, bool ok) {
                return (false, ok);
            } catch {
                return (true, false);
            }
        }
        if (route == VIA_RELAY_PACKED) {
            (bytes memory packed, ) = PackedIntentEncoder.encode(intent, 0);
            bytes memory data = bytes.concat(IIntentWallet.relayPacked.selector, packed, signature);
            vm.prank(relayer);
            (bool ok, bytes memory returned) = address(wallet).call(data);
            return ok ? (false, abi.decode(returned, (bool))) : (true, false);
        }
        // VIA_RELAY
        vm.prank(relayer);
        try wallet.relay(intent, signature) returns (bool ok) {
            return (false, ok);
        } catch {
            return (true, false);
        }
    }

    function _sign(uint256 privateKey, bytes32 id) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, id);
        return abi.encodePacked(bytes1(0x00), r, s, v);
    }

    function _unexpected(string memory what) private {
        ++unexpected;
        lastUnexpected = what;
    }
}

/// @notice Invariants of relaying over a pool of intents, and fuzz tests of at-most-once and cancel.
contract IntentWalletInvariantsTest is TestBase {
    uint256 private constant OWNER_KEY = 0xA11CE;
    uint256 private constant WALLET_FUNDS = 1 ether;

    IntentWallet private wallet;
    WalletFactory private factory;
    PoolCounter private counter;
    IntentPoolHandler private handler;
    address private owner;

    function setUp() public {
        owner = vm.addr(OWNER_KEY);
        factory = new WalletFactory(address(new IntentWallet()));
        wallet = IntentWallet(payable(factory.createWallet(owner, 0)));
        counter = new PoolCounter();
        vm.deal(address(wallet), WALLET_FUNDS);
        handler = new IntentPoolHandler(wallet, factory, counter, OWNER_KEY);
    }

    /// @notice Only the handler is fuzzed (not the wallet, the factory or the counter).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the handler's actions are fuzzed, not its views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = IntentPoolHandler.relay.selector;
        selectors[1] = IntentPoolHandler.relay.selector; // relaying is the main action: twice the weight
        selectors[2] = IntentPoolHandler.relayAgain.selector;
        selectors[3] = IntentPoolHandler.relayStale.selector;
        selectors[4] = IntentPoolHandler.relayForged.selector;
        selectors[5] = IntentPoolHandler.cancel.selector;
        selectors[6] = IntentPoolHandler.cancelAsStranger.selector;
        selectors[7] = IntentPoolHandler.invalidateAll.selector;
        selectors[8] = IntentPoolHandler.warp.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_poolIntentsExecuteAtMostOnce() public view {
        _forEachPoolIntent(_checkAtMostOnce);
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_receiptsAgreeWithExecutions() public view {
        _forEachPoolIntent(_checkReceipt);
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_nothingUnexpectedHappened() public view {
        if (handler.unexpected() != 0) revert(handler.lastUnexpected());
        assertEq(wallet.intentEpoch(), handler.epochs() - 1, "wallet epoch vs handler");
        assertEq(wallet.owner(), owner, "owner");
        // Only BATCH_WITH_VALUE moves ETH (1 wei), and only when it succeeded.
        uint256 paid;
        for (uint256 e; e < handler.epochs(); ++e) {
            if (wallet.intentStatus(handler.poolId(e, 1)) == IIntentWallet.IntentStatus.Succeeded) ++paid;
        }
        assertEq(address(wallet).balance, WALLET_FUNDS - paid, "wallet balance");
        assertEq(address(counter).balance, paid, "counter balance");
    }

    /// @notice Proves the fuzzer drives the handler: each run must have called it (and relayed).
    function afterInvariant() public view {
        assertTrue(handler.calls() > 0, "the invariant fuzzer never called the handler");
    }

    function _checkAtMostOnce(uint256 e, uint256 i, bytes32, uint256 count) private pure {
        assertLe(count, 1, string.concat("executed more than once: ", _name(e, i)));
    }

    function _checkReceipt(uint256 e, uint256 i, bytes32 id, uint256 count) private view {
        IIntentWallet.IntentStatus status = wallet.intentStatus(id);
        string memory name = _name(e, i);
        if (status == IIntentWallet.IntentStatus.Canceled)
            assertEq(count, 0, string.concat("canceled but ran: ", name));
        if (status == IIntentWallet.IntentStatus.Failed)
            assertEq(count, 0, string.concat("failed but kept effects: ", name));
        if (status == IIntentWallet.IntentStatus.None) assertEq(count, 0, string.concat("ran without receipt: ", name));
        assertEq(
            status == IIntentWallet.IntentStatus.Succeeded,
            count == 1,
            string.concat("Succeeded <=> ran once: ", name)
        );
        // Pool members that can never succeed.
        if (i == 2 || i == 3 || i == 5 || i == 8) {
            assertTrue(status != IIntentWallet.IntentStatus.Succeeded, string.concat("cannot succeed: ", name));
        }
        if (i == 5 || i == 8) {
            assertTrue(
                status == IIntentWallet.IntentStatus.None || status == IIntentWallet.IntentStatus.Canceled,
                string.concat("cannot be relayed: ", name)
            );
        }
        // DEPENDS_ON_SINGLE ran only after SINGLE succeeded.
        if (i == 4 && status != IIntentWallet.IntentStatus.None && status != IIntentWallet.IntentStatus.Canceled) {
            assertTrue(
                wallet.intentStatus(handler.poolId(e, 0)) == IIntentWallet.IntentStatus.Succeeded,
                string.concat("dependency not met: ", name)
            );
        }
        if (wallet.intentReceipt(id).relayer == address(0)) {
            assertTrue(status == IIntentWallet.IntentStatus.None, string.concat("receipt without relayer: ", name));
        }
    }

    function _forEachPoolIntent(function(uint256, uint256, bytes32, uint256) view check) private view {
        uint256 epochs = handler.epochs();
        uint256 pool = handler.POOL();
        for (uint256 e; e < epochs; ++e) {
            for (uint256 i; i < pool; ++i) {
                check(e, i, handler.poolId(e, i), counter.count(handler.key(e, i)));
            }
        }
    }

    function _name(uint256 e, uint256 i) private pure returns (string memory) {
        return string.concat("epoch ", _digit(e), " pool ", _digit(i));
    }

    function _digit(uint256 x) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + (x % 10)))));
    }

    /*//////////////////////////////////////////////////////////////
                     FUZZ: AT MOST ONCE, CANCEL IS FINAL
    //////////////////////////////////////////////////////////////*/

    function testFuzz_RelayingTheSameSignedIntentTwiceRevertsTheSecondTime(
        uint256 salt,
        bool failing,
        bool batch,
        address firstRelayer,
        address secondRelayer,
        bool secondViaFactory
    ) public {
        (Intent memory intent, bytes32 id, uint256 k) = _fuzzIntent(salt, failing, batch);
        bytes memory signature = _sign(OWNER_KEY, id);

        vm.prank(firstRelayer);
        bool success = wallet.relay(intent, signature);
        assertEq(success, !failing, "first relay result");
        assertEq(counter.count(k), failing ? 0 : 1, "count after the first relay");

        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.IntentAlreadyRelayed.selector, id));
        if (secondViaFactory) {
            vm.prank(secondRelayer);
            factory.createWalletAndRelay(owner, 0, intent, signature);
        } else {
            vm.prank(secondRelayer);
            wallet.relay(intent, signature);
        }
        assertEq(counter.count(k), failing ? 0 : 1, "count after the second relay");
        assertEq(
            uint256(wallet.intentStatus(id)),
            uint256(failing ? IIntentWallet.IntentStatus.Failed : IIntentWallet.IntentStatus.Succeeded),
            "status"
        );
        assertEq(wallet.intentReceipt(id).relayer, firstRelayer, "the receipt keeps the first relayer");
    }

    /// @dev After the owner invalidates all intents, the already relayed intent can't be replayed
    ///      with its old signature either.
    function testFuzz_RelayedIntentCannotBeReplayedAfterInvalidation(
        uint256 salt,
        bool failing,
        address relayer
    ) public {
        (Intent memory intent, bytes32 id, uint256 k) = _fuzzIntent(salt, failing, false);
        bytes memory signature = _sign(OWNER_KEY, id);
        wallet.relay(intent, signature);
        vm.prank(owner);
        wallet.invalidateAllIntents();
        bytes32 newId = wallet.intentId(intent);
        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.IntentInvalidSignature.selector, newId));
        vm.prank(relayer);
        wallet.relay(intent, signature);
        assertEq(counter.count(k), failing ? 0 : 1, "count");
    }

    function testFuzz_CanceledIdNeverExecutesWhateverTheCaller(
        uint256 salt,
        bool failing,
        bool batch,
        address caller,
        uint256 warpBy,
        uint8 how
    ) public {
        vm.assume(caller != address(vm));
        (Intent memory intent, bytes32 id, uint256 k) = _fuzzIntent(salt, failing, batch);
        bytes memory signature = _sign(OWNER_KEY, id);
        how = uint8(bound(how, 0, 1));
        if (how == 0) {
            // The owner cancels directly.
            bytes32[] memory ids = new bytes32[](1);
            ids[0] = id;
            vm.prank(owner);
            wallet.cancelIntents(ids);
        } else {
            // The owner cancels through a relayed intent of its own.
            bytes32[] memory ids = new bytes32[](1);
            ids[0] = id;
            Intent memory canceling = _intent(
                salt ^ 1,
                _single(address(wallet), abi.encodeCall(IIntentWallet.cancelIntents, (ids)))
            );
            assertTrue(wallet.relay(canceling, _sign(OWNER_KEY, wallet.intentId(canceling))), "canceling intent");
        }
        assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.Canceled), "canceled");

        vm.warp(block.timestamp + bound(warpBy, 0, 365 days));
        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.IntentIsCanceled.selector, id));
        vm.prank(caller);
        wallet.relay(intent, signature);

        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.IntentIsCanceled.selector, id));
        vm.prank(caller);
        factory.createWalletAndRelay(owner, 0, intent, signature);

        // Canceling again is a no-op, never an un-cancel.
        bytes32[] memory again = new bytes32[](1);
        again[0] = id;
        vm.prank(owner);
        wallet.cancelIntents(again);
        assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.Canceled), "still canceled");
        assertEq(counter.count(k), 0, "a canceled intent ran");
    }

    function testFuzz_RelayedIdCannotBeCanceled(uint256 salt, bool failing) public {
        (Intent memory intent, bytes32 id, uint256 k) = _fuzzIntent(salt, failing, false);
        wallet.relay(intent, _sign(OWNER_KEY, id));
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = id;
        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.IntentAlreadyRelayed.selector, id));
        vm.prank(owner);
        wallet.cancelIntents(ids);
        assertEq(counter.count(k), failing ? 0 : 1, "count");
    }

    function testFuzz_OnlyTheOwnerCancels(bytes32 id, address stranger) public {
        vm.assume(stranger != owner && stranger != address(wallet) && stranger != address(vm));
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = id;
        vm.expectRevert(abi.encodeWithSelector(IIntentWallet.WalletUnauthorized.selector, stranger));
        vm.prank(stranger);
        wallet.cancelIntents(ids);
        assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.None), "status");
    }

    /// @dev With `minGasLimit` near 2^256 the gas check must not overflow: the relay still fails
    ///      with `IntentInsufficientGas`, the error a relayer can act on.
    function testFuzz_HugeMinGasLimitRevertsWithItsOwnError(uint256 minGasLimit) public {
        minGasLimit = bound(minGasLimit, type(uint256).max - type(uint128).max, type(uint256).max);
        (Intent memory intent, , ) = _fuzzIntent(minGasLimit, false, false);
        intent.minGasLimit = minGasLimit;
        bytes32 id = wallet.intentId(intent);
        try wallet.relay(intent, _sign(OWNER_KEY, id)) {
            fail("relayed although no relay can give that much gas");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), IIntentWallet.IntentInsufficientGas.selector, "revert selector");
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev An intent counting under key `salt`'s own key; `failing` makes its (last) call revert.
    function _fuzzIntent(
        uint256 salt,
        bool failing,
        bool batch
    ) private view returns (Intent memory intent, bytes32 id, uint256 k) {
        k = uint256(keccak256(abi.encode("fuzz", salt)));
        Call[] memory calls;
        if (batch) {
            calls = new Call[](2);
            calls[0] = Call(address(counter), 0, abi.encodeCall(PoolCounter.hit, (k)));
            calls[1] = Call(
                address(counter),
                0,
                failing ? abi.encodeCall(PoolCounter.fail, ()) : abi.encodeCall(PoolCounter.noop, ())
            );
        } else {
            calls = _single(
                address(counter),
                failing ? abi.encodeCall(PoolCounter.hitThenFail, (k)) : abi.encodeCall(PoolCounter.hit, (k))
            );
        }
        intent = _intent(salt, calls);
        id = wallet.intentId(intent);
    }

    function _intent(uint256 salt, Call[] memory calls) private view returns (Intent memory intent) {
        intent.calls = calls;
        intent.dependencies = new Dependency[](0);
        intent.salt = salt;
        intent.expiration = block.timestamp + 400 days;
        intent.maxGasPrice = type(uint256).max;
    }

    function _single(address to, bytes memory data) private pure returns (Call[] memory calls) {
        calls = new Call[](1);
        calls[0] = Call(to, 0, data);
    }

    function _sign(uint256 privateKey, bytes32 id) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, id);
        return abi.encodePacked(bytes1(0x00), r, s, v);
    }
}
