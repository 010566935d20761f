// The thin shell around the pure consensus engine: one ConsensusEngine per validator key this node
// holds, turning their actions into IO (persist signing state, gossip, timers, block building and
// validation, commits) and IO back into events. The engine contract (action order, which event
// answers which action) is documented at the top of src/consensus/engine.ts.
import type { Common } from "@ethereumjs/common";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { MAX_BLOCK_BYTES } from "../../primitives/limits.js";
import type { Chain } from "../../chain/chain.js";
import { decodeBlock, encodeBlock } from "../../primitives/encoding.js";
import { keccak256 } from "../../primitives/hash.js";
import type { ValidatorKeys } from "../../chain/validator-keys.js";
import { decodeCommitCertificate, encodeCommitCertificate, type CommitCertificate } from "../../consensus/certificate.js";
import { decodeMessage } from "../../consensus/codec.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import { ConsensusEngine } from "../../consensus/engine.js";
import type { ConsensusAction, ConsensusEvent } from "../../consensus/engine-types.js";
import { proposalSignBytes, voteSignBytes, type ConsensusMessage } from "../../consensus/messages.js";
import { decodePersistedState, encodePersistedState } from "../../consensus/signing-record.js";
import { MemoizingMessageVerifier } from "../../consensus/memo-verifier.js";
import type { TimeoutConfig } from "../../consensus/timeouts.js";
import { ValidatorSet, type ConsensusParams } from "../../consensus/types.js";
import { makeHeightContext, type HeightContext } from "../../consensus/verify.js";
import type { ChainStore } from "../../storage/chain-store.js";
import type { Logger } from "../../util/logger.js";
import type { BlockProducer, CandidateSource, ProducedBlock } from "../../chain/block-producer.js";
import { checkConsensusFields, checkFinalizedBlock } from "../../consensus/block-rules.js";
import { nextHeightInfo, type HeightInfo } from "../../consensus/seed-chain.js";
import { memoizeVrfVerify } from "./memo-crypto.js";
import { LocalProposerRace } from "./local-proposers.js";
import { NETWORK_TIMEOUTS, NODE_TIMEOUTS } from "./node-timeouts.js";
import { SerialQueue } from "./serial.js";

/** A block proven final may carry a timestamp ahead of our clock by this much (clock skew), not more. */
const FINALIZED_FUTURE_SECONDS = 60n;

export { NETWORK_TIMEOUTS, NODE_TIMEOUTS } from "./node-timeouts.js";

/** How consensus messages leave this node (libp2p gossip, or nothing for a lone process). Incoming
 * messages arrive through ConsensusDriver.onNetworkMessage. */
export interface ConsensusTransport {
  broadcast(kind: "proposal" | "vote", bytes: Uint8Array): void;
}

/** What the network layer should do with a received consensus message. */
export type MessageVerdict = { verdict: "accept" | "reject" | "ignore"; reason?: string };

/** The outcome of offering a block with its certificate (from sync or an announcement). */
export type FinalizedOutcome = { kind: "committed" } | { kind: "known" } | { kind: "gap"; head: bigint } | { kind: "invalid"; reason: string };

export interface DriverOptions {
  common: Common;
  chain: Chain;
  store: ChainStore;
  /** select -> build -> execute -> commit; what reacts to a commit listens to the chain. */
  producer: BlockProducer;
  candidates: CandidateSource;
  /** Told when peers are evidently ahead (messages for later heights): time to sync. */
  onBehind?: (theirHeight: number) => void;
  crypto: ConsensusCrypto;
  params: ConsensusParams;
  /** Keys of the validators this node runs (may be empty: it then follows and verifies only). */
  validators: ValidatorKeys[];
  /** Target milliseconds between block starts; 0 = start a height as soon as transactions wait. */
  blockTimeMs: number;
  timeouts?: TimeoutConfig;
  transport?: ConsensusTransport;
  logger: Logger;
  now?: () => number;
}

interface LocalEngine {
  id: string;
  address: Uint8Array;
  engine: ConsensusEngine;
  queue: Promise<void>;
}

