// The status page's one module: it asks the node that served it for everything over that port's
// WebSocket JSON-RPC, as any client would, and redraws on each new head (eth_subscribe newHeads):
//   head, time               newHeads, eth_getBlockByNumber("latest")
//   finality                 eth_getBlockByNumber("finalized") (a committed block is final)
//   rounds, timeouts chart   verity_getBlockConsensus(n) for the last blocks
//   validators, stake        verity_getValidators, verity_getEpoch
//   participation            the signers of those blocks' commit certificates (verity_getBlockConsensus)
//   peers, pool, sync        net_peerCount, txpool_status, eth_syncing (also every few seconds between heads)
// Plain ES module, no build step; uPlot is served beside it from the node's node_modules.
import uPlot from "./uplot.js";

/** Blocks charted and counted for participation. */
const WINDOW = 30;
/** Between heads, peers, pool and sync are re-read this often. */
const POLL_MS = 2000;
const RECONNECT_MS = 2000;
/** The step timeouts charted (see drawCharts). */
const STEPS = ["prevote", "precommit"];

const $ = (id) => document.getElementById(id);
const UNAVAILABLE = "unavailable";

/** JSON-RPC over one WebSocket: calls by id, notifications to onNotify. */
class RpcSocket {
  constructor(url, onNotify) {
    this.nextId = 1;
    this.waiting = new Map();
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve());
      this.socket.addEventListener("error", () => reject(new Error("WebSocket error")));
    });
    this.socket.addEventListener("message", (e) => {
      const msg = JSON.parse(e.data);
      if (msg.method === "eth_subscription") return onNotify(msg.params);
      const waiter = this.waiting.get(msg.id);
      if (!waiter) return;
      this.waiting.delete(msg.id);
      if (msg.error) waiter.reject(Object.assign(new Error(`${waiter.method}: ${msg.error.message}`), { code: msg.error.code }));
      else waiter.resolve(msg.result);
    });
    this.closed = new Promise((resolve) =>
      this.socket.addEventListener("close", () => {
        for (const w of this.waiting.values()) w.reject(new Error("connection closed"));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  call(method, params = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }
}

/** The result, or null when the node does not serve the method (a namespace left out of --http.api). */
async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e.code === -32601) return null;
    throw e;
  }
}

const num = (hex) => BigInt(hex);

