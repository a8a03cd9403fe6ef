// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentWallet} from "../../contracts/interfaces/IIntentWallet.sol";
import {IntentBatcher} from "../../contracts/IntentBatcher.sol";
import {IntentWallet} from "../../contracts/IntentWallet.sol";
import {Call, Dependency, Intent} from "../../contracts/libraries/IntentHashing.sol";
import {WalletFactory} from "../../contracts/WalletFactory.sol";
import {PackedIntentEncoder} from "./utils/PackedIntentEncoder.sol";
import {FuzzSelector, TestBase} from "./utils/Vm.sol";

/// @notice A call target that records the gas it was given, burns some, and may then fail on its own.
contract GasProbe {
    /// @notice The call under `key` failed on its own, after burning what it was told to.
    error ProbeFailed(uint256 key);

    /// @notice The gas left when the call under `key` was entered (kept only if it succeeded).
    mapping(uint256 key => uint256) public gasAtEntry;

    /// @notice Records the gas at entry under `key`, burns `amount` (cold reads), then reverts if
    ///         `failAfter`. With `amount` of 2^256 - 1 it burns everything it is given.
    function burn(uint256 key, uint256 amount, bool failAfter) external {
        uint256 entry = gasleft();
        gasAtEntry[key] = entry;
        for (uint256 slot = 1 << 128; entry - gasleft() < amount; ++slot) {
            assembly ("memory-safe") {
                pop(sload(slot)) // a cold read: 2,100 gas
            }
        }
        if (failAfter) revert ProbeFailed(key);
    }
}

/// @notice What the invariant fuzzer calls: relays a fresh owner-signed intent of one of a few kinds
///         with a fuzzed outer gas limit, by a fuzzed route (packed, ABI, or through the batcher),
///         and keeps what it relayed for the invariants.
/// @dev No function here starts with `test` or `invariant`, so the runner never takes it for a suite.
contract GasGuardHandler is TestBase {
    /// @dev The kinds of intent: what their calls do, and whether they can ever fail on their own.
    uint256 internal constant KINDS = 6;
    uint256 internal constant HEAVY = 300_000;

    /// @dev One relayed (or attempted) intent.
    struct Attempt {
        bytes32 id;
        uint256 kind;
        uint256 key;
        uint256 minGasLimit;
    }

    IntentWallet public immutable wallet;
    IntentBatcher public immutable batcher;
    GasProbe public immutable probe;
    uint256 private immutable ownerKey;

    uint256 public salt;
    Attempt[] private _attempts;
    /// @notice How many attempts ended Succeeded, Failed, or reverted: the run must see all three.
    uint256 public succeeded;
    uint256 public failed;
    uint256 public reverted;

    constructor(IntentWallet wallet_, IntentBatcher batcher_, GasProbe probe_, uint256 ownerKey_) {
        (wallet, batcher, probe, ownerKey) = (wallet_, batcher_, probe_, ownerKey_);
    }

    /// @notice Relays a fresh intent of kind `kindSeed % KINDS` with `gasSeed` bounded to an outer gas
    ///         limit between 40,000 and 1,200,000, by route `route % 3`.
    function relay(uint256 kindSeed, uint256 gasSeed, uint8 route) external {
        uint256 kind = kindSeed % KINDS;
        uint256 key = ++salt;
        (Intent memory intent, uint256 minGasLimit) = _intentOfKind(kind, key);
        bytes32 id = wallet.intentId(intent);
        _attempts.push(Attempt({id: id, kind: kind, key: key, minGasLimit: minGasLimit}));
        bytes memory signature = _sign(id);
        uint256 gasLimit = bound(gasSeed, 40_000, 1_200_000);
        (bool ok, bytes memory answer) = _send(intent, signature, gasLimit, route % 3);
        IIntentWallet.IntentStatus status = wallet.intentStatus(id);
        if (status == IIntentWallet.IntentStatus.Succeeded) ++succeeded;
        else if (status == IIntentWallet.IntentStatus.Failed) ++failed;
        else ++reverted;
        (ok, answer); // the receipt is what the invariants judge
    }

    /// @notice How many intents were attempted.
    function attemptCount() external view returns (uint256) {
        return _attempts.length;
    }

    /// @notice Attempt `i`.
    function attempt(uint256 i) external view returns (Attempt memory) {
        return _attempts[i];
    }

    /// @notice Whether intents of `kind` fail on their own when given all the gas in the world.
    function failsOnItsOwn(uint256 kind) public pure returns (bool) {
        return kind == 2 || kind == 5;
    }

    /// @dev The intent of `kind`, its first call recording under `key`, and its minGasLimit.
    function _intentOfKind(uint256 kind, uint256 key) private view returns (Intent memory intent, uint256 minGasLimit) {
        Call[] memory calls;
        if (kind == 0) {
            calls = _calls1(_burn(key, HEAVY, false)); // succeeds, no minGasLimit
        } else if (kind == 1) {
            // Needs far less than its minGasLimit: only the guard before the call keeps a relay
            // from succeeding with less than promised.
            (calls, minGasLimit) = (_calls1(_burn(key, 100_000, false)), HEAVY);
        } else if (kind == 2) {
            calls = _calls1(_burn(key, 200_000, true)); // fails on its own
        } else if (kind == 3) {
            // A batch whose second call is heavy: the relayer could starve it after the first.
            calls = _calls2(_burn(key, 20_000, false), _burn(key + 1e9, HEAVY, false));
        } else if (kind == 4) {
            calls = _calls1(_burn(key, type(uint256).max, false)); // burns everything: never relayable
        } else {
            // A batch whose second call fails on its own, after a heavy first call.
            (calls, minGasLimit) = (_calls2(_burn(key, 250_000, false), _burn(key + 1e9, 10_000, true)), 250_000);
        }
        intent = Intent({
            calls: calls,
            dependencies: new Dependency[](0),
            salt: salt,
            validAfter: 0,
            expiration: type(uint256).max,
            maxGasPrice: type(uint256).max,
            minGasLimit: minGasLimit
        });
    }

    function _burn(uint256 key, uint256 amount, bool failAfter) private view returns (Call memory) {
        return Call(address(probe), 0, abi.encodeCall(GasProbe.burn, (key, amount, failAfter)));
    }

    function _calls1(Call memory a) private pure returns (Call[] memory calls) {
        calls = new Call[](1);
        calls[0] = a;
    }

    function _calls2(Call memory a, Call memory b) private pure returns (Call[] memory calls) {
        calls = new Call[](2);
        (calls[0], calls[1]) = (a, b);
    }

    /// @dev Sends the relay with exactly `gasLimit` for the wallet's (or the batcher's) frame.
    function _send(
        Intent memory intent,
        bytes memory signature,
        uint256 gasLimit,
        uint256 route
    ) private returns (bool ok, bytes memory answer) {
        (bytes memory packed, ) = PackedIntentEncoder.encode(intent, 0);
        if (route == 0) {
            return
                address(wallet).call{gas: gasLimit}(
                    bytes.concat(IIntentWallet.relayPacked.selector, packed, signature)
                );
        }
        if (route == 1) {
            return address(wallet).call{gas: gasLimit}(abi.encodeCall(IIntentWallet.relay, (intent, signature)));
        }
        bytes memory payload = bytes.concat(packed, signature);
        bytes memory entries = bytes.concat(bytes20(address(wallet)), bytes3(uint24(payload.length)), payload);
        return address(batcher).call{gas: gasLimit}(abi.encodeCall(IntentBatcher.relayBatch, (entries)));
    }

    function _sign(bytes32 id) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, id);
        return abi.encodePacked(bytes1(0x00), r, s, v);
    }
}