export class ConsensusDriver {
  private readonly engines: LocalEngine[] = [];
  private readonly validatorSet: ValidatorSet;
  private readonly verifier: MemoizingMessageVerifier;
  private readonly exec = new SerialQueue();
  private readonly timers = new Set<NodeJS.Timeout>();
  private info!: HeightInfo;
  private ctx!: HeightContext;
  /** Blocks of the current height executed here (built or validated), by hash. */
  private executed = new Map<string, Promise<ProducedBlock | null>>();
  private committing: Promise<void> | null = null;
  private heightStartedAt = 0;
  /** The last height the engines were told to start (StartHeight must strictly increase). */
  private startedHeight = 0;
  /** The pending block-time wait before the next height starts, if any. */
  private startTimer: NodeJS.Timeout | null = null;
  /** When the first validly signed message of the next height arrived: peers started it by then. */
  private nextHeightSeen: { height: number; at: number } | null = null;
  private waitingForWork = false;
  private running = false;
  private readonly now: () => number;
  /** o.crypto with VRF verdicts remembered (see memo-crypto.ts). */
  private readonly crypto: ConsensusCrypto;
  private readonly proposerRace: LocalProposerRace;

  constructor(private readonly o: DriverOptions) {
    this.now = o.now ?? Date.now;
    this.crypto = memoizeVrfVerify(o.crypto);
    this.validatorSet = ValidatorSet.from(
      o.chain.genesis.validators.map((v) => ({ address: v.address, stake: v.stake, signingKey: v.signingKey, vrfKey: v.vrfKey })),
    );
    // Local engines verify the same messages: share each verdict (keyed by message bytes and seed).
    this.verifier = new MemoizingMessageVerifier(this.validatorSet, 100_000);
    this.proposerRace = new LocalProposerRace(o.validators.length);
  }

  async start(): Promise<void> {
    for (const keys of this.o.validators) {
      const id = `validator-${bytesToHex(keys.address)}`;
      const member = this.validatorSet.get(keys.address);
      if (!member) throw new Error(`validator key ${bytesToHex(keys.address)} is not in the genesis validator set`);
      // Refused at start with a clear message: with a wrong signing secret every vote would be
      // rejected by the others, and with a wrong VRF secret the engine would throw at its first draw.
      if (!equalsBytes(this.o.crypto.signingPublicKey(keys.signingSecretKey), member.signingKey))
        throw new Error(`validator ${bytesToHex(keys.address)}: its signing secret does not match the genesis signing key`);
      if (!equalsBytes(this.o.crypto.vrfPublicKey(keys.vrfSecretKey), member.vrfKey))
        throw new Error(`validator ${bytesToHex(keys.address)}: its VRF secret does not match the genesis VRF key`);
      const saved = await this.o.store.getSigningRecord(id);
      let restored;
      if (saved) {
        const decoded = decodePersistedState(saved);
        if (!decoded.ok) throw new Error(`signing record of ${id} is corrupt (${decoded.error}); refusing to sign without it`);
        restored = decoded.value;
      }
      const engine = new ConsensusEngine({
        params: this.o.params,
        crypto: this.crypto,
        secrets: { address: keys.address, signingSecret: keys.signingSecretKey, vrfSecret: keys.vrfSecretKey },
        verifier: this.verifier,
        timeouts: this.o.timeouts ?? (this.o.transport ? NETWORK_TIMEOUTS : NODE_TIMEOUTS),
        ...(restored ? { restored } : {}),
      });
      this.engines.push({ id, address: keys.address, engine, queue: Promise.resolve() });
    }
    this.running = true;
    this.o.logger.info("consensus started", { validators: this.engines.length, of: this.validatorSet.size, committeeTau: this.o.params.committeeTau });
    await this.beginHeight();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled(this.engines.map((e) => e.queue));
    await this.committing;
  }

  /** Transactions wait: an automining node starts the next height if it was idle. */
  notifyPending(): void {
    if (this.waitingForWork) this.startHeightNow();
  }

  get status(): { height: number; round: number; step: string } | null {
    const s = this.engines[0]?.engine.status;
    return s ? { height: s.height, round: s.round, step: s.step } : null;
  }

