import { chmodSync, statSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { IdentityError, loadOrCreateIdentity, p2pKeyPath } from "../../src/p2p/identity.js";
import { Harness } from "../helpers/p2p.js";

const h = new Harness();
afterEach(() => h.cleanup());

describe("p2p identity", () => {
  it("is created on first start with mode 0600 and reloaded unchanged", async () => {
    const dir = h.tempDir();
    const first = await loadOrCreateIdentity(dir);
    expect(first.type).toBe("Ed25519");
    expect(statSync(p2pKeyPath(dir)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateIdentity(dir);
    expect(again.equals(first)).toBe(true);
  });

  it("gives the same peer id across a network restart, a different one in another data dir", async () => {
    const dir = h.tempDir();
    const a = await h.net("a", { datadir: dir });
    const id = a.peerId;
    expect(a.listenAddresses()[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${id}$`));
    await a.stop();
    const restarted = await h.net("a2", { datadir: dir });
    expect(restarted.peerId).toBe(id);
    const other = await h.net("b");
    expect(other.peerId).not.toBe(id);
  });

  it("refuses a corrupt key file instead of replacing it, and tightens a loose mode", async () => {
    const dir = h.tempDir();
    await loadOrCreateIdentity(dir);
    chmodSync(p2pKeyPath(dir), 0o644);
    await loadOrCreateIdentity(dir);
    expect(statSync(p2pKeyPath(dir)).mode & 0o777).toBe(0o600);

    writeFileSync(p2pKeyPath(dir), new Uint8Array([1, 2, 3, 4]), { mode: 0o600 });
    await expect(loadOrCreateIdentity(dir)).rejects.toBeInstanceOf(IdentityError);
  });
});
