// TxService hands the sender recoveries of RPC submissions to the worker threads and recovers those
// of gossiped transactions itself (gossip admits one at a time: a worker round trip each would be
// slower); both admit with the signer as sender.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { afterEach, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import { devGenesis } from "../../../src/chain/dev-genesis.js";
import { openBlockPipeline, type BlockPipeline } from "../../../src/node/block-pipeline.js";
import { silentLogger } from "../../../src/util/logger.js";
import { transfer1559 } from "../../helpers/txs.js";

let dir = "";
let p: BlockPipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("TxService sender recovery", () => {
  it("recovers RPC submissions on the worker, gossiped ones on the event loop", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-recovery-"));
    p = await openBlockPipeline({ datadir: dir, genesis: devGenesis(), logger: silentLogger, recoveryThreads: 1 });
    const recovery = p.recovery!;
    expect(recovery).not.toBeNull();
    const [a, b] = deriveDevAccounts(2);
    const rpc = await Promise.all([0n, 1n, 2n].map((nonce) => p!.txs.submit(transfer1559(a!.privateKey, { nonce, to: b!.address }).serialize(), "rpc")));
    expect(recovery.recovered).toBe(3);
    const gossip = await p.txs.submit(transfer1559(b!.privateKey, { nonce: 0n, to: a!.address }).serialize(), "gossip");
    expect(recovery.recovered + recovery.leftToCaller).toBe(3);
    for (const r of rpc) expect(r.ok && bytesToHex(r.sender)).toBe(bytesToHex(a!.address));
    expect(gossip.ok && bytesToHex(gossip.sender)).toBe(bytesToHex(b!.address));
  });

  it("has no workers when asked for none", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-recovery-"));
    p = await openBlockPipeline({ datadir: dir, genesis: devGenesis(), logger: silentLogger, recoveryThreads: 0 });
    expect(p.recovery).toBeNull();
  });
});