  /** Engine counters summed over local engines (dropped messages by cause). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.engines) for (const [k, v] of Object.entries(e.engine.counters)) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /**
   * Moves consensus to the height after the committed head. Several commits can race here (our own
   * decision, a block announcement, sync): a call that finds the head moved while it read the
   * head's certificate reads again, and a call that would not move forward (another one got there
   * first) leaves it to that one. Heights only grow, so the retries are few; they are bounded anyway.
   */
  private async beginHeight(): Promise<void> {
    let info: HeightInfo | undefined;
    for (let attempt = 0; attempt < 100 && info === undefined; attempt++) {
      const head = this.o.chain.head;
      const read = nextHeightInfo(head, await this.o.chain.getCertificate(head.hash));
      if (this.o.chain.head.header.number === head.header.number) info = read;
    }
    const current = this.info as HeightInfo | undefined;
    if (info === undefined || (current !== undefined && info.height <= current.height)) return;
    this.info = info;
    this.ctx = makeHeightContext(this.crypto, this.o.params, this.validatorSet, info.seed, info.height);
    this.executed = new Map();
    this.proposerRace.forgetBelow(info.height);
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    // Peers already run this height (we finished the last one later than they did): join them now,
    // and count the height as started when they started it. Waiting out our own block-time clock
    // instead would keep us behind by the same offset at every height, forever: our proposals would
    // never win and our votes would always come last.
    const seen = this.nextHeightSeen?.height === info.height ? this.nextHeightSeen.at : undefined;
    if (seen !== undefined) {
      this.startHeightNow(seen);
      return;
    }
    if (this.o.blockTimeMs === 0 && this.o.candidates.pendingCount() === 0) {
      this.waitingForWork = true;
      return;
    }
    const wait = this.o.blockTimeMs - (this.now() - this.heightStartedAt);
    if (wait > 0 && this.heightStartedAt > 0) {
      const t = setTimeout(() => {
        this.startTimer = null;
        this.startHeightNow();
      }, wait);
      this.startTimer = t;
    } else this.startHeightNow();
  }

  /** Starts the height in `info` (once); `startedAt` backdates its start to when peers began it. */
  private startHeightNow(startedAt = this.now()): void {
    if (!this.running || this.info.height <= this.startedHeight) return;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.startedHeight = this.info.height;
    this.waitingForWork = false;
    this.heightStartedAt = Math.min(startedAt, this.now());
    const event: ConsensusEvent = {
      type: "StartHeight",
      height: this.info.height,
      validatorSet: this.validatorSet,
      seed: this.info.seed,
      previousCommit: this.info.previousCommit,
    };
    for (const e of this.engines) this.dispatch(e, event);
  }

