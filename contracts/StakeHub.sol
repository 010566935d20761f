// SPDX-License-Identifier: MIT
// verity's staking ledger: a system contract in the genesis state at 0x0000000000000000000000000000000000001000.
//
// Stake is ordinary state under the state root (provable with eth_getProof) and every wallet reaches it
// with ordinary transactions. The node drives it with system calls from SYSTEM (as Ethereum's EIP-7002
// and EIP-2935 system calls): `initialize` once at genesis, `onBlock` after every block's transactions
// (the block reward it minted, the signers of the certificate the block carries), and `endEpoch` at the
// last block of an epoch (rewards shared out, absentees jailed, the snapshot for two epochs ahead).
// The node, not Solidity, checks each candidate's ed25519 / ECVRF proof of possession (Solidity cannot
// verify ed25519 cheaply) and passes the chosen set to `endEpoch`; the contract re-checks eligibility.
//
// Accounting: each validator pools the stake of its delegators (itself included) and issues shares;
// rewards raise the pool without issuing shares, so delegations compound (BNB Chain's StakeCredit,
// Cosmos's tokens/shares) and slashing a fraction of the pool slashes every delegation pro rata.
// Amounts are in wei. Nothing here uses fixed amounts for punishment: fractions only.
pragma solidity 0.8.30;

