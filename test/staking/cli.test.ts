// `verity staking ...` against a real node: a dev account prepares validator keys, encrypts them and
// registers with create-validator (opening them with a password file), is listed by status, a second
// account delegates (signing with an account keystore) and undelegates everything, and the ledger's
// refusals (withdrawing early, unjailing while not jailed, a stake below the minimum) come back as
// errors naming the ledger's reason, with nothing sent.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hexToBytes } from "@ethereumjs/util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStaking } from "../../src/cli/staking.js";
import { runKeys } from "../../src/cli/keys.js";
import { encryptAccountKey } from "../../src/keystore/key-files.js";
import { SCRYPT_N_LIGHT } from "../../src/keystore/v3.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let node: RpcTestNode;
let dir: string;
const operator = DEV[8]!;
const delegator = DEV[9]!;

beforeAll(async () => {
  node = await startRpcTestNode();
  dir = mkdtempSync(join(tmpdir(), "verity-staking-cli-"));
}, 60_000);

afterAll(async () => {
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = async (...argv: string[]) => JSON.parse(await runStaking(argv)) as Record<string, unknown>;

describe("verity staking", () => {
  it("registers a validator, delegates and undelegates, and reports the ledger's refusals", async () => {
    const keys = await run("keys", "--datadir", dir, "--operator", operator.address, "--chain-id", "31337");
    expect((keys.address as string).toLowerCase()).toBe(operator.address);
    expect(keys.proofOfPossession).toMatch(/^0x[0-9a-f]{288}$/);
    expect(readdirSync(dir)).toEqual([`validator-${operator.address}.json`]);
    // Running keys again reuses the file.
    expect(await run("keys", "--datadir", dir, "--operator", operator.address, "--chain-id", "31337")).toMatchObject({ signingKey: keys.signingKey, vrfKey: keys.vrfKey });

    // The operator encrypts the validator key file; create-validator opens it with the password file.
    writeFileSync(join(dir, "password"), "staking password\n");
    await runKeys("validator", ["keys", "encrypt", "--datadir", dir, "--password-file", join(dir, "password"), "--lightkdf"], {});
    await expect(runStaking(["create-validator", "--rpc", node.url, "--private-key", operator.key, "--datadir", dir, "--stake", "150"])).rejects.toThrow(/encrypted: give --password-file FILE or set VERITY_PASSWORD/);
    await expect(runStaking(["create-validator", "--rpc", node.url, "--private-key", operator.key, "--datadir", dir, "--password-file", join(dir, "password"), "--stake", "99"])).rejects.toThrow(/BelowMinimumStake/);
    const created = await run("create-validator", "--rpc", node.url, "--private-key", operator.key, "--datadir", dir, "--password-file", join(dir, "password"), "--stake", "150", "--commission", "500", "--description", "cli test");
    expect(created.status).toBe("success");
    const status = await run("status", "--rpc", node.url, "--address", operator.address);
    expect(status.validator).toMatchObject({ stake: "150", selfStake: "150", commissionBps: 500, description: "cli test", jailed: false });
    expect(status.delegations).toEqual([{ validator: expect.stringMatching(new RegExp(operator.address.slice(2), "i")) as unknown, amount: "150" }]);

    // The delegator signs with an account keystore (as 'verity account new' writes) instead of a plaintext key.
    const keystore = join(dir, "delegator.json");
    writeFileSync(keystore, await encryptAccountKey(hexToBytes(delegator.key as `0x${string}`), "delegator password", SCRYPT_N_LIGHT));
    writeFileSync(join(dir, "delegator-password"), "delegator password\n");
    await expect(runStaking(["delegate", "--rpc", node.url, "--key-file", keystore, "--password-file", join(dir, "password"), "--validator", operator.address, "--amount", "2.5"])).rejects.toThrow(/wrong password/);
    expect((await run("delegate", "--rpc", node.url, "--key-file", keystore, "--password-file", join(dir, "delegator-password"), "--validator", operator.address, "--amount", "2.5")).status).toBe("success");
    expect(((await run("status", "--rpc", node.url, "--address", delegator.address)).delegations as unknown[]).length).toBe(1);
    expect((await run("undelegate", "--rpc", node.url, "--private-key", delegator.key, "--validator", operator.address, "--amount", "all")).status).toBe("success");
    const after = await run("status", "--rpc", node.url, "--address", delegator.address);
    expect(after.delegations).toEqual([]);
    expect(after.unbondings).toMatchObject([{ amount: "2.5" }]);

    const nonce = await new RpcClient(node.url).call<string>("eth_getTransactionCount", [delegator.address, "latest"]);
    await expect(runStaking(["withdraw", "--rpc", node.url, "--private-key", delegator.key])).rejects.toThrow(/NothingToWithdraw/);
    await expect(runStaking(["unjail", "--rpc", node.url, "--private-key", operator.key])).rejects.toThrow(/NotJailed/);
    // Refused before sending: the nonce did not move.
    expect(await new RpcClient(node.url).call<string>("eth_getTransactionCount", [delegator.address, "latest"])).toBe(nonce);
    await expect(runStaking(["delegate", "--rpc", node.url, "--private-key", delegator.key, "--validator", "0x12", "--amount", "1"])).rejects.toThrow(/--validator: expected a 0x-prefixed 20-byte address/);
    await expect(runStaking(["frobnicate", "--rpc", node.url])).rejects.toThrow(/unknown action "frobnicate"/);
  }, 60_000);
});
