// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../../contracts/interfaces/IIntentWallet.sol";
import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {Call, Dependency, Intent} from "../../contracts/libraries/IntentHashing.sol";
import {CallTarget} from "../../contracts/mocks/CallTarget.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {FuzzSelector, TestBase} from "./utils/Vm.sol";

/// @notice A pool of six secp256k1 keys and the key-set signature entries they make (see
///         `OwnerKeySignatures`): `0x00 ‖ r ‖ s ‖ v`, or the same signature as a keyed entry
///         `0x01 ‖ 20 (2 bytes) ‖ address ‖ 65 (2 bytes) ‖ r ‖ s ‖ v`.
/// @dev Abstract, and with no `test*` / `invariant*` functions, so the runner never takes it for a suite.
abstract contract KeyPool is TestBase {
    uint256 internal constant POOL = 6;

    /// @dev ERC-1271's answer for a valid signature.
    bytes4 internal constant ERC1271_VALID = 0x1626ba7e;

    /// @dev The private key of pool member `i`.
    function _poolKey(uint256 i) internal pure returns (uint256) {
        return 0x5E7C0DE00 + i;
    }

    /// @dev The address (and, as 20 bytes, the key-set key) of pool member `i`.
    function _poolAddress(uint256 i) internal pure returns (address) {
        return vm.addr(_poolKey(i));
    }

    /// @dev Pool member `i`'s signature of `digest`, 65 bytes `r ‖ s ‖ v`.
    function _ecdsa(uint256 i, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_poolKey(i), digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The entries of pool members `signers` (in order, repeats kept) for `digest`; entry `j` is
    ///      a keyed entry when bit `j` of `keyedMask` is set, else a secp256k1 entry.
    function _entries(
        uint256[] memory signers,
        bytes32 digest,
        uint256 keyedMask
    ) internal pure returns (bytes memory entries) {
        for (uint256 j; j < signers.length; ++j) {
            bytes memory signature = _ecdsa(signers[j], digest);
            entries =
                (keyedMask >> j) & 1 == 1
                    ? bytes.concat(
                        entries,
                        abi.encodePacked(bytes1(0x01), uint16(20), _poolAddress(signers[j]), uint16(65), signature)
                    )
                    : bytes.concat(entries, bytes1(0x00), signature);
        }
    }

    /// @dev An intent of `calls` with salt `salt`, valid for a day from now, with no dependencies.
    function _intent(Call[] memory calls, uint256 salt) internal view returns (Intent memory intent) {
        intent.calls = calls;
        intent.dependencies = new Dependency[](0);
        intent.salt = salt;
        intent.expiration = block.timestamp + 1 days;
        intent.maxGasPrice = type(uint256).max;
    }
}

/// @notice Who owns the wallet, as the handler believes: a key set (`keyMode`) of `count` addresses
///         with `threshold`, or one address (`keys[0]`, then `count` is 1 and `threshold` 1).
struct Owners {
    bool keyMode;
    uint256 threshold;
    uint256 count;
    address[8] keys;
}

/// @notice What one fuzzed call of an intent (or of a direct call) does to the owners.
struct Change {
    uint8 kind;
    address key;
    uint256 threshold;
    address[] keys;
}

/// @notice What the invariant fuzzer calls: relays intents whose calls change the key set (add, remove,
///         threshold, replace, hand to one owner) or ping a target, signed by fuzzed subsets of the pool
///         (members, outsiders, repeats, below, at and above the threshold, either entry kind); calls the
///         management functions and `execute` directly from pool members and strangers; asks
///         `isValidSignature` about fuzzed subsets. It keeps a model of the owners, changed only when the
///         wallet said an action succeeded, and counts every authorization that the model's owners at
///         the time did not give (`violations`), and every outcome the model did not predict
///         (`unexpected`).
/// @dev No function here starts with `test` or `invariant`, so the runner never takes it for a suite.
contract KeySetHandler is KeyPool {
    /// @dev A set can hold at most this many keys (the wallet's limit).
    uint256 private constant MAX_KEYS = 32;

    // Change kinds.
    uint8 private constant ADD = 0;
    uint8 private constant REMOVE = 1;
    uint8 private constant THRESHOLD = 2;
    uint8 private constant SET_KEYS = 3;
    uint8 private constant CHANGE_OWNER = 4;
    uint8 private constant PING = 5;
    uint8 private constant PAY = 6;

    /// @dev The change kind of each of 16 draws: add 3, remove 3, threshold 3, replace the set 2,
    ///      one owner 1, ping 2, pay 2.
    bytes16 private constant KIND_BY_DRAW = 0x00000001010102020203030405050606;

    IntentWallet public immutable wallet;
    CallTarget public immutable target;
    address public immutable factory;
    /// @notice An address that is never a key.
    address public constant STRANGER = address(0xBAD);

    Owners private _owners;
    uint256 private _nonce;

    // Ghost counters.
    uint256 public calls;
    uint256 public authorizations;
    uint256 public refusals;
    uint256 public pings;
    uint256 public paid;
    /// @notice Authorizations (relays, direct calls) that fewer keys than the threshold gave.
    uint256 public violations;
    /// @notice `isValidSignature` answers of valid for fewer keys than the threshold.
    uint256 public signatureViolations;
    /// @notice Outcomes the model did not predict.
    uint256 public unexpected;
    string public lastViolation;
    string public lastUnexpected;

    constructor(IntentWallet wallet_, CallTarget target_, address factory_, uint256[] memory initialMembers) {
        wallet = wallet_;
        target = target_;
        factory = factory_;
        _owners.keyMode = true;
        _owners.threshold = 2;
        for (uint256 i; i < initialMembers.length; ++i) _owners.keys[_owners.count++] = _poolAddress(initialMembers[i]);
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Relays an intent of one to three fuzzed calls signed by a fuzzed subset of the pool,
    ///         as key-set entries (`0x02 ‖ entries`) or, with `asOwner`, as the one owner (`0x00 ‖ sig`
    ///         of the subset's first member).
    function relayIntent(uint256 callSeed, uint8 callCount, uint256 signerSeed, uint8 shape, bool asOwner) external {
        ++calls;
        Owners memory before = _owners;
        (Call[] memory intentCalls, Change[] memory changes) = _fuzzCalls(callSeed, bound(callCount, 1, 3));
        Intent memory intent = _intent(intentCalls, ++_nonce);
        bytes32 id = wallet.intentId(intent);
        uint256[] memory signers = _pickSigners(before, signerSeed, shape);
        bytes memory signature =
            asOwner
                ? bytes.concat(bytes1(0x00), signers.length == 0 ? bytes("") : _ecdsa(signers[0], id))
                : bytes.concat(bytes1(0x02), _entries(signers, id, _keyedMask(signerSeed)));
        bool authorized = asOwner ? _ownerSigned(before, signers) : _entriesAuthorize(before, signers);
        uint256 members = asOwner ? _distinctMembers(before, _first(signers)) : _distinctMembers(before, signers);
        (Owners memory expected, bool callsOk) = _simulate(before, changes);
        try wallet.relay(intent, signature) returns (bool ok) {
            _authorized(members >= before.threshold, "a relay signed below the threshold");
            if (!authorized) _unexpected("a relay the model refused went through");
            if (ok != callsOk) _unexpected("a relayed intent's calls fared otherwise than the model");
            if (ok) _commit(expected, changes);
        } catch {
            ++refusals;
            if (authorized) _unexpected("a relay signed at the threshold was refused");
        }
    }

    /// @notice A fuzzed caller (a pool member, the factory, a stranger) calls a management function
    ///         directly, or `execute` with one fuzzed call (a ping, or the wallet's own function).
    function callDirectly(uint256 callerSeed, uint256 callSeed, bool viaExecute) external {
        ++calls;
        Owners memory before = _owners;
        address caller = _caller(callerSeed);
        (Call[] memory one, Change[] memory changes) = _fuzzCalls(callSeed, 1);
        bool isManagement = changes[0].kind != PING && changes[0].kind != PAY;
        bytes memory data = isManagement && !viaExecute ? one[0].data : abi.encodeCall(IIntentWallet.execute, (one));
        bool allowed = _isMember(before, caller) && before.threshold == 1;
        (Owners memory expected, bool callOk) = _simulate(before, changes);
        vm.prank(caller);
        (bool ok, ) = address(wallet).call(data);
        if (ok) {
            _authorized(allowed, "a direct call below the threshold");
            if (!callOk) _unexpected("a direct call the model refused went through");
            _commit(expected, changes);
        } else {
            ++refusals;
            if (allowed && callOk) _unexpected("a direct call of a sole key was refused");
        }
    }

    /// @notice Asks `isValidSignature` about a fuzzed subset's entries (or, with `raw`, the 65 bytes of
    ///         the subset's first member) for `replaySafeHash(hash)`.
    function checkSignature(bytes32 hash, uint256 signerSeed, uint8 shape, bool raw) external {
        ++calls;
        Owners memory current = _owners;
        bytes32 digest = wallet.replaySafeHash(hash);
        uint256[] memory signers = _pickSigners(current, signerSeed, shape);
        bytes memory signature =
            raw
                ? (signers.length == 0 ? bytes("") : _ecdsa(signers[0], digest))
                : _entries(signers, digest, _keyedMask(signerSeed));
        bool valid = wallet.isValidSignature(hash, signature) == ERC1271_VALID;
        bool expected = raw ? _ownerSigned(current, signers) : _entriesAuthorize(current, signers);
        uint256 members = raw ? _distinctMembers(current, _first(signers)) : _distinctMembers(current, signers);
        if (valid && members < current.threshold) {
            ++signatureViolations;
            lastViolation = "isValidSignature accepted fewer keys than the threshold";
        }
        if (valid != expected) _unexpected("isValidSignature disagreed with the model");
    }

    /*//////////////////////////////////////////////////////////////
                          VIEWS FOR THE INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The model's owners: whether a key set owns the wallet, its threshold and its keys.
    function model() external view returns (bool keyMode, uint256 threshold, address[] memory keys) {
        keys = new address[](_owners.count);
        for (uint256 i; i < keys.length; ++i) keys[i] = _owners.keys[i];
        return (_owners.keyMode, _owners.threshold, keys);
    }

    /// @notice Pool member `i`'s address.
    function poolAddress(uint256 i) external pure returns (address) {
        return _poolAddress(i);
    }

    /*//////////////////////////////////////////////////////////////
                            FUZZED INPUTS
    //////////////////////////////////////////////////////////////*/

    /// @dev `n` calls drawn from `seed`, each with the change it makes.
    function _fuzzCalls(uint256 seed, uint256 n) private view returns (Call[] memory out, Change[] memory changes) {
        out = new Call[](n);
        changes = new Change[](n);
        for (uint256 i; i < n; ++i) (out[i], changes[i]) = _fuzzCall(uint256(keccak256(abi.encode(seed, i))));
    }

    /// @dev One call: mostly a key change of the wallet on itself, sometimes a ping (with 1 wei or not).
    function _fuzzCall(uint256 seed) private view returns (Call memory call, Change memory change) {
        change.kind = uint8(KIND_BY_DRAW[seed % 16]);
        change.key = _fuzzKey(seed >> 8);
        change.threshold = (seed >> 16) % 8; // 0 and above the set's size included
        change.keys = _fuzzKeyList(seed >> 24);
        bytes memory data;
        if (change.kind == ADD) data = abi.encodeCall(IIntentWallet.enrollSigner, (abi.encodePacked(change.key)));
        if (change.kind == REMOVE)
            data = abi.encodeCall(IIntentWallet.unregisterSigner, (abi.encodePacked(change.key)));
        if (change.kind == THRESHOLD) data = abi.encodeCall(IIntentWallet.setSigningThreshold, (change.threshold));
        if (change.kind == SET_KEYS) {
            bytes[] memory keys = new bytes[](change.keys.length);
            for (uint256 i; i < keys.length; ++i) keys[i] = abi.encodePacked(change.keys[i]);
            data = abi.encodeCall(IIntentWallet.handToKeySet, (keys, change.threshold));
        }
        if (change.kind == CHANGE_OWNER) data = abi.encodeCall(IIntentWallet.changeOwner, (change.key));
        if (change.kind == PING || change.kind == PAY) {
            return (Call(address(target), change.kind == PAY ? 1 : 0, abi.encodeCall(CallTarget.ping, (seed))), change);
        }
        call = Call(address(wallet), 0, data);
    }

    /// @dev A pool address, or (one time in seven) the zero address, which can never be a key.
    function _fuzzKey(uint256 seed) private pure returns (address) {
        uint256 i = seed % (POOL + 1);
        return i < POOL ? _poolAddress(i) : address(0);
    }

    /// @dev Zero to four pool addresses: distinct half the time, independent draws (repeats) otherwise.
    function _fuzzKeyList(uint256 seed) private pure returns (address[] memory keys) {
        keys = new address[](seed % 5);
        bool distinct = (seed >> 4) & 1 == 1;
        for (uint256 j; j < keys.length; ++j) {
            uint256 draw = distinct ? (seed >> 8) + j : seed >> (16 + 8 * j);
            keys[j] = _poolAddress(draw % POOL);
        }
    }

    /// @dev A pool member (six times in eight), the factory (the key-set wallet's first owner in code)
    ///      or a stranger.
    function _caller(uint256 seed) private view returns (address) {
        uint256 i = seed % (POOL + 2);
        if (i < POOL) return _poolAddress(i);
        return i == POOL ? factory : STRANGER;
    }

    /// @dev Which entries are keyed ones.
    function _keyedMask(uint256 seed) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, "keyed")));
    }

    /// @dev Pool indices to sign, by `shape`: threshold - 1 members; the threshold; every member;
    ///      threshold - 1 members and a repeat of one; threshold - 1 members and an outsider; the
    ///      threshold and a repeat; or (two shapes in eight) any draw of the pool, repeats included.
    ///      Members are taken from a seeded rotation of the set; the extra entry goes in a seeded place.
    function _pickSigners(Owners memory o, uint256 seed, uint8 shape) private pure returns (uint256[] memory signers) {
        uint256 t = o.threshold;
        uint256 s = shape % 8;
        if (s >= 6) return _randomSigners(seed);
        uint256 k =
            s == 0 || s == 3 || s == 4
                ? t - 1
                : s == 2
                    ? o.count
                    : t;
        signers = new uint256[](k);
        for (uint256 j; j < k; ++j) signers[j] = _poolIndex(o.keys[((seed % o.count) + j) % o.count]);
        if (s == 3 || s == 5) {
            if (k != 0) signers = _insert(signers, signers[(seed >> 8) % k], seed >> 16);
        } else if (s == 4) {
            (bool found, uint256 outsider) = _outsider(o, seed >> 24);
            if (found) signers = _insert(signers, outsider, seed >> 16);
        }
    }

    /// @dev Zero to seven independent draws of the pool.
    function _randomSigners(uint256 seed) private pure returns (uint256[] memory signers) {
        signers = new uint256[]((seed >> 32) % 8);
        for (uint256 j; j < signers.length; ++j) signers[j] = (seed >> (40 + 8 * j)) % POOL;
    }

    /// @dev A pool index whose address is not in `o`, searched from `start`.
    function _outsider(Owners memory o, uint256 start) private pure returns (bool found, uint256 index) {
        for (uint256 j; j < POOL; ++j) {
            index = (start + j) % POOL;
            if (!_isMember(o, _poolAddress(index))) return (true, index);
        }
    }

    /// @dev `list` with `value` inserted at position `where % (length + 1)`.
    function _insert(uint256[] memory list, uint256 value, uint256 where) private pure returns (uint256[] memory out) {
        out = new uint256[](list.length + 1);
        uint256 at = where % out.length;
        for (uint256 j; j < out.length; ++j)
            out[j] =
                j < at
                    ? list[j]
                    : j == at
                        ? value
                        : list[j - 1];
    }

    /// @dev The first of `signers` alone (none if there are none).
    function _first(uint256[] memory signers) private pure returns (uint256[] memory first) {
        first = new uint256[](signers.length == 0 ? 0 : 1);
        if (signers.length != 0) first[0] = signers[0];
    }

    /// @dev The pool index of `who` (`POOL` if none).
    function _poolIndex(address who) private pure returns (uint256 i) {
        while (i < POOL && _poolAddress(i) != who) ++i;
    }

    /*//////////////////////////////////////////////////////////////
                                 MODEL
    //////////////////////////////////////////////////////////////*/

    /// @dev The property itself: how many distinct members of `o` are among `signers`.
    function _distinctMembers(Owners memory o, uint256[] memory signers) private pure returns (uint256 members) {
        for (uint256 j; j < signers.length; ++j) {
            bool repeat;
            for (uint256 i; i < j; ++i) repeat = repeat || signers[i] == signers[j];
            if (!repeat && _isMember(o, _poolAddress(signers[j]))) ++members;
        }
    }

    /// @dev Whether key-set entries of `signers` authorize under `o`: a key set, no repeat, no
    ///      outsider, at least the threshold and at most `MAX_KEYS` entries.
    function _entriesAuthorize(Owners memory o, uint256[] memory signers) private pure returns (bool) {
        if (!o.keyMode || signers.length > MAX_KEYS) return false;
        uint256 members = _distinctMembers(o, signers);
        return members == signers.length && members >= o.threshold;
    }

    /// @dev Whether the one owner of `o` signed (the first of `signers`).
    function _ownerSigned(Owners memory o, uint256[] memory signers) private pure returns (bool) {
        return !o.keyMode && signers.length != 0 && _poolAddress(signers[0]) == o.keys[0];
    }

    /// @dev Whether `who` is one of `o`'s keys (for one owner: is it).
    function _isMember(Owners memory o, address who) private pure returns (bool) {
        return _indexOf(o, who) < o.count;
    }

    /// @dev Where `who` is among `o`'s keys (`o.count` if it is not).
    function _indexOf(Owners memory o, address who) private pure returns (uint256 i) {
        while (i < o.count && o.keys[i] != who) ++i;
    }

    /// @dev `changes` applied in order to a copy of `o`, and whether all of them are allowed (a batch
    ///      is all or nothing).
    function _simulate(Owners memory o, Change[] memory changes) private view returns (Owners memory next, bool ok) {
        next = _copy(o);
        ok = true;
        for (uint256 i; i < changes.length && ok; ++i) ok = _apply(next, changes[i]);
    }

    /// @dev A copy of `o` (assigning a memory struct copies only a reference).
    function _copy(Owners memory o) private pure returns (Owners memory copy) {
        (copy.keyMode, copy.threshold, copy.count) = (o.keyMode, o.threshold, o.count);
        for (uint256 i; i < o.count; ++i) copy.keys[i] = o.keys[i];
    }

    /// @dev Applies `change` to `o` as the wallet would; false when the wallet must refuse it.
    function _apply(Owners memory o, Change memory change) private view returns (bool) {
        uint8 kind = change.kind;
        if (kind == PING || kind == PAY) return true;
        if (kind == CHANGE_OWNER) {
            if (!_validKey(change.key)) return false;
            (o.keyMode, o.threshold, o.count, o.keys[0]) = (false, 1, 1, change.key);
            return true;
        }
        o.keyMode = true; // a one-address owner becomes the key set {owner} with threshold 1
        if (kind == ADD) return _add(o, change.key);
        if (kind == REMOVE) {
            uint256 at = _indexOf(o, change.key);
            if (at == o.count) return false;
            o.keys[at] = o.keys[--o.count];
            return o.threshold <= o.count;
        }
        if (kind == SET_KEYS) {
            (o.count, o.threshold) = (0, 0);
            for (uint256 i; i < change.keys.length; ++i) if (!_add(o, change.keys[i])) return false;
        }
        if (change.threshold == 0 || change.threshold > o.count) return false;
        o.threshold = change.threshold;
        return true;
    }

    /// @dev Adds `key` to `o` as `enrollSigner` would; false when the wallet must refuse it.
    function _add(Owners memory o, address key) private view returns (bool) {
        if (!_validKey(key) || o.count == MAX_KEYS || _isMember(o, key)) return false;
        o.keys[o.count++] = key;
        return true;
    }

    /// @dev Whether a 20-byte key may join a set: not zero, not the wallet.
    function _validKey(address key) private view returns (bool) {
        return key != address(0) && key != address(wallet);
    }

    /// @dev Records an authorization; a violation unless the owners before it gave it.
    function _authorized(bool enough, string memory what) private {
        ++authorizations;
        if (!enough) {
            ++violations;
            lastViolation = what;
        }
    }

    /// @dev Makes `next` the model, and counts the pings and wei that the successful `changes` sent.
    function _commit(Owners memory next, Change[] memory changes) private {
        _owners = next;
        for (uint256 i; i < changes.length; ++i) {
            if (changes[i].kind == PING) ++pings;
            if (changes[i].kind == PAY) (++pings, ++paid);
        }
    }

    /// @dev Records an outcome the model did not predict.
    function _unexpected(string memory what) private {
        ++unexpected;
        lastUnexpected = what;
    }
}

