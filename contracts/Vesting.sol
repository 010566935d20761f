// SPDX-License-Identifier: MIT
// verity's vesting ledger: a system contract in the genesis state at 0x0000000000000000000000000000000000001001.
//
// The genesis "vesting" section allocates coins that unlock over time (the source design: investor
// rounds unlocking 10 % a month, the team 5 % then a 3-year lock, advisers over 4 years). The node
// mints every allocation into this contract at genesis with system calls (`allocate`, from SYSTEM,
// once per chunk of the section); afterwards nothing but a beneficiary's own `claim()` moves coins
// out, so the locked part is ordinary state under the state root and counted in the supply as the
// contract's balance.
//
// Schedule of one allocation of `total` wei, times in unix seconds (block.timestamp):
// - before `start`: nothing;
// - from `start`: `initialBps` of the total (e.g. the team's 5 %);
// - the rest unlocks linearly over `duration` seconds from `start`, but none of it before
//   `start + cliff`; with `step` > 0 it unlocks in whole steps (`step` = 30 days: monthly).
// `duration` = 0 means the rest unlocks at `start + cliff` at once.
pragma solidity 0.8.30;

contract Vesting {
    address public constant SYSTEM = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;
    uint256 private constant BPS = 10_000;

    struct Schedule {
        uint256 total; // wei allocated at genesis
        uint256 claimed; // wei paid out so far
        uint64 start;
        uint64 cliff; // seconds after start before the non-initial part begins to unlock
        uint64 duration; // seconds after start over which the non-initial part unlocks
        uint64 step; // 0: continuous; else unlock in whole steps of this many seconds
        uint16 initialBps; // unlocked at start
    }

    struct Allocation {
        address beneficiary;
        uint256 total;
        uint64 start;
        uint64 cliff;
        uint64 duration;
        uint64 step;
        uint16 initialBps;
    }

    mapping(address => Schedule) private schedules;
    address[] private beneficiaryList;
    uint256 public totalAllocated;
    uint256 public totalClaimed;

    event Allocated(address indexed beneficiary, uint256 total, uint64 start, uint64 cliff, uint64 duration, uint64 step, uint16 initialBps);
    event Claimed(address indexed beneficiary, uint256 amount);

    error NotSystem();
    error BadAllocation(address beneficiary, string reason);
    error DuplicateBeneficiary(address beneficiary);
    error ValueMismatch(uint256 expected, uint256 sent);
    error NoSchedule(address account);
    error NothingToClaim(address beneficiary, uint256 nextUnlockTime);
    error TransferFailed(address beneficiary);

    /** Genesis only in practice: SYSTEM never sends transactions, the node calls this while it builds the genesis state. */
    function allocate(Allocation[] calldata list) external payable {
        if (msg.sender != SYSTEM) revert NotSystem();
        uint256 sum = 0;
        for (uint256 i = 0; i < list.length; i++) {
            Allocation calldata a = list[i];
            if (a.beneficiary == address(0)) revert BadAllocation(a.beneficiary, "zero beneficiary");
            if (a.total == 0) revert BadAllocation(a.beneficiary, "zero amount");
            if (a.initialBps > BPS) revert BadAllocation(a.beneficiary, "initialBps above 10000");
            if (a.duration > 0 && a.cliff > a.duration) revert BadAllocation(a.beneficiary, "cliff after the end of the duration");
            if (a.step > 0 && (a.duration == 0 || a.step > a.duration)) revert BadAllocation(a.beneficiary, "step longer than the duration");
            if (schedules[a.beneficiary].total != 0) revert DuplicateBeneficiary(a.beneficiary);
            schedules[a.beneficiary] = Schedule(a.total, 0, a.start, a.cliff, a.duration, a.step, a.initialBps);
            beneficiaryList.push(a.beneficiary);
            sum += a.total;
            emit Allocated(a.beneficiary, a.total, a.start, a.cliff, a.duration, a.step, a.initialBps);
        }
        if (sum != msg.value) revert ValueMismatch(sum, msg.value);
        totalAllocated += sum;
    }

    /** What `beneficiary`'s schedule has unlocked by time `t` (claimed or not). */
    function vestedAt(address beneficiary, uint64 t) public view returns (uint256) {
        Schedule storage s = schedules[beneficiary];
        if (s.total == 0 || t < s.start) return 0;
        uint256 initial = (s.total * s.initialBps) / BPS;
        uint256 rest = s.total - initial;
        uint256 elapsed = t - s.start;
        if (elapsed < s.cliff) return initial;
        if (s.duration == 0 || elapsed >= s.duration) return s.total;
        if (s.step > 0) elapsed -= elapsed % s.step;
        return initial + (rest * elapsed) / s.duration;
    }

    /** What `beneficiary` could claim in a block at the current time. */
    function claimable(address beneficiary) public view returns (uint256) {
        return vestedAt(beneficiary, uint64(block.timestamp)) - schedules[beneficiary].claimed;
    }

    /** Pays the caller everything its schedule has unlocked and it has not claimed yet. */
    function claim() external returns (uint256 amount) {
        Schedule storage s = schedules[msg.sender];
        if (s.total == 0) revert NoSchedule(msg.sender);
        amount = claimable(msg.sender);
        if (amount == 0) revert NothingToClaim(msg.sender, nextUnlockTime(msg.sender));
        s.claimed += amount;
        totalClaimed += amount;
        emit Claimed(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender);
    }

    /** The next time after now at which more unlocks (0 when everything has). */
    function nextUnlockTime(address beneficiary) public view returns (uint64) {
        Schedule storage s = schedules[beneficiary];
        uint64 nowT = uint64(block.timestamp);
        if (s.total == 0 || vestedAt(beneficiary, nowT) == s.total) return 0;
        if (nowT < s.start) return s.start;
        if (nowT < s.start + s.cliff) return s.start + s.cliff;
        if (s.duration == 0) return s.start + s.cliff;
        if (s.step == 0) return nowT + 1;
        uint64 elapsed = nowT - s.start;
        uint64 next = s.start + (elapsed / s.step + 1) * s.step;
        uint64 end = s.start + s.duration;
        return next < end ? next : end;
    }

    function scheduleOf(address beneficiary) external view returns (Schedule memory) {
        return schedules[beneficiary];
    }

    function beneficiaries() external view returns (address[] memory) {
        return beneficiaryList;
    }

    /** Wei still held for beneficiaries (allocated and not claimed): equals this contract's balance. */
    function locked() external view returns (uint256) {
        return totalAllocated - totalClaimed;
    }
}
