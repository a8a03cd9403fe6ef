// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../../contracts/interfaces/IIntentWallet.sol";
import {ISessionKeyModule} from "../../contracts/interfaces/ISessionKeyModule.sol";
import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {Call, Dependency, Intent} from "../../contracts/libraries/IntentHashing.sol";
import {Permission, SessionGrant} from "../../contracts/libraries/SessionGrantHashing.sol";
import {SessionKeyModule} from "../../contracts/modules/SessionKeyModule.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {FuzzSelector, TestBase} from "./utils/Vm.sol";

/// @notice A contract a session may or may not call: it records every call it receives, whatever the
///         function, data or value (all payable, with a recording fallback), so a call that got past the
///         module can never hide behind a revert of its own.
contract CallRecorder {
    /// @notice One call received.
    struct Received {
        address caller;
        bytes4 selector; // the first 4 bytes of the calldata, zero-padded when shorter
        uint256 dataLength;
        uint256 value;
        uint256 timestamp;
    }

    Received[] private _received;

    /// @notice How many calls each selector received.
    mapping(bytes4 selector => uint256) public countOf;

    function a() external payable {
        _record();
    }

    function b(uint256) external payable {
        _record();
    }

    function c() external payable {
        _record();
    }

    fallback() external payable {
        _record();
    }

    receive() external payable {
        _record();
    }

    /// @notice Call `index` received (in order).
    function received(uint256 index) external view returns (Received memory) {
        return _received[index];
    }

    /// @notice How many calls were received in all.
    function receivedCount() external view returns (uint256) {
        return _received.length;
    }

    function _record() private {
        bytes4 selector = bytes4(msg.data);
        _received.push(Received(msg.sender, selector, msg.data.length, msg.value, block.timestamp));
        ++countOf[selector];
    }
}