  private timer(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.running) fn();
    }, ms);
    this.timers.add(t);
  }

  private dispatch(e: LocalEngine, event: ConsensusEvent): void {
    e.queue = e.queue
      .then(async () => {
        if (!this.running) return;
        for (const action of e.engine.handle(event)) await this.perform(e, action);
      })
      .catch((err: Error) => this.o.logger.error("consensus step failed", { validator: e.id, event: event.type, error: err }));
  }

  private deliver(message: ConsensusMessage, except: LocalEngine | null): void {
    const event: ConsensusEvent = message.kind === "proposal" ? { type: "ProposalReceived", proposal: message } : { type: "VoteReceived", vote: message };
    for (const e of this.engines) if (e !== except) this.dispatch(e, event);
  }

  /**
   * A proposal or vote from the network. Messages of the current height are verified here (the
   * engines then reuse the memoized verdict) so that gossip relays only valid ones and penalises
   * senders of forged ones; near-future heights are handed to the engines' bounded buffer unrelayed.
   * A future message's VRF proof cannot be checked before its height's seed is known, but its
   * signature can: without that check anyone could fill the buffer's per-validator quota with
   * messages in a real validator's name and crowd out that validator's genuine early votes.
   */
  onNetworkMessage(bytes: Uint8Array): MessageVerdict {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) return { verdict: "reject", reason: `undecodable: ${decoded.error}` };
    const m = decoded.value;
    if (!this.running || m.height < this.info.height) return { verdict: "ignore", reason: "old height" };
    if (m.height > this.info.height) {
      const forged = this.forgedSignature(m);
      if (forged) return { verdict: "reject", reason: forged };
      if (m.height === this.info.height + 1 && this.nextHeightSeen?.height !== m.height) this.nextHeightSeen = { height: m.height, at: this.now() };
      if (m.height > this.info.height + 1) this.o.onBehind?.(m.height);
      this.deliver(m, null);
      return { verdict: "ignore", reason: "future height" };
    }
    const v = m.kind === "proposal" ? this.verifier.verifyProposal(this.ctx, m) : this.verifier.verifyVote(this.ctx, m);
    if (!v.ok) return { verdict: "reject", reason: v.reason };
    // A peer already works on this height: a node idle (automining) or still waiting out its
    // block time joins it.
    if (this.startedHeight < this.info.height) this.startHeightNow();
    this.deliver(m, null);
    return { verdict: "accept" };
  }

  /** Why a message is not signed by the validator it names (null when it is). */
  private forgedSignature(m: ConsensusMessage): string | null {
    const signer = m.kind === "proposal" ? m.proposer : m.voter;
    const validator = this.validatorSet.get(signer);
    if (!validator) return "unknown-validator";
    const signed = m.kind === "proposal" ? proposalSignBytes(this.o.params.chainId, m) : voteSignBytes(this.o.params.chainId, m);
    return this.crypto.verifySignature(validator.signingKey, signed, m.signature) ? null : "bad-signature";
  }

  /**
   * Commits a block proven final by its certificate without taking part in its agreement (sync, or
   * a committed-block announcement), then moves consensus to the next height. Sync passes
   * startNext: false while it applies a batch (starting every intermediate height would only make
   * the engines build and sign for heights already decided) and calls resumeAtHead() when done.
   */
  applyFinalized(blockBytes: Uint8Array, certificateBytes: Uint8Array, opts: { startNext?: boolean } = {}): Promise<FinalizedOutcome> {
    return this.exec.run(async (): Promise<FinalizedOutcome> => {
      if (blockBytes.length > MAX_BLOCK_BYTES) return { kind: "invalid", reason: "block exceeds the size limit" };
      let block;
      try {
        block = decodeBlock(blockBytes, this.o.common, this.pooledTx);
      } catch (e) {
        return { kind: "invalid", reason: (e as Error).message };
      }
      const head = this.o.chain.head;
      if (block.header.number <= head.header.number) return { kind: "known" };
      if (block.header.number > head.header.number + 1n) return { kind: "gap", head: head.header.number };
      const cert = decodeCommitCertificate(certificateBytes);
      if (!cert.ok) return { kind: "invalid", reason: `certificate: ${cert.error}` };
      const info = nextHeightInfo(head, await this.o.chain.getCertificate(head.hash));
      const ctx = makeHeightContext(this.crypto, this.o.params, this.validatorSet, info.seed, info.height);
      const problem = checkFinalizedBlock(block, cert.value, ctx, head, this.o.params, this.crypto);
      if (problem) return { kind: "invalid", reason: problem };
      let executed: ProducedBlock;
      try {
        executed = await this.o.producer.validate(block, BigInt(Math.floor(this.now() / 1000)), FINALIZED_FUTURE_SECONDS);
      } catch (e) {
        return { kind: "invalid", reason: (e as Error).message };
      }
      await this.o.producer.commit(executed, certificateBytes, "import");
      return { kind: "committed" };
    }).then(async (outcome) => {
      if (outcome.kind === "committed" && opts.startNext !== false && this.running && !this.committing) await this.beginHeight();
      return outcome;
    });
  }

  /** After blocks were committed around consensus (sync): agree on the block after the new head. */
  async resumeAtHead(): Promise<void> {
    if (this.running && BigInt(this.info.height) !== this.o.chain.head.header.number + 1n) await this.beginHeight();
  }

  private async perform(e: LocalEngine, a: ConsensusAction): Promise<void> {
    switch (a.type) {
      case "PersistSigned":
        await this.o.store.putSigningRecord(e.id, encodePersistedState(a.state));
        return;
      case "Broadcast":
        this.deliver(a.message, e);
        this.o.transport?.broadcast(a.message.kind === "proposal" ? "proposal" : "vote", a.bytes);
        return;
      case "ScheduleTimeout":
        this.timer(a.durationMs, () => this.dispatch(e, { type: "TimeoutFired", height: a.height, round: a.round, step: a.step }));
        return;
      case "BuildProposal": {
        if (!(await this.proposerRace.shouldBuild(a.height, a.round, a.priority))) {
          this.o.logger.debug("proposal not built: another local validator holds a better priority", { validator: e.id, height: a.height, round: a.round });
          return;
        }
        const built = await this.build(a.height, a.round, a.proposer, a.vrfProof);
        if (built) this.dispatch(e, { type: "ProposalBuilt", height: a.height, round: a.round, value: encodeBlock(built.block), hash: built.block.hash });
        return;
      }
      case "ValidateBlock": {
        const result = await this.validate(a.hash, a.value);
        this.dispatch(e, { type: "BlockValidated", height: a.height, hash: a.hash, valid: result !== null });
        return;
      }
      case "Commit":
        await this.commit(a.height, a.hash, a.value, a.certificate);
        return;
    }
  }

  private async build(height: number, round: number, proposer: Uint8Array, vrfProof: Uint8Array) {
    if (height !== this.info.height) return null;
    const job = this.exec.run(async () => {
      const head = this.o.chain.head.header;
      // The head moved past this height (a synced or announced block) before the build ran.
      if (head.number + 1n !== BigInt(height) || height !== this.info.height) return null;
      return this.o.producer.produce({
          proposer,
          round,
          proposerVrfProof: vrfProof,
          seed: this.info.seed,
          lastCommit: this.info.previousCommit ? encodeCommitCertificate(this.info.previousCommit) : new Uint8Array(0),
          lastCommitHash: this.info.lastCommitHash,
          now: BigInt(Math.floor(this.now() / 1000)),
      });
    });
    const built = await job;
    if (built === null) {
      this.o.logger.debug("proposal not built: height already decided", { height, round });
      return null;
    }
    this.executed.set(bytesToHex(built.block.hash), Promise.resolve(built));
    this.o.logger.debug("proposal built", { height, round, txs: built.block.transactions.length, hash: bytesToHex(built.block.hash) });
    return built;
  }

  /** A block's transaction as our pool already holds it (decoded, sender recovered), if it does. */
  private readonly pooledTx = (raw: Uint8Array) => this.o.candidates.known?.(keccak256(raw));

  /** Decodes, checks and executes a received block once, however many local engines ask. */
  private validate(hash: Uint8Array, value: Uint8Array) {
    const key = bytesToHex(hash);
    let job = this.executed.get(key);
    if (!job) {
      job = this.exec.run(async () => {
        try {
          if (value.length > MAX_BLOCK_BYTES) throw new Error(`block of ${value.length} bytes exceeds the ${MAX_BLOCK_BYTES}-byte limit`);
          const block = decodeBlock(value, this.o.common, this.pooledTx);
          if (bytesToHex(block.hash) !== key) throw new Error("block hash does not match the proposal");
          const next = this.o.chain.head.header.number + 1n;
          if (BigInt(this.ctx.height) !== next) {
            // The head moved (a synced or announced block) while this waited: the engine that asked
            // is about to move on, so it needs no verdict; calling the block invalid would be wrong.
            this.o.logger.debug("proposed block not validated: its height is already decided", { hash: key, height: block.header.number, head: next - 1n });
            return null;
          }
          const problem = checkConsensusFields(block, this.ctx, this.o.chain.head, this.o.params, this.crypto);
          if (problem) throw new Error(problem);
          return await this.o.producer.validate(block, BigInt(Math.floor(this.now() / 1000)));
        } catch (err) {
          this.o.logger.warn("rejected proposed block", { hash: key, height: this.info.height, reason: (err as Error).message });
          return null;
        }
      });
      this.executed.set(key, job);
    }
    return job;
  }

  private async commit(height: number, hash: Uint8Array, value: Uint8Array, certificate: CommitCertificate): Promise<void> {
    if (height !== this.info.height) return; // another local engine committed it already
    if (this.committing) return this.committing;
    this.committing = (async () => {
      const executed = await this.validate(hash, value);
      if (!executed && BigInt(height) <= this.o.chain.head.header.number) {
        // A synced or announced block decided this height while the engines agreed on it.
        await this.beginHeight();
        return;
      }
      if (!executed) throw new Error(`height ${height} committed a block this node cannot execute: ${bytesToHex(hash)}`);
      const certificateBytes = encodeCommitCertificate(certificate);
      const fresh = await this.exec.run(async () => {
        // Sync may have committed this height meanwhile (from a peer's certificate).
        if (executed.block.header.number !== this.o.chain.head.header.number + 1n) return false;
        await this.o.producer.commit(executed, certificateBytes, "consensus");
        return true;
      });
      if (!fresh) {
        await this.beginHeight();
        return;
      }
      const h = executed.block.header;
      this.o.logger.info("committed block", {
        number: h.number,
        round: h.round,
        hash: bytesToHex(executed.block.hash).slice(0, 18),
        txs: executed.block.transactions.length,
        gasUsed: h.gasUsed,
        signers: certificate.precommits.length,
        ms: this.now() - this.heightStartedAt,
      });
      await this.beginHeight();
    })().finally(() => {
      this.committing = null;
    });
    return this.committing;
  }
}