/// @notice The gas guard as invariants: whatever gas a relayer sends, by whatever route, a `Failed`
///         receipt only ever belongs to calls that fail on their own, and a receipt's first call got
///         at least the intent's `minGasLimit`.
contract GasGuardInvariantsTest is TestBase {
    uint256 private constant OWNER_KEY = 0xB0B;

    IntentWallet private wallet;
    GasProbe private probe;
    GasGuardHandler private handler;

    function setUp() public {
        WalletFactory factory = new WalletFactory(address(new IntentWallet()));
        wallet = IntentWallet(payable(factory.createWallet(vm.addr(OWNER_KEY), 0)));
        probe = new GasProbe();
        handler = new GasGuardHandler(wallet, new IntentBatcher(), probe, OWNER_KEY);
    }

    /// @notice Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the handler's `relay` is fuzzed, not its views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = GasGuardHandler.relay.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice A `Failed` receipt belongs only to calls that fail with all the gas in the world.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 16
    function invariant_failedOnlyWhenTheCallsFailOnTheirOwn() public view {
        for (uint256 i; i < handler.attemptCount(); ++i) {
            GasGuardHandler.Attempt memory a = handler.attempt(i);
            if (wallet.intentStatus(a.id) == IIntentWallet.IntentStatus.Failed) {
                assertTrue(handler.failsOnItsOwn(a.kind), "a Failed receipt for calls that only fail when starved");
            }
        }
    }

    /// @notice A `Succeeded` receipt's first call was given at least the intent's `minGasLimit`; an
    ///         intent whose call burns everything never gets a receipt.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 16
    function invariant_receiptsHadTheirMinGasLimit() public view {
        for (uint256 i; i < handler.attemptCount(); ++i) {
            GasGuardHandler.Attempt memory a = handler.attempt(i);
            IIntentWallet.IntentStatus status = wallet.intentStatus(a.id);
            if (status == IIntentWallet.IntentStatus.Succeeded) {
                assertLe(a.minGasLimit, probe.gasAtEntry(a.key), "first call given less than minGasLimit");
            }
            if (a.kind == 4) {
                assertTrue(status == IIntentWallet.IntentStatus.None, "a call that burns everything got a receipt");
            }
        }
    }
}