/** Wei as ether with at most 4 decimals ("1000", "0.5"). */
function formatEther(wei) {
  const whole = wei / 10n ** 18n;
  const frac = ((wei % 10n ** 18n) / 10n ** 14n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${whole.toLocaleString("en-US")}${frac ? `.${frac}` : ""}`;
}

const short = (hex) => `${hex.slice(0, 10)}…${hex.slice(-8)}`;

function setFigure(id, value, text = String(value)) {
  const el = $(id);
  el.textContent = value === null ? UNAVAILABLE : text;
  el.dataset.value = value === null ? "" : String(value);
}

function chart(el, series) {
  const opts = {
    width: Math.max(320, el.clientWidth || 460),
    height: 180,
    // Half a block of margin each side, so that the first and last bars are drawn whole.
    scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(2, max + 1)] } },
    axes: [{ label: "block" }, { label: "count" }],
    series: [{ label: "block" }, ...series],
    legend: { live: false },
  };
  return new uPlot(opts, [[], ...series.map(() => [])], el);
}

const bars = uPlot.paths.bars({ size: [0.7, 40] });
const state = {
  /** number -> verity_getBlockConsensus result, for the last WINDOW blocks. */
  blocks: new Map(),
  head: null,
  rounds: null,
  timeouts: null,
  updates: 0,
  rpc: null,
};

function drawCharts() {
  const numbers = [...state.blocks.keys()].sort((a, b) => a - b);
  const info = numbers.map((n) => state.blocks.get(n));
  // Rounds a height took: the round its certificate's precommits were cast in, plus one.
  const rounds = info.map((c) => (c.commit ? c.commit.round + 1 : c.round + 1));
  state.rounds.setData([numbers, rounds]);
  // The propose timeout closes the proposal window of every round (proposers race, the best
  // credential wins), so it fires once per round as a matter of course: only the two that cost
  // something are charted, a nil precommit (prevote) and a new round (precommit).
  const timeouts = STEPS.map((s) => info.map((c) => (c.timeouts ? c.timeouts[s] : null)));
  state.timeouts.setData([numbers, ...timeouts]);
  // What is drawn, for a reader of the DOM (the browser test compares it with JSON-RPC).
  const roundsEl = $("chart-rounds");
  roundsEl.dataset.blocks = numbers.join(",");
  roundsEl.dataset.rounds = rounds.join(",");
  const timeoutsEl = $("chart-timeouts");
  timeoutsEl.dataset.blocks = numbers.join(",");
  STEPS.forEach((s, i) => (timeoutsEl.dataset[s] = timeouts[i].map((v) => (v === null ? "" : v)).join(",")));
}

function drawValidators(validators, epoch) {
  const tbody = $("validators").querySelector("tbody");
  tbody.replaceChildren();
  if (validators === null) {
    setFigure("validator-count", null);
    return;
  }
  setFigure("validator-count", validators.length);
  $("epoch").textContent = epoch === null ? UNAVAILABLE : String(num(epoch.epoch));
  const recent = [...state.blocks.values()];
  $("window").textContent = String(recent.length);
  const signed = new Map();
  for (const c of recent) for (const s of c.commit?.signers ?? []) signed.set(s.toLowerCase(), (signed.get(s.toLowerCase()) ?? 0) + 1);
  const total = validators.reduce((sum, v) => sum + num(v.stake), 0n);
  for (const v of validators) {
    const stake = num(v.stake);
    const tr = document.createElement("tr");
    tr.dataset.address = v.address;
    tr.dataset.stakeWei = stake.toString();
    tr.dataset.signed = String(signed.get(v.address.toLowerCase()) ?? 0);
    const share = total === 0n ? 0 : Number((stake * 10000n) / total) / 100;
    const cells = [
      [v.address, "addr"],
      [v.status, ""],
      [formatEther(stake), "num stake"],
      [`${share.toFixed(2)} %`, "num"],
      [`${tr.dataset.signed} / ${recent.length}`, "num"],
      [String(num(v.lastSignedHeight)), "num"],
    ];
    for (const [text, cls] of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    tbody.append(tr);
  }
}

function showHead(header) {
  state.head = { number: Number(num(header.number)), hash: header.hash, timestamp: Number(num(header.timestamp)) };
  setFigure("head-number", state.head.number);
  $("head-hash").textContent = short(header.hash);
  $("head-time").textContent = new Date(state.head.timestamp * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
  showAge();
}

function showAge() {
  if (state.head === null) return;
  const age = Math.round(Date.now() / 1000 - state.head.timestamp);
  $("head-age").textContent = age >= 0 ? `${age} s ago` : "in the future";
}

/** Peers, pool and sync: they change between heads too. */
async function refreshNode(rpc) {
  const [peers, pool, syncing] = await Promise.all([
    optional(rpc.call("net_peerCount")),
    optional(rpc.call("txpool_status")),
    optional(rpc.call("eth_syncing")),
  ]);
  setFigure("peers", peers === null ? null : Number(num(peers)));
  setFigure("pool-pending", pool === null ? null : Number(num(pool.pending)));
  setFigure("pool-queued", pool === null ? null : Number(num(pool.queued)));
  if (syncing === null) setFigure("sync", null);
  else if (syncing === false) {
    setFigure("sync", "no", "synced");
    $("sync-detail").textContent = "following the network";
  } else {
    const current = num(syncing.currentBlock);
    const highest = num(syncing.highestBlock);
    setFigure("sync", "yes", `${highest === 0n ? 0 : Number((current * 100n) / highest)} %`);
    $("sync-detail").textContent = `block ${current} of ${highest}`;
  }
}

/** Reads the consensus record of the blocks in the window that are not held yet. */
async function loadBlocks(rpc, head) {
  const from = Math.max(1, head - WINDOW + 1);
  for (const n of state.blocks.keys()) if (n < from) state.blocks.delete(n);
  // A block read while it was the head has the certificate this node stored (its first quorum);
  // once a later block carries its certificate, with the late precommits, it is read again.
  const missing = [];
  for (let n = from; n <= head; n++) {
    const held = state.blocks.get(n);
    if (held === undefined || (n < head && held.commit !== null && !held.commit.carried)) missing.push(n);
  }
  const results = await Promise.all(missing.map((n) => optional(rpc.call("verity_getBlockConsensus", [`0x${n.toString(16)}`]))));
  results.forEach((r, i) => {
    if (r !== null) state.blocks.set(missing[i], r);
  });
}

async function onHead(rpc, header) {
  const number = Number(num(header.number));
  const [finalized, validators, epoch] = await Promise.all([
    rpc.call("eth_getBlockByNumber", ["finalized", false]),
    optional(rpc.call("verity_getValidators")),
    optional(rpc.call("verity_getEpoch")),
    loadBlocks(rpc, number),
    refreshNode(rpc),
  ]);
  // Everything of one head is drawn at once, when all of it has arrived.
  showHead(header);
  setFigure("finalized-number", finalized === null ? null : Number(num(finalized.number)));
  drawCharts();
  drawValidators(validators, epoch);
  state.updates++;
  document.body.dataset.updates = String(state.updates);
  document.body.dataset.head = String(state.head.number);
}

function showError(e) {
  $("error").textContent = e ? String(e.message ?? e) : "";
}

async function connect() {
  const connection = $("connection");
  connection.dataset.state = "connecting";
  connection.textContent = "connecting";
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
  // Heads are handled one at a time, in order; a head that arrives while one is drawn waits.
  let queue = Promise.resolve();
  const rpc = new RpcSocket(url, (params) => {
    queue = queue.then(() => onHead(rpc, params.result)).catch(showError);
  });
  state.rpc = rpc;
  try {
    await rpc.opened;
    connection.dataset.state = "live";
    connection.textContent = "live";
    const [clientVersion, chainId, head] = await Promise.all([
      optional(rpc.call("web3_clientVersion")),
      rpc.call("eth_chainId"),
      rpc.call("eth_getBlockByNumber", ["latest", false]),
    ]);
    $("client").textContent = clientVersion ?? "";
    setFigure("chain-id", Number(num(chainId)));
    await rpc.call("eth_subscribe", ["newHeads"]);
    queue = queue.then(() => onHead(rpc, head)).catch(showError);
    const poll = setInterval(() => refreshNode(rpc).catch(showError), POLL_MS);
    await rpc.closed;
    clearInterval(poll);
  } catch (e) {
    showError(e);
  }
  connection.dataset.state = "closed";
  connection.textContent = "disconnected: retrying";
  setTimeout(connect, RECONNECT_MS);
}

state.rounds = chart($("chart-rounds"), [{ label: "rounds", stroke: "#3b6fd4", fill: "#3b6fd455", paths: bars, points: { show: false } }]);
state.timeouts = chart($("chart-timeouts"), [
  { label: "prevote", stroke: "#8a3bd4", width: 2 },
  { label: "precommit", stroke: "#d43b5b", width: 2 },
]);
setInterval(showAge, 1000);
connect();