/// @notice What the invariant fuzzer calls: relays session-key intents of 1 to 3 fuzzed calls (granted
///         pairs, other functions, other targets, the wallet, the module, an address without code, short
///         calldata, ETH value), signed by the session key or a stranger's key, with or without the grant
///         carried; registers the grant through the wallet; moves time (hitting both ends of the window);
///         and, rarely, revokes. An oracle predicts each outcome; any disagreement is counted as unexpected.
/// @dev The grant: the session key may call `a()` and `b(uint256)` on `target1` and `a()` on `target2`,
///      from `validAfter` until `deadline`. No function here starts with `test` or `invariant`, so the
///      runner never takes it for a suite.
contract SessionHandler is TestBase {
    /// @notice A key the owner never granted anything.
    uint256 public constant STRANGER_KEY = 0x5742A;
    /// @notice An address without code: a call to it would succeed, so only the oracle can catch it.
    address public constant NO_CODE = address(0xDEAD);
    uint256 public constant MAX_WARP = 8 hours;

    IntentWallet public immutable wallet;
    SessionKeyModule public immutable module;
    CallRecorder public immutable target1;
    CallRecorder public immutable target2;
    /// @notice A recorder no grant lists: it must never receive a call.
    CallRecorder public immutable target3;
    address public immutable sessionKey;
    uint48 public immutable validAfter;
    uint48 public immutable deadline;
    uint256 private immutable ownerKey;
    uint256 private immutable sessionKeyPk;

    // Ghost state.
    bool public registered;
    bool public revoked;
    uint256 public revokedAt;
    bool public deadlinePassed;
    uint32 public expectedEpoch;
    uint256 private _nonce;
    uint256[3] private _countsAtRevocation;
    uint256[3] private _countsAtDeadline;

    // Ghost counters.
    uint256 public calls;
    uint256 public relayedOk;
    uint256 public refused;
    uint256 public carriedRegistrations;
    uint256 public revocations;
    /// @notice Outcomes the oracle did not predict; the invariants require it to stay zero.
    uint256 public unexpected;
    string public lastUnexpected;

    constructor(
        IntentWallet wallet_,
        SessionKeyModule module_,
        CallRecorder[3] memory targets,
        uint256 ownerKey_,
        uint256 sessionKeyPk_,
        uint48 validAfter_,
        uint48 deadline_
    ) {
        wallet = wallet_;
        module = module_;
        (target1, target2, target3) = (targets[0], targets[1], targets[2]);
        ownerKey = ownerKey_;
        sessionKeyPk = sessionKeyPk_;
        sessionKey = vm.addr(sessionKeyPk_);
        validAfter = validAfter_;
        deadline = deadline_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Relays a session intent of 1 to 3 fuzzed calls, signed by the session key (or a
    ///         stranger), carrying the owner-signed grant or not, and checks the outcome against the oracle.
    function relaySessionIntent(uint256 seed, uint8 howMany, bool carry, bool byStranger) external {
        ++calls;
        uint256 n = bound(howMany, 1, 3);
        Call[] memory intentCalls = new Call[](n);
        bool allCallsGranted = true;
        for (uint256 i; i < n; ++i) {
            intentCalls[i] = fuzzCall(uint256(keccak256(abi.encode(seed, i))));
            allCallsGranted = allCallsGranted && callIsGranted(intentCalls[i]);
        }
        Intent memory intent = _intent(intentCalls, ++_nonce);
        bytes32 id = wallet.intentId(intent);
        bytes memory signature = _relaySignature(byStranger ? STRANGER_KEY : sessionKeyPk, id, carry);

        bool expectedOk = !byStranger && allCallsGranted && (registered || carry) && !revoked && _insideWindow();
        try wallet.relay(intent, signature) returns (bool success) {
            ++relayedOk;
            if (!expectedOk) _unexpected("relayed a session intent the grant does not allow");
            if (!success) _unexpected("the calls of an allowed session intent failed");
            if (wallet.intentStatus(id) != IIntentWallet.IntentStatus.Succeeded) _unexpected("no Succeeded receipt");
            if (carry && !registered) ++carriedRegistrations;
            if (carry) registered = true;
        } catch {
            ++refused;
            if (expectedOk) _unexpected("refused a session intent the grant allows");
            if (wallet.intentStatus(id) != IIntentWallet.IntentStatus.None) {
                _unexpected("a refused intent has a receipt");
            }
        }
    }

    /// @notice The owner registers the grant through the wallet (as an owner intent or `execute` would).
    function register() external {
        ++calls;
        bool expectedOk = !revoked && block.timestamp < deadline;
        SessionGrant memory g = grant();
        vm.prank(address(wallet));
        try module.registerSession(g) {
            if (!expectedOk) _unexpected("registered a revoked or expired grant");
            registered = true;
        } catch {
            if (expectedOk) _unexpected("could not register a live grant");
        }
    }

    /// @notice Moves time forward: to just before or exactly at either end of the window, or by up to 8 hours.
    function warp(uint8 mode, uint256 secondsForward) external {
        ++calls;
        uint256 to;
        uint256 m = mode % 6;
        if (m == 0) to = uint256(validAfter) - 1;
        else if (m == 1) to = validAfter;
        else if (m == 2) to = uint256(deadline) - 1;
        else if (m == 3) to = deadline;
        else to = block.timestamp + bound(secondsForward, 0, MAX_WARP);
        if (to > block.timestamp) vm.warp(to);
        if (!deadlinePassed && block.timestamp >= deadline) {
            deadlinePassed = true;
            _countsAtDeadline = _counts();
        }
    }

    /// @notice Rarely (one call in four), the owner revokes the grant alone or every session of the wallet.
    function revoke(uint256 seed) external {
        ++calls;
        if (seed % 4 != 0) return;
        ++revocations;
        if ((seed >> 8) % 2 == 0) {
            SessionGrant memory g = grant();
            vm.prank(address(wallet));
            module.revokeSession(g);
        } else {
            vm.prank(address(wallet));
            module.revokeAllSessions();
            ++expectedEpoch;
        }
        if (!revoked) {
            revoked = true;
            revokedAt = block.timestamp;
            _countsAtRevocation = _counts();
        }
    }

    /*//////////////////////////////////////////////////////////////
                       THE GRANT AND THE ORACLE
    //////////////////////////////////////////////////////////////*/

    /// @notice The grant the owner signed: (target1, a), (target1, b), (target2, a) in [validAfter, deadline).
    function grant() public view returns (SessionGrant memory g) {
        g.wallet = address(wallet);
        g.app = "invariants.example";
        g.sessionKey = sessionKey;
        g.permissions = new Permission[](3);
        g.permissions[0] = Permission(address(target1), "a()");
        g.permissions[1] = Permission(address(target1), "b(uint256)");
        g.permissions[2] = Permission(address(target2), "a()");
        g.validAfter = validAfter;
        g.validUntil = deadline;
    }

    /// @notice Whether the grant lists (target, selector).
    function isGranted(address target, bytes4 selector) public view returns (bool) {
        if (target == address(target1)) {
            return selector == CallRecorder.a.selector || selector == CallRecorder.b.selector;
        }
        if (target == address(target2)) return selector == CallRecorder.a.selector;
        return false;
    }

    /// @notice Whether the grant allows `call` whatever the time: a listed pair, no ETH, a whole selector.
    function callIsGranted(Call memory call) public view returns (bool) {
        return call.value == 0 && call.data.length >= 4 && isGranted(call.to, bytes4(call.data));
    }

    /// @notice The fuzzed call of `seed`: half the time a granted pair (with ETH one time in eight),
    ///         otherwise any of six targets with any of five kinds of calldata and 0 or 1 wei.
    function fuzzCall(uint256 seed) public view returns (Call memory call) {
        if (seed % 2 == 0) {
            uint256 pair = (seed >> 8) % 3;
            call.to = pair == 2 ? address(target2) : address(target1);
            call.data = pair == 1 ? abi.encodeCall(CallRecorder.b, (seed >> 32)) : abi.encodeCall(CallRecorder.a, ());
            call.value = (seed >> 16) % 8 == 0 ? 1 : 0;
            return call;
        }
        address[6] memory targets = [
            address(target1),
            address(target2),
            address(target3),
            address(wallet),
            address(module),
            NO_CODE
        ];
        call.to = targets[(seed >> 8) % 6];
        uint256 kind = (seed >> 16) % 5;
        if (kind == 0) call.data = abi.encodeCall(CallRecorder.a, ());
        else if (kind == 1) call.data = abi.encodeCall(CallRecorder.b, (seed >> 32));
        else if (kind == 2) call.data = abi.encodeCall(CallRecorder.c, ());
        else if (kind == 3) call.data = abi.encodePacked(bytes4(uint32(seed >> 32)), seed >> 64);
        else call.data = _shortCalldata(seed >> 32);
        call.value = (seed >> 24) % 2;
    }

    /// @notice The recorders, in order.
    function recorders() public view returns (CallRecorder[3] memory) {
        return [target1, target2, target3];
    }

    function countsAtRevocation() external view returns (uint256[3] memory) {
        return _countsAtRevocation;
    }

    function countsAtDeadline() external view returns (uint256[3] memory) {
        return _countsAtDeadline;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _insideWindow() private view returns (bool) {
        return validAfter <= block.timestamp && block.timestamp < deadline;
    }

    function _counts() private view returns (uint256[3] memory counts) {
        CallRecorder[3] memory all = recorders();
        for (uint256 i; i < 3; ++i) counts[i] = all[i].receivedCount();
    }

    /// @dev `0x01 ‖ module ‖ sessionSignature [‖ abi.encode(grant, ownerSignature)]`.
    function _relaySignature(uint256 signerKey, bytes32 id, bool carry) private view returns (bytes memory) {
        bytes memory data = _sign(signerKey, id);
        if (carry) {
            SessionGrant memory g = grant();
            data = bytes.concat(data, abi.encode(g, _sign(ownerKey, module.sessionId(g))));
        }
        return abi.encodePacked(bytes1(0x01), address(module), data);
    }

    function _intent(Call[] memory intentCalls, uint256 salt) private view returns (Intent memory intent) {
        intent.calls = intentCalls;
        intent.dependencies = new Dependency[](0);
        intent.salt = salt;
        intent.expiration = block.timestamp + 365 days;
        intent.maxGasPrice = type(uint256).max;
    }

    /// @dev 0 to 3 bytes of calldata: too short to name a function.
    function _shortCalldata(uint256 seed) private pure returns (bytes memory data) {
        data = new bytes(seed % 4);
        for (uint256 i; i < data.length; ++i) data[i] = bytes1(uint8(seed >> (8 * (i + 1))));
    }

    function _sign(uint256 privateKey, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _unexpected(string memory what) private {
        ++unexpected;
        lastUnexpected = what;
    }
}

/// @notice Invariants and fuzz tests of session-key scope: no sequence of session intents ever makes a
///         call outside the granted (target, function) pairs, with ETH, before the start, at or after the
///         deadline, or after revocation.
contract SessionKeyInvariantsTest is TestBase {
    uint256 private constant OWNER_KEY = 0xA11CE;
    uint256 private constant SESSION_KEY = 0x5E55;
    uint256 private constant STARTS_AFTER = 1 hours;
    uint256 private constant LASTS = 12 hours;

    IntentWallet private wallet;
    SessionKeyModule private module;
    CallRecorder private target1;
    CallRecorder private target2;
    CallRecorder private target3;
    SessionHandler private handler;
    address private owner;
    address private sessionKey;
    uint48 private validAfter;
    uint48 private deadline;

    function setUp() public {
        owner = vm.addr(OWNER_KEY);
        sessionKey = vm.addr(SESSION_KEY);
        WalletFactory factory = new WalletFactory(address(new IntentWallet()));
        wallet = IntentWallet(payable(factory.createWallet(owner, 0)));
        module = new SessionKeyModule();
        vm.prank(owner);
        wallet.installModule(address(module));
        vm.deal(address(wallet), 1 ether); // so that a call with ETH could pay, if it were ever let through
        (target1, target2, target3) = (new CallRecorder(), new CallRecorder(), new CallRecorder());
        validAfter = uint48(block.timestamp + STARTS_AFTER);
        deadline = uint48(block.timestamp + STARTS_AFTER + LASTS);
        handler = new SessionHandler(
            wallet,
            module,
            [target1, target2, target3],
            OWNER_KEY,
            SESSION_KEY,
            validAfter,
            deadline
        );
    }

    /// @notice Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the handler's actions are fuzzed, not its views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = SessionHandler.relaySessionIntent.selector;
        selectors[1] = SessionHandler.relaySessionIntent.selector; // relaying is the main action: three times the weight
        selectors[2] = SessionHandler.relaySessionIntent.selector;
        selectors[3] = SessionHandler.register.selector;
        selectors[4] = SessionHandler.warp.selector;
        selectors[5] = SessionHandler.warp.selector;
        selectors[6] = SessionHandler.revoke.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Every call the targets ever received is a granted pair, from the wallet, without ETH,
    ///         inside the window, and not after a revocation.
    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_everyRecordedCallIsAGrantedPairInsideTheWindow() public view {
        CallRecorder[3] memory all = handler.recorders();
        for (uint256 t; t < 3; ++t) {
            uint256 count = all[t].receivedCount();
            for (uint256 i; i < count; ++i) {
                CallRecorder.Received memory r = all[t].received(i);
                assertEq(r.caller, address(wallet), "a target was called by someone else than the wallet");
                assertTrue(handler.isGranted(address(all[t]), r.selector), "a call outside the granted pairs");
                assertTrue(r.dataLength >= 4, "a call without a whole selector");
                assertEq(r.value, 0, "a session call moved ETH");
                assertTrue(r.timestamp >= validAfter, "a session call before the start");
                assertTrue(r.timestamp < deadline, "a session call at or after the deadline");
                if (handler.revoked()) assertLe(r.timestamp, handler.revokedAt(), "a session call after revocation");
            }
        }
    }

    /// @notice Disallowed pairs were never called; nothing was called after the deadline or a revocation.
    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_noCallOutsideTheGrantEverHappened() public view {
        assertEq(target1.countOf(CallRecorder.c.selector), 0, "target1.c() was called");
        assertEq(target2.countOf(CallRecorder.b.selector), 0, "target2.b() was called");
        assertEq(target2.countOf(CallRecorder.c.selector), 0, "target2.c() was called");
        assertEq(target3.receivedCount(), 0, "an ungranted target was called");
        assertEq(address(wallet).balance, 1 ether, "the wallet's ETH moved");
        assertEq(handler.NO_CODE().balance, 0, "ETH went to an address without code");
        uint256[3] memory counts = [target1.receivedCount(), target2.receivedCount(), target3.receivedCount()];
        if (handler.deadlinePassed()) {
            uint256[3] memory atDeadline = handler.countsAtDeadline();
            for (uint256 t; t < 3; ++t) assertEq(counts[t], atDeadline[t], "a call after the deadline");
        }
        if (handler.revoked()) {
            uint256[3] memory atRevocation = handler.countsAtRevocation();
            for (uint256 t; t < 3; ++t) assertEq(counts[t], atRevocation[t], "a call after revocation");
        }
    }

    /// @notice The oracle predicted every outcome; the wallet kept its owner and module; the session
    ///         epoch moved only with the owner's revocations.
    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 32
    function invariant_everyOutcomeWasPredicted() public view {
        if (handler.unexpected() != 0) revert(handler.lastUnexpected());
        assertEq(wallet.owner(), owner, "owner");
        assertTrue(wallet.isModuleInstalled(address(module)), "module uninstalled");
        assertEq(module.sessionEpoch(address(wallet)), handler.expectedEpoch(), "session epoch");
    }

    /// @notice Proves the fuzzer drives the handler: each run must have called it.
    function afterInvariant() public view {
        assertTrue(handler.calls() > 0, "the invariant fuzzer never called the handler");
    }

    /*//////////////////////////////////////////////////////////////
                                 FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @dev One call of any target (three recorders, the wallet, the module, an address without code),
    ///      with any kind of calldata and 0 or 1 wei, relayed at any time around the window, the grant
    ///      registered before or carried: it goes through iff the pair is granted, without ETH, inside
    ///      the window; otherwise the revert names the rule that fired.
    function testFuzz_ASessionCallGoesThroughIffItsPairIsGrantedWithoutValueInsideTheWindow(
        uint8 targetIndex,
        uint8 dataKind,
        bytes4 randomSelector,
        bool withValue,
        uint8 timeKind,
        uint256 time,
        bool carry
    ) public {
        SessionGrant memory g = handler.grant();
        if (!carry) {
            vm.prank(address(wallet));
            module.registerSession(g);
        }
        vm.warp(_fuzzTime(timeKind, time));
        Call memory call = _fuzzCall(targetIndex, dataKind, randomSelector, withValue);
        Intent memory intent = _intent(_one(call), 0);
        bytes32 id = wallet.intentId(intent);
        bytes memory signature = _relaySignature(SESSION_KEY, id, carry);
        bool pairGranted = call.data.length >= 4 && handler.isGranted(call.to, _selectorOf(call.data));
        bool allowed = pairGranted && call.value == 0 && block.timestamp < deadline && block.timestamp >= validAfter;
        uint256 before = target1.receivedCount() + target2.receivedCount();

        try wallet.relay(intent, signature) returns (bool success) {
            assertTrue(allowed, "relayed a call the grant does not allow");
            assertTrue(success, "the allowed call failed");
            assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.Succeeded), "status");
            CallRecorder recorder = CallRecorder(payable(call.to));
            CallRecorder.Received memory r = recorder.received(recorder.receivedCount() - 1);
            assertEq(r.caller, address(wallet), "caller");
            assertEq(r.selector, _selectorOf(call.data), "selector");
            assertEq(r.timestamp, block.timestamp, "timestamp");
            assertEq(target1.receivedCount() + target2.receivedCount(), before + 1, "exactly one call");
        } catch (bytes memory reason) {
            assertFalse(allowed, "refused a call the grant allows");
            assertEq(keccak256(reason), keccak256(_expectedRefusal(call, carry, g)), "the rule that refused");
            assertEq(uint256(wallet.intentStatus(id)), uint256(IIntentWallet.IntentStatus.None), "status");
            assertEq(target1.receivedCount() + target2.receivedCount(), before, "a refused call ran");
        }
        assertEq(target3.receivedCount(), 0, "an ungranted target was called");
    }

    /// @dev A session used once, then revoked (alone or with every session) or revoked before it was
    ///      ever registered: no later relay of a granted call goes through, at any time, and the
    ///      earlier intent keeps its receipt and its effect.
    function testFuzz_ARevokedSessionNeverCallsAgain(
        bool revokeAll,
        bool usedFirst,
        bool pairB,
        bool carryAgain,
        uint8 timeKind,
        uint256 time
    ) public {
        Call memory call = Call(
            address(target1),
            0,
            pairB ? abi.encodeCall(CallRecorder.b, (7)) : abi.encodeCall(CallRecorder.a, ())
        );
        bytes32 firstId = usedFirst ? _useOnceAtTheStart(call) : bytes32(0);

        vm.startPrank(address(wallet));
        if (revokeAll) module.revokeAllSessions();
        else module.revokeSession(handler.grant());
        vm.stopPrank();

        uint256 relayAt = _fuzzTime(timeKind, time);
        if (relayAt > block.timestamp) vm.warp(relayAt);
        Intent memory intent = _intent(_one(call), 2);
        // An unregistered grant can only come carried; a registered one may come carried again.
        bool carry = !usedFirst || carryAgain;
        bytes memory signature = _relaySignature(SESSION_KEY, wallet.intentId(intent), carry);
        vm.expectRevert(_expectedRefusalAfterRevocation(carry, revokeAll));
        wallet.relay(intent, signature);

        assertEq(target1.receivedCount(), usedFirst ? 1 : 0, "calls recorded");
        if (usedFirst) {
            assertEq(uint256(wallet.intentStatus(firstId)), uint256(IIntentWallet.IntentStatus.Succeeded), "receipt");
            assertEq(wallet.intentReceipt(firstId).relayer, address(this), "relayer");
        }
        assertEq(
            uint256(module.sessionStatus(handler.grant())),
            uint256(ISessionKeyModule.SessionStatus.Revoked),
            "status after revocation"
        );
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The revert data the module must give for a refused single `call` at the current time.
    function _expectedRefusal(Call memory call, bool carry, SessionGrant memory g) private view returns (bytes memory) {
        // A carried grant is registered first, and can't be once expired.
        if (carry && block.timestamp >= deadline) {
            return abi.encodeWithSelector(ISessionKeyModule.GrantExpired.selector, module.sessionId(g), deadline);
        }
        if (call.value != 0) {
            return abi.encodeWithSelector(ISessionKeyModule.SessionValueNotAllowed.selector, 0, call.value);
        }
        if (call.data.length < 4) return abi.encodeWithSelector(ISessionKeyModule.SessionCalldataTooShort.selector, 0);
        bytes4 selector = bytes4(call.data);
        if (!handler.isGranted(call.to, selector)) {
            return abi.encodeWithSelector(ISessionKeyModule.SessionCallNotAllowed.selector, 0, call.to, selector);
        }
        if (block.timestamp < validAfter) {
            return abi.encodeWithSelector(ISessionKeyModule.SessionNotYetValid.selector, sessionKey, validAfter);
        }
        return abi.encodeWithSelector(ISessionKeyModule.SessionExpired.selector, sessionKey, deadline);
    }

    /// @dev Relays `call` at the start of the window, carrying the grant; returns the intent's ID.
    function _useOnceAtTheStart(Call memory call) private returns (bytes32 id) {
        vm.warp(validAfter);
        Intent memory first = _intent(_one(call), 1);
        id = wallet.intentId(first);
        assertTrue(wallet.relay(first, _relaySignature(SESSION_KEY, id, true)), "first use");
    }

    /// @dev The revert data the module must give for a granted call after the grant was revoked: a
    ///      carried grant is refused as it registers (expired first, then stale or revoked), a
    ///      registered one as it is used.
    function _expectedRefusalAfterRevocation(bool carry, bool revokeAll) private view returns (bytes memory) {
        SessionGrant memory g = handler.grant();
        if (!carry) return abi.encodeWithSelector(ISessionKeyModule.SessionIsRevoked.selector, sessionKey);
        if (block.timestamp >= deadline) {
            return abi.encodeWithSelector(ISessionKeyModule.GrantExpired.selector, module.sessionId(g), deadline);
        }
        if (revokeAll) return abi.encodeWithSelector(ISessionKeyModule.GrantEpochMismatch.selector, 0, 1);
        return abi.encodeWithSelector(ISessionKeyModule.GrantRevoked.selector, module.sessionId(g));
    }

    /// @dev Just before or exactly at either end of the window, or anywhere from setUp to a day past the deadline.
    function _fuzzTime(uint8 kind, uint256 time) private view returns (uint256) {
        uint256 k = kind % 5;
        if (k == 0) return uint256(validAfter) - 1;
        if (k == 1) return validAfter;
        if (k == 2) return uint256(deadline) - 1;
        if (k == 3) return deadline;
        return bound(time, uint256(validAfter) - STARTS_AFTER, uint256(deadline) + 1 days);
    }

    function _fuzzCall(
        uint8 targetIndex,
        uint8 dataKind,
        bytes4 randomSelector,
        bool withValue
    ) private view returns (Call memory call) {
        address[6] memory targets = [
            address(target1),
            address(target2),
            address(target3),
            address(wallet),
            address(module),
            handler.NO_CODE()
        ];
        call.to = targets[targetIndex % 6];
        uint256 kind = dataKind % 5;
        if (kind == 0) call.data = abi.encodeCall(CallRecorder.a, ());
        else if (kind == 1) call.data = abi.encodeCall(CallRecorder.b, (uint256(uint32(randomSelector))));
        else if (kind == 2) call.data = abi.encodeCall(CallRecorder.c, ());
        else if (kind == 3) call.data = abi.encodePacked(randomSelector);
        else call.data = _prefix(abi.encodePacked(randomSelector), uint8(randomSelector[0]) % 4);
        call.value = withValue ? 1 : 0;
    }

    function _relaySignature(uint256 signerKey, bytes32 id, bool carry) private view returns (bytes memory) {
        bytes memory data = _sign(signerKey, id);
        if (carry) {
            SessionGrant memory g = handler.grant();
            data = bytes.concat(data, abi.encode(g, _sign(OWNER_KEY, module.sessionId(g))));
        }
        return abi.encodePacked(bytes1(0x01), address(module), data);
    }

    function _intent(Call[] memory calls, uint256 salt) private view returns (Intent memory intent) {
        intent.calls = calls;
        intent.dependencies = new Dependency[](0);
        intent.salt = salt;
        intent.expiration = block.timestamp + 365 days;
        intent.maxGasPrice = type(uint256).max;
    }

    function _one(Call memory call) private pure returns (Call[] memory calls) {
        calls = new Call[](1);
        calls[0] = call;
    }

    function _selectorOf(bytes memory data) private pure returns (bytes4) {
        return bytes4(data);
    }

    function _prefix(bytes memory data, uint256 length) private pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) out[i] = data[i];
    }

    function _sign(uint256 privateKey, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }
}