/// @notice No sequence of key changes and intents ever lets fewer keys than the threshold authorize
///         anything: an invariant suite over `KeySetHandler`, and fuzz tests of one relay each on a
///         key-set wallet.
contract KeySetInvariantsTest is KeyPool {
    /// @dev One fuzz case: an m-of-n wallet and an intent of it with its ID.
    struct KeySetCase {
        IntentWallet keySet;
        Intent intent;
        bytes32 id;
        uint256 n;
        uint256 m;
    }

    uint256 private constant WALLET_FUNDS = 1 ether;

    IntentWallet private wallet;
    WalletFactory private factory;
    CallTarget private target;
    KeySetHandler private handler;

    /// @dev A 2-of-3 wallet of pool members 0, 1 and 2, funded, and the handler that drives it.
    function setUp() public {
        factory = new WalletFactory(address(new IntentWallet()));
        wallet = _createWallet(3, 2, 0);
        target = new CallTarget();
        vm.deal(address(wallet), WALLET_FUNDS);
        handler = new KeySetHandler(wallet, target, address(factory), _range(3));
    }

    /// @notice Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the handler's actions are fuzzed, not its views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = KeySetHandler.relayIntent.selector;
        selectors[1] = KeySetHandler.relayIntent.selector; // relaying is the main action: twice the weight
        selectors[2] = KeySetHandler.callDirectly.selector;
        selectors[3] = KeySetHandler.callDirectly.selector;
        selectors[4] = KeySetHandler.checkSignature.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Every relay and direct call that went through had at least the threshold of distinct
    ///         keys of the set as it was before (for a direct call: a member, with threshold 1); the
    ///         target saw exactly the pings and wei of the intents and calls that went through.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 32
    function invariant_everyAuthorizationHadTheThreshold() public view {
        if (handler.violations() != 0) revert(handler.lastViolation());
        assertEq(target.pings(), handler.pings(), "pings");
        assertEq(address(target).balance, handler.paid(), "wei paid");
        assertEq(address(wallet).balance, WALLET_FUNDS - handler.paid(), "wallet balance");
    }

    /// @notice The wallet's owners are the model's, and `1 <= threshold <= keys <= 32`.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 32
    function invariant_ownersMatchTheModel() public view {
        (bool keyMode, uint256 threshold, address[] memory expected) = handler.model();
        (bytes[] memory keys, uint256 actualThreshold) = wallet.listKeys();
        assertEq(actualThreshold, threshold, "threshold");
        assertEq(keys.length, expected.length, "number of keys");
        assertTrue(actualThreshold >= 1 && actualThreshold <= keys.length, "threshold out of 1..keys");
        assertLe(keys.length, 32, "too many keys (the wallet's limit)");
        for (uint256 i; i < keys.length; ++i) {
            assertEq(keys[i].length, 20, "key length");
            assertTrue(_contains(expected, address(bytes20(keys[i]))), "a key the model does not hold");
        }
        for (uint256 i; i < keys.length; ++i) {
            assertTrue(address(bytes20(keys[i])) != address(factory), "the factory is a key");
        }
        assertEq(wallet.owner(), keyMode ? address(0) : expected[0], "owner");
    }

    /// @notice The model predicted every outcome: refusals as well as authorizations, and what the
    ///         calls of each relayed intent did.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 32
    function invariant_everyOutcomeWasPredicted() public view {
        if (handler.unexpected() != 0) revert(handler.lastUnexpected());
    }

    /// @notice `isValidSignature` never answered valid for fewer keys than the threshold.
    /// hardhat-config: invariant.runs = 48
    /// hardhat-config: invariant.depth = 32
    function invariant_isValidSignatureNeverBelowTheThreshold() public view {
        if (handler.signatureViolations() != 0) revert(handler.lastViolation());
    }

    /// @notice Proves the fuzzer drives the handler: each run must have called it.
    function afterInvariant() public view {
        assertTrue(handler.calls() > 0, "the invariant fuzzer never called the handler");
    }

    /*//////////////////////////////////////////////////////////////
                                 FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @dev On the 2-of-3 wallet, random bytes after `0x02`, alone or after one member's valid entry,
    ///      never authorize a relay, and never make `isValidSignature` answer valid.
    function testFuzz_randomBytesNeverAuthorize(bytes calldata tail, bool afterOneMember, bytes32 hash) public {
        (Intent memory intent, bytes32 id) = _pingIntent(wallet, 1);
        bytes memory entries = afterOneMember ? bytes.concat(_entries(_range(1), id, 0), tail) : tail;
        try wallet.relay(intent, bytes.concat(bytes1(0x02), entries)) {
            fail("random bytes authorized a relay");
        } catch {}
        assertEq(target.pings(), 0, "the intent ran");
        assertFalse(wallet.isValidSignature(hash, tail) == ERC1271_VALID, "random bytes are a valid signature");
        assertFalse(wallet.isOwnerAuthorized(id, entries), "random bytes are an owner signature");
    }

    /// @dev On any m-of-n wallet, m - 1 distinct members (in any order, either entry kind) are refused
    ///      with `IntentBelowThreshold(id, m - 1, m)`; one more member lets the same intent through.
    function testFuzz_belowThresholdRefused(uint256 seed, uint8 size, uint8 threshold) public {
        uint256 n = bound(size, 1, POOL);
        KeySetCase memory c = _keySetCase(n, bound(threshold, 1, n), seed);
        uint256[] memory signers = _rotation(c.n, c.m, seed);
        uint256[] memory fewer = _prefix(signers, c.m - 1);
        _expectRelayError(
            c,
            _entries(fewer, c.id, seed >> 128),
            abi.encodeWithSelector(IIntentWallet.IntentBelowThreshold.selector, c.id, c.m - 1, c.m)
        );
        bytes32 hash = keccak256(abi.encode(seed));
        bytes memory fewerMessage = _entries(fewer, c.keySet.replaySafeHash(hash), seed >> 128);
        assertFalse(c.keySet.isValidSignature(hash, fewerMessage) == ERC1271_VALID, "valid below the threshold");
        bytes memory enough = bytes.concat(bytes1(0x02), _entries(signers, c.id, seed >> 128));
        assertTrue(c.keySet.relay(c.intent, enough), "relay at the threshold");
        assertEq(target.pings(), 1, "pings");
    }

    /// @dev On any m-of-n wallet with m >= 2, m - 1 distinct members plus a repeat of one of them (in
    ///      the other entry kind or the same) or plus a key outside the set are refused, naming that key.
    function testFuzz_repeatsAndOutsidersNeverCount(uint256 seed, uint8 size, uint8 threshold, bool outsider) public {
        uint256 n = bound(size, 2, POOL - 1);
        KeySetCase memory c = _keySetCase(n, bound(threshold, 2, n), seed);
        uint256[] memory signers = _rotation(c.n, c.m, seed);
        uint256 extra = outsider ? c.n + (seed % (POOL - c.n)) : signers[seed % (c.m - 1)];
        signers[c.m - 1] = extra; // after m - 1 distinct members
        bytes memory expected = abi.encodeWithSelector(
            outsider ? IIntentWallet.IntentKeyNotInSet.selector : IIntentWallet.IntentKeyRepeated.selector,
            c.id,
            abi.encodePacked(_poolAddress(extra))
        );
        _expectRelayError(c, _entries(signers, c.id, seed >> 128), expected);
        assertEq(target.pings(), 0, "the intent ran");
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev An m-of-n wallet of pool members 0 .. n - 1 (its salt hashed from `seed`, so never
    ///      setUp's 0) and an intent of it that pings the target.
    function _keySetCase(uint256 n, uint256 m, uint256 seed) private returns (KeySetCase memory c) {
        (c.n, c.m) = (n, m);
        c.keySet = _createWallet(n, m, uint256(keccak256(abi.encode(seed))));
        (c.intent, c.id) = _pingIntent(c.keySet, seed);
    }

    /// @dev A wallet owned by pool members 0 .. n - 1 with threshold `m`.
    function _createWallet(uint256 n, uint256 m, uint256 salt) private returns (IntentWallet) {
        bytes[] memory keys = new bytes[](n);
        for (uint256 i; i < n; ++i) keys[i] = abi.encodePacked(_poolAddress(i));
        return IntentWallet(payable(factory.deployWalletWithKeys(keys, m, salt)));
    }

    /// @dev An intent of `keySet` that pings the target once, and its ID.
    function _pingIntent(IntentWallet keySet, uint256 salt) private view returns (Intent memory intent, bytes32 id) {
        Call[] memory calls = new Call[](1);
        calls[0] = Call(address(target), 0, abi.encodeCall(CallTarget.ping, (salt)));
        intent = _intent(calls, salt);
        id = keySet.intentId(intent);
    }

    /// @dev Relays the case's intent with `0x02 ‖ entries`; requires exactly the revert `expected`.
    function _expectRelayError(KeySetCase memory c, bytes memory entries, bytes memory expected) private {
        try c.keySet.relay(c.intent, bytes.concat(bytes1(0x02), entries)) {
            fail("relayed without the threshold of distinct members");
        } catch (bytes memory reason) {
            assertEq(keccak256(reason), keccak256(expected), "revert reason");
        }
    }

    /// @dev Pool indices 0 .. n - 1.
    function _range(uint256 n) private pure returns (uint256[] memory list) {
        list = new uint256[](n);
        for (uint256 i; i < n; ++i) list[i] = i;
    }

    /// @dev `m` of pool indices 0 .. n - 1, distinct, from a seeded start.
    function _rotation(uint256 n, uint256 m, uint256 seed) private pure returns (uint256[] memory list) {
        list = new uint256[](m);
        for (uint256 j; j < m; ++j) list[j] = ((seed % n) + j) % n;
    }

    /// @dev The first `k` of `list`.
    function _prefix(uint256[] memory list, uint256 k) private pure returns (uint256[] memory out) {
        out = new uint256[](k);
        for (uint256 j; j < k; ++j) out[j] = list[j];
    }

    /// @dev Whether `who` is in `list`.
    function _contains(address[] memory list, address who) private pure returns (bool) {
        for (uint256 i; i < list.length; ++i) if (list[i] == who) return true;
        return false;
    }
}
