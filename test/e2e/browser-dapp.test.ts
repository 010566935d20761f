// A dapp in headless Chromium (Debian's chromium, driven by playwright-core): a page served from its
// own origin on 127.0.0.1 loads viem (bundled for the browser with esbuild) and reads the chain id and
// a balance from the node, which only works because the node answers CORS for that origin; the same
// page from another origin (localhost) is refused by the browser. A screenshot is saved.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
if (!hasChromium) console.warn(`browser dapp test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

/** The dapp's script: viem's public client in the browser. */
const DAPP_SOURCE = `
import { createPublicClient, formatEther, http } from "viem";
window.readChain = async (url, address) => {
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
  const [chainId, balance] = await Promise.all([client.getChainId(), client.getBalance({ address })]);
  return { chainId, balance: formatEther(balance) };
};
`;

const page = (nodeUrl: string, address: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>verity dapp</title>
<style>body { font: 18px sans-serif; margin: 40px; } .value { font-weight: bold; }</style></head>
<body><h1>verity dapp</h1>
<p>Chain id: <span class="value" id="chain">…</span></p>
<p>Balance of ${address}: <span class="value" id="balance">…</span> ETH</p>
<p id="error" style="color: #b00"></p>
<script src="/app.js"></script>
<script>
  readChain(${JSON.stringify(nodeUrl)}, ${JSON.stringify(address)}).then((r) => {
    document.getElementById("chain").textContent = String(r.chainId);
    document.getElementById("balance").textContent = r.balance;
    document.body.dataset.done = "ok";
  }, (e) => {
    document.getElementById("error").textContent = String(e && e.message || e);
    document.body.dataset.done = "error";
  });
</script></body></html>`;

let n: RpcTestNode;
let dapp: Server;
let dappPort: number;
let userDataDir: string;

beforeAll(async () => {
  if (!hasChromium) return;
  const { build } = await import("esbuild");
  const bundled = await build({
    stdin: { contents: DAPP_SOURCE, resolveDir: projectRoot, loader: "js" },
    bundle: true, format: "iife", platform: "browser", minify: true, write: false, logLevel: "silent",
  });
  const script = bundled.outputFiles[0]!.text;
  let html = "";
  dapp = createServer((req, res) => {
    if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((resolve) => dapp.listen(0, "127.0.0.1", resolve));
  dappPort = (dapp.address() as { port: number }).port;
  // Only the dapp's exact origin may read the node's answers.
  n = await startRpcTestNode({ corsDomains: [`http://127.0.0.1:${dappPort}`] });
  html = page(n.url, DEV[0]!.address);
  userDataDir = mkdtempSync(path.join(tmpdir(), "verity-chromium-"));
}, 60_000);

afterAll(async () => {
  await n?.stop();
  await new Promise((resolve) => (dapp ? dapp.close(resolve) : resolve(undefined)));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)("a dapp in headless Chromium", () => {
  it("reads the chain id and a balance through viem (CORS), is refused from another origin, and leaves a screenshot", async () => {
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const tab = await context.newPage();
      await tab.goto(`http://127.0.0.1:${dappPort}/`);
      await tab.waitForSelector("body[data-done]", { timeout: 20_000 });
      expect(await tab.textContent("#error")).toBe("");
      expect(await tab.textContent("#chain")).toBe("31337");
      expect(await tab.textContent("#balance")).toBe("10000");
      // A fixed name in the temp dir: each run replaces the last one's picture instead of piling up.
      const screenshot = path.join(tmpdir(), "verity-dapp-screenshot.png");
      await tab.screenshot({ path: screenshot });
      expect(readFileSync(screenshot).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      console.info(`dapp screenshot: ${screenshot}`);

      // localhost is another origin: the node sends no CORS header for it and the browser blocks the answer.
      const foreign = await context.newPage();
      await foreign.goto(`http://localhost:${dappPort}/`);
      await foreign.waitForSelector("body[data-done]", { timeout: 20_000 });
      expect(await foreign.getAttribute("body", "data-done")).toBe("error");
      expect(await foreign.textContent("#chain")).toBe("…");
    } finally {
      await context.close();
    }
  });
});