contract StakeHub {
    address public constant SYSTEM = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;
    uint256 private constant BPS = 10_000;

    // ---- parameters (set once at genesis) ----
    struct Params {
        uint64 epochLength; // heights per epoch
        uint64 unbondingEpochs; // epochs an undelegation waits before withdraw()
        uint64 jailEpochs; // epochs a downtime jail lasts before unjail() is allowed
        uint64 downtimeGapFactor; // jailed when silent for more than this many expected gaps ...
        uint64 minDowntimeBlocks; // ... and never for fewer blocks than this
        uint16 maxValidators; // active set size (top N by stake)
        uint16 maxCommissionChangeBps; // per epoch
        uint16 slashFractionBps; // of the stake at the infraction, for equivocation
        uint16 maxUnbondingEntries; // per (validator, delegator)
        uint256 minSelfStake; // wei
        uint256 minDelegation; // wei
        uint256 committeeSize; // expected committee size in stake units (the sortition's tau)
    }

    struct Validator {
        bytes32 signingKey;
        bytes32 vrfKey;
        bytes proofOfPossession;
        string description;
        uint256 stake; // wei in the pool (self + delegations), slashable
        uint256 shares;
        uint16 commissionBps;
        uint64 commissionEpoch; // epoch of the last commission change
        uint64 jailedUntilEpoch;
        uint64 lastSignedHeight;
        bool exists;
        bool jailed;
        bool tombstoned;
    }

    struct Unbonding {
        address validator;
        address delegator;
        uint256 amount;
        uint64 startHeight;
        uint64 completeEpoch;
    }

    struct SetEntry {
        address validator;
        uint256 stake;
    }

    /// A snapshot entry with the keys, as the node reads it.
    struct SetMember {
        address validator;
        uint256 stake;
        bytes32 signingKey;
        bytes32 vrfKey;
    }

    /// A registered validator as a wallet or explorer shows it.
    struct ValidatorView {
        address operator;
        bytes32 signingKey;
        bytes32 vrfKey;
        bytes proofOfPossession;
        string description;
        uint256 stake;
        uint256 shares;
        uint256 selfStake;
        uint16 commissionBps;
        uint64 jailedUntilEpoch;
        uint64 lastSignedHeight;
        bool jailed;
        bool tombstoned;
    }

    /// A candidate for the next snapshot, as the node reads it (to check proofs of possession).
    struct Candidate {
        address validator;
        uint256 stake;
        bytes32 signingKey;
        bytes32 vrfKey;
        bytes proofOfPossession;
    }

    Params public params;
    bool public initialized;
    uint64 public currentEpoch;
    /// Rewards minted since the last distribution (and distribution dust carried over), wei.
    uint256 public pendingRewards;
    /// Everything this contract burned (forfeited rewards and slashes): the node removed it from its balance.
    uint256 public totalBurned;

    mapping(address => Validator) private validators;
    address[] private validatorList;
    mapping(bytes32 => bool) public keyUsed; // signing and VRF keys, ever registered (never reused)
    mapping(address => mapping(address => uint256)) private sharesOf; // validator => delegator => shares
    Unbonding[] private unbondings;
    mapping(address => uint256[]) private unbondingIdsOf; // delegator => open ids into unbondings
    mapping(address => uint256[]) private unbondingIdsFrom; // validator => every id into unbondings (slashing)
    mapping(address => mapping(address => uint256)) private unbondingCount; // validator => delegator => open entries
    mapping(address => uint256) public claimable; // accrued commission, wei
    mapping(uint64 => SetEntry[]) private epochSets;
    mapping(address => uint64) private lastSetEpoch; // the latest epoch whose set holds the validator

    event ValidatorCreated(address indexed validator, bytes32 signingKey, bytes32 vrfKey, uint16 commissionBps, uint256 selfStake);
    event ValidatorEdited(address indexed validator, uint16 commissionBps, string description);
    event Delegated(address indexed delegator, address indexed validator, uint256 amount, uint256 shares);
    event Undelegated(address indexed delegator, address indexed validator, uint256 amount, uint256 shares, uint64 completeEpoch);
    event Redelegated(address indexed delegator, address indexed from, address indexed to, uint256 amount);
    event Withdrawn(address indexed delegator, uint256 amount);
    event Unjailed(address indexed validator);
    event Jailed(address indexed validator, uint64 untilEpoch);
    event Slashed(address indexed validator, uint64 infractionHeight, uint256 amount);
    event EpochEnded(uint64 indexed epoch, uint256 distributed, uint256 burned);
    event NextSetCommitted(uint64 indexed epoch, uint256 size);

    error NotSystem();
    error AlreadyInitialized();
    error UnknownValidator(address validator);
    error ValidatorExists(address validator);
    error BelowMinimumStake(uint256 amount, uint256 minimum);
    error DuplicateKey(bytes32 key);
    error MalformedKeys();
    error CommissionTooHigh(uint16 commissionBps);
    error CommissionChangeTooLarge(uint16 from, uint16 to, uint16 maxChangeBps);
    error CommissionChangedThisEpoch(uint64 epoch);
    error InsufficientDelegation(uint256 requested, uint256 held);
    error TooManyUnbondings(uint256 limit);
    error NothingToWithdraw();
    error TransferFailed();
    error NotJailed();
    error Tombstoned(address validator);
    error JailPeriodNotOver(uint64 untilEpoch);
    error ValidatorJailed(address validator);
    error NotEligible(address validator);
    error TooManyValidators(uint256 count, uint256 limit);
    error NextSetNotSorted(address validator);
    error SameValidator();
    error ZeroAmount();

    modifier onlySystem() {
        if (msg.sender != SYSTEM) revert NotSystem();
        _;
    }

    // ---------------------------------------------------------------- system calls

    /// Genesis: parameters and the genesis validators (their self-stake is this call's value), who
    /// form the sets of epochs 0 and 1. Genesis validators carry no proof of possession: the genesis
    /// file is trusted.
    function initialize(Params calldata p, address[] calldata ops, bytes32[] calldata signingKeys, bytes32[] calldata vrfKeys, uint256[] calldata stakes)
        external
        payable
        onlySystem
    {
        if (initialized) revert AlreadyInitialized();
        initialized = true;
        params = p;
        uint256 total;
        for (uint256 i = 0; i < ops.length; i++) {
            _register(ops[i], signingKeys[i], vrfKeys[i], "", 0, "genesis");
            _addStake(ops[i], ops[i], stakes[i]);
            total += stakes[i];
            epochSets[0].push(SetEntry(ops[i], stakes[i]));
            epochSets[1].push(SetEntry(ops[i], stakes[i]));
            lastSetEpoch[ops[i]] = 1;
        }
        require(total == msg.value, "genesis stake must equal the value minted");
    }

    /// After every block's transactions: `reward` wei (already credited to this contract by the node)
    /// joins the pending rewards, and the signers of the certificate the block carries are seen alive.
    function onBlock(uint256 reward, address[] calldata signers) external onlySystem {
        pendingRewards += reward;
        uint64 height = uint64(block.number);
        for (uint256 i = 0; i < signers.length; i++) {
            Validator storage v = validators[signers[i]];
            if (v.exists) v.lastSignedHeight = height;
        }
    }

    /// At the last block of the current epoch e (after onBlock): jails the members of e's set that were
    /// silent too long and shares the pending rewards among the others pro rata to their snapshot
    /// stake (the commission to the operator, the rest into the pool; a jailed member's part is
    /// forfeited). Returns what the node must burn from this contract's balance. The node then reads
    /// candidates() and calls commitNextSet.
    function endEpoch() external onlySystem returns (uint256 burned) {
        uint64 e = currentEpoch;
        SetEntry[] storage set = epochSets[e];
        uint256 setStake;
        for (uint256 i = 0; i < set.length; i++) setStake += set[i].stake;
        for (uint256 i = 0; i < set.length; i++) _checkDowntime(set[i].validator, set[i].stake, setStake, e);

        uint256 pending = pendingRewards;
        uint256 distributed;
        if (setStake > 0 && pending > 0) {
            for (uint256 i = 0; i < set.length; i++) {
                uint256 amount = (pending * set[i].stake) / setStake;
                distributed += amount;
                Validator storage v = validators[set[i].validator];
                if (v.jailed || v.tombstoned) {
                    burned += amount; // forfeited
                    continue;
                }
                uint256 commission = (amount * v.commissionBps) / BPS;
                uint256 rest = amount - commission;
                if (v.shares == 0) {
                    commission += rest; // nobody holds shares: the operator gets it all
                    rest = 0;
                }
                claimable[set[i].validator] += commission;
                v.stake += rest;
            }
        }
        pendingRewards = pending - distributed; // rounding dust waits for the next epoch
        totalBurned += burned;
        emit EpochEnded(e, distributed, burned);
    }

    /// Right after endEpoch: records `next` (chosen by the node from candidates(): proofs of
    /// possession valid, top maxValidators by stake, then by address) as the set of epoch e + 2, and
    /// moves to epoch e + 1. The contract re-checks eligibility and order.
    function commitNextSet(address[] calldata next) external onlySystem {
        uint64 e = currentEpoch;
        if (next.length > params.maxValidators) revert TooManyValidators(next.length, params.maxValidators);
        uint64 target = e + 2;
        delete epochSets[target];
        if (next.length == 0) {
            // No eligible candidate at all: the chain keeps its last set rather than halt.
            SetEntry[] storage last = epochSets[e + 1];
            for (uint256 i = 0; i < last.length; i++) {
                epochSets[target].push(last[i]);
                lastSetEpoch[last[i].validator] = target;
            }
            currentEpoch = e + 1;
            emit NextSetCommitted(target, last.length);
            return;
        }
        uint64 lastHeightBefore = target * params.epochLength;
        address previous = address(0);
        for (uint256 i = 0; i < next.length; i++) {
            address a = next[i];
            if (!_eligible(a)) revert NotEligible(a);
            uint256 stake = validators[a].stake;
            if (i > 0) {
                uint256 prevStake = validators[previous].stake;
                if (!(prevStake > stake || (prevStake == stake && previous < a))) revert NextSetNotSorted(a);
            }
            epochSets[target].push(SetEntry(a, stake));
            // Silence is counted from when a validator starts to serve (again), not from before; a
            // member of the set before keeps its clock running.
            if (lastSetEpoch[a] + 1 != target && validators[a].lastSignedHeight < lastHeightBefore) validators[a].lastSignedHeight = lastHeightBefore;
            lastSetEpoch[a] = target;
            previous = a;
        }
        currentEpoch = e + 1;
        emit NextSetCommitted(target, next.length);
    }

    /// Equivocation at `infractionHeight`, verified by the node: burns `slashFractionBps` of the pool
    /// and of every unbonding from this validator begun after the infraction, and tombstones it.
    /// Returns what the node must burn from this contract's balance (0 if already tombstoned).
    function slash(address validator, uint64 infractionHeight) external onlySystem returns (uint256 burned) {
        Validator storage v = validators[validator];
        if (!v.exists || v.tombstoned) return 0;
        uint256 f = params.slashFractionBps;
        uint256 fromPool = (v.stake * f) / BPS;
        v.stake -= fromPool;
        burned = fromPool;
        uint256[] storage ids = unbondingIdsFrom[validator];
        for (uint256 i = ids.length; i > 0; i--) {
            Unbonding storage u = unbondings[ids[i - 1]];
            if (u.startHeight <= infractionHeight) break; // ids are in start order
            if (u.amount == 0 || u.completeEpoch <= currentEpoch) continue; // withdrawn or matured
            uint256 cut = (u.amount * f) / BPS;
            u.amount -= cut;
            burned += cut;
        }
        v.tombstoned = true;
        v.jailed = true;
        v.jailedUntilEpoch = type(uint64).max;
        totalBurned += burned;
        emit Slashed(validator, infractionHeight, burned);
    }

    // ---------------------------------------------------------------- wallet calls

    /// Registers msg.sender as a validator with msg.value as its self-stake. Keys are 32-byte ed25519
    /// (signing) and ECVRF-EDWARDS25519 public keys, never registered before; the proof of possession
    /// (an ed25519 signature and an ECVRF proof, see docs/staking.md) is checked by the node when it
    /// builds a snapshot: a candidate whose proof does not verify is never chosen.
    function createValidator(bytes32 signingKey, bytes32 vrfKey, bytes calldata proofOfPossession, uint16 commissionBps, string calldata description)
        external
        payable
    {
        if (validators[msg.sender].exists) revert ValidatorExists(msg.sender);
        if (msg.value < params.minSelfStake) revert BelowMinimumStake(msg.value, params.minSelfStake);
        if (signingKey == bytes32(0) || vrfKey == bytes32(0) || signingKey == vrfKey || proofOfPossession.length != 144) revert MalformedKeys();
        if (commissionBps > BPS) revert CommissionTooHigh(commissionBps);
        _register(msg.sender, signingKey, vrfKey, proofOfPossession, commissionBps, description);
        uint256 shares = _addStake(msg.sender, msg.sender, msg.value);
        emit ValidatorCreated(msg.sender, signingKey, vrfKey, commissionBps, msg.value);
        emit Delegated(msg.sender, msg.sender, msg.value, shares);
    }

    /// Changes the commission (by at most maxCommissionChangeBps, once per epoch) and the description.
    function editValidator(uint16 commissionBps, string calldata description) external {
        Validator storage v = _validator(msg.sender);
        if (commissionBps > BPS) revert CommissionTooHigh(commissionBps);
        if (commissionBps != v.commissionBps) {
            uint16 from = v.commissionBps;
            uint16 change = commissionBps > from ? commissionBps - from : from - commissionBps;
            if (change > params.maxCommissionChangeBps) revert CommissionChangeTooLarge(from, commissionBps, params.maxCommissionChangeBps);
            if (v.commissionEpoch == currentEpoch && v.commissionEpoch != 0) revert CommissionChangedThisEpoch(currentEpoch);
            v.commissionBps = commissionBps;
            v.commissionEpoch = currentEpoch;
        }
        v.description = description;
        emit ValidatorEdited(msg.sender, commissionBps, description);
    }

    /// Delegates msg.value to `validator`.
    function delegate(address validator) external payable {
        Validator storage v = _validator(validator);
        if (v.tombstoned) revert Tombstoned(validator);
        if (msg.value < params.minDelegation || msg.value == 0) revert BelowMinimumStake(msg.value, params.minDelegation);
        uint256 shares = _addStake(validator, msg.sender, msg.value);
        emit Delegated(msg.sender, validator, msg.value, shares);
    }

    /// Starts unbonding `amount` wei of msg.sender's delegation to `validator`: it leaves the next
    /// snapshot at once and can be withdrawn after unbondingEpochs; it stays slashable for offences
    /// committed before it began.
    function undelegate(address validator, uint256 amount) external {
        _undelegate(validator, amount);
    }

    /// Undelegates everything msg.sender holds with `validator`, whatever the share price when the
    /// transaction runs (rewards raise it at every epoch end, so an amount read earlier can be stale).
    function undelegateAll(address validator) external {
        Validator storage v = _validator(validator);
        _undelegate(validator, _valueOf(v, sharesOf[validator][msg.sender]));
    }

    function _undelegate(address validator, uint256 amount) private {
        uint256 shares = _removeStake(validator, msg.sender, amount);
        if (unbondingCount[validator][msg.sender] >= params.maxUnbondingEntries) revert TooManyUnbondings(params.maxUnbondingEntries);
        unbondingCount[validator][msg.sender] += 1;
        uint64 completeEpoch = currentEpoch + params.unbondingEpochs;
        unbondingIdsOf[msg.sender].push(unbondings.length);
        unbondingIdsFrom[validator].push(unbondings.length);
        unbondings.push(Unbonding(validator, msg.sender, amount, uint64(block.number), completeEpoch));
        emit Undelegated(msg.sender, validator, amount, shares, completeEpoch);
    }

    /// Moves `amount` wei of msg.sender's delegation from one validator to another at once.
    function redelegate(address from, address to, uint256 amount) external {
        if (from == to) revert SameValidator();
        Validator storage target = _validator(to);
        if (target.tombstoned) revert Tombstoned(to);
        _removeStake(from, msg.sender, amount);
        _addStake(to, msg.sender, amount);
        emit Redelegated(msg.sender, from, to, amount);
    }

    /// Pays msg.sender its matured unbondings and accrued commission.
    function withdraw() external {
        uint256 amount = claimable[msg.sender];
        claimable[msg.sender] = 0;
        uint256[] storage ids = unbondingIdsOf[msg.sender];
        for (uint256 i = 0; i < ids.length; ) {
            Unbonding storage u = unbondings[ids[i]];
            if (u.completeEpoch <= currentEpoch) {
                amount += u.amount;
                unbondingCount[u.validator][msg.sender] -= 1;
                u.amount = 0;
                ids[i] = ids[ids.length - 1];
                ids.pop();
            } else {
                i++;
            }
        }
        if (amount == 0) revert NothingToWithdraw();
        emit Withdrawn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// Leaves jail after the jail period, if the self-stake still meets the minimum.
    function unjail() external {
        Validator storage v = _validator(msg.sender);
        if (v.tombstoned) revert Tombstoned(msg.sender);
        if (!v.jailed) revert NotJailed();
        if (currentEpoch < v.jailedUntilEpoch) revert JailPeriodNotOver(v.jailedUntilEpoch);
        uint256 self = _valueOf(v, sharesOf[msg.sender][msg.sender]);
        if (self < params.minSelfStake) revert BelowMinimumStake(self, params.minSelfStake);
        v.jailed = false;
        v.lastSignedHeight = uint64(block.number);
        emit Unjailed(msg.sender);
    }

    // ---------------------------------------------------------------- views

    function validatorCount() external view returns (uint256) {
        return validatorList.length;
    }

    function validatorAt(uint256 index) external view returns (address) {
        return validatorList[index];
    }

    function getValidator(address validator) external view returns (ValidatorView memory out) {
        Validator storage v = _validator(validator);
        out = ValidatorView(
            validator,
            v.signingKey,
            v.vrfKey,
            v.proofOfPossession,
            v.description,
            v.stake,
            v.shares,
            _valueOf(v, sharesOf[validator][validator]),
            v.commissionBps,
            v.jailedUntilEpoch,
            v.lastSignedHeight,
            v.jailed,
            v.tombstoned
        );
    }

    /// A delegator's shares in a validator's pool and what they are worth now (wei).
    function delegationOf(address validator, address delegator) external view returns (uint256 shares, uint256 amount) {
        Validator storage v = validators[validator];
        shares = sharesOf[validator][delegator];
        amount = _valueOf(v, shares);
    }

    /// A delegator's open unbondings (amounts as they stand after any slash), with the epoch each completes.
    function unbondingsOf(address delegator) external view returns (Unbonding[] memory out) {
        uint256[] storage ids = unbondingIdsOf[delegator];
        out = new Unbonding[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) out[i] = unbondings[ids[i]];
    }

    /// The validator set of `epoch` (known for the current epoch and the next two).
    function epochSet(uint64 epoch) external view returns (SetMember[] memory out) {
        SetEntry[] storage set = epochSets[epoch];
        out = new SetMember[](set.length);
        for (uint256 i = 0; i < set.length; i++) {
            Validator storage v = validators[set[i].validator];
            out[i] = SetMember(set[i].validator, set[i].stake, v.signingKey, v.vrfKey);
        }
    }

    /// Every validator that may enter the next snapshot: not jailed, not tombstoned, self-stake at the
    /// minimum. The node checks their proofs of possession and picks the top maxValidators by stake.
    function candidates() external view returns (Candidate[] memory out) {
        uint256 n;
        for (uint256 i = 0; i < validatorList.length; i++) if (_eligible(validatorList[i])) n++;
        out = new Candidate[](n);
        uint256 k;
        for (uint256 i = 0; i < validatorList.length; i++) {
            address a = validatorList[i];
            if (!_eligible(a)) continue;
            Validator storage v = validators[a];
            out[k++] = Candidate(a, v.stake, v.signingKey, v.vrfKey, v.proofOfPossession);
        }
    }

    /// Everything this contract holds for others: pools, unbondings, commission and pending rewards
    /// (equals its balance; the supply invariant counts it as staked).
    function totalHeld() external view returns (uint256 pools, uint256 unbonding, uint256 commission, uint256 pending) {
        for (uint256 i = 0; i < validatorList.length; i++) {
            pools += validators[validatorList[i]].stake;
            commission += claimable[validatorList[i]];
        }
        for (uint256 i = 0; i < unbondings.length; i++) unbonding += unbondings[i].amount;
        pending = pendingRewards;
    }

    // ---------------------------------------------------------------- internals

    function _validator(address validator) private view returns (Validator storage v) {
        v = validators[validator];
        if (!v.exists) revert UnknownValidator(validator);
    }

    function _register(address op, bytes32 signingKey, bytes32 vrfKey, bytes memory pop, uint16 commissionBps, string memory description) private {
        if (validators[op].exists) revert ValidatorExists(op);
        if (keyUsed[signingKey]) revert DuplicateKey(signingKey);
        if (keyUsed[vrfKey]) revert DuplicateKey(vrfKey);
        keyUsed[signingKey] = true;
        keyUsed[vrfKey] = true;
        Validator storage v = validators[op];
        v.exists = true;
        v.signingKey = signingKey;
        v.vrfKey = vrfKey;
        v.proofOfPossession = pop;
        v.commissionBps = commissionBps;
        v.description = description;
        v.lastSignedHeight = uint64(block.number);
        validatorList.push(op);
    }

    function _valueOf(Validator storage v, uint256 shares) private view returns (uint256) {
        return v.shares == 0 ? 0 : (shares * v.stake) / v.shares;
    }

    function _addStake(address validator, address delegator, uint256 amount) private returns (uint256 shares) {
        Validator storage v = validators[validator];
        shares = v.shares == 0 || v.stake == 0 ? amount : (amount * v.shares) / v.stake;
        if (shares == 0) revert ZeroAmount();
        v.shares += shares;
        v.stake += amount;
        sharesOf[validator][delegator] += shares;
    }

    /// Takes `amount` wei out of a delegation; the shares burned round up (in the pool's favour).
    function _removeStake(address validator, address delegator, uint256 amount) private returns (uint256 shares) {
        Validator storage v = _validator(validator);
        if (amount == 0) revert ZeroAmount();
        uint256 held = sharesOf[validator][delegator];
        uint256 worth = _valueOf(v, held);
        if (amount > worth) revert InsufficientDelegation(amount, worth);
        shares = amount == worth ? held : (amount * v.shares + v.stake - 1) / v.stake;
        if (shares > held) shares = held;
        sharesOf[validator][delegator] = held - shares;
        v.shares -= shares;
        v.stake -= amount;
    }

    function _eligible(address a) private view returns (bool) {
        Validator storage v = validators[a];
        return v.exists && !v.jailed && !v.tombstoned && v.stake > 0 && _valueOf(v, sharesOf[a][a]) >= params.minSelfStake;
    }

    /// Algorand's absence rule: a member holding `stake` of `setStake` is drawn into a committee of
    /// committeeSize units about committeeSize * stake / setStake times per step, so it is expected in
    /// a certificate about every setStake / (committeeSize * stake) blocks (at least every block);
    /// silence for downtimeGapFactor such gaps (and at least minDowntimeBlocks) jails it, without a
    /// slash (absence from a certificate is weak evidence).
    function _checkDowntime(address validator, uint256 stake, uint256 setStake, uint64 e) private {
        Validator storage v = validators[validator];
        if (v.jailed || v.tombstoned || stake == 0) return;
        uint256 denominator = params.committeeSize * stake;
        uint256 gap = denominator == 0 ? 1 : (setStake + denominator - 1) / denominator;
        if (gap == 0) gap = 1;
        uint256 limit = gap * params.downtimeGapFactor;
        if (limit < params.minDowntimeBlocks) limit = params.minDowntimeBlocks;
        if (block.number - v.lastSignedHeight > limit) {
            v.jailed = true;
            v.jailedUntilEpoch = e + 1 + params.jailEpochs;
            emit Jailed(validator, v.jailedUntilEpoch);
        }
    }
}
