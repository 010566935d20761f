// The EVM's jump analysis, done once per contract code instead of once per call.
//
// @ethereumjs/evm's interpreter, on the first JUMP or JUMPI of every message frame, walks the whole
// code: a JUMPDEST bitmap, the opcode record of every byte and a bigint for every PUSH immediate
// (`_getValidJumpDestinations`). For an ERC-20 transfer that walk was 7 % of the block pipeline's
// CPU (execution bench, 2026-12-07): the token's few kilobytes of code are analysed again for every
// transfer, while the code itself does not change. The analysis is a pure function of the code and
// of the EVM's opcode table (the hardfork's), and the interpreter only reads what it returns
// (`validJumps[dest] === 1`, `cachedPushes[pc]`, `opcodesCached[pc]`), so one result serves every
// frame that runs the same code under the same table.
//
// The key is the code's Uint8Array itself (a WeakMap: the entry lives as long as the array). The
// state manager's code cache hands out the same array for an address until it is evicted, so a
// contract called in block after block is analysed about once per eviction; initcode and code read
// afresh from the database are new arrays and simply miss. Nothing in @ethereumjs writes into a code
// array (it is the contract's bytes as stored), which is what makes identity a sound key.
//
// This reaches into an @ethereumjs internal (the Interpreter class is not exported), which is why it
// lives in evm/; if a release renames or reshapes the method the cache stays off and execution is
// unchanged (`jumpAnalysisCacheInstalled` says which, and a test checks it is on).

interface JumpAnalysis {
  readonly jumps: Uint8Array;
  readonly pushes: Record<number, bigint>;
  readonly opcodesCached: readonly unknown[];
}

interface InterpreterShape {
  _getValidJumpDestinations(code: Uint8Array): JumpAnalysis;
  _evm: { _opcodeMap?: object };
}

const analyses = new WeakMap<object, WeakMap<Uint8Array, JumpAnalysis>>();

/** Calls that were served from the cache, and those that ran the analysis (tests, diagnostics). */
export const jumpAnalysisStats = { hits: 0, misses: 0 };

async function install(): Promise<boolean> {
  let mod: { Interpreter?: { prototype: Partial<InterpreterShape> } };
  try {
    // The same module instance the EVM uses: the file beside the package's ESM entry point.
    mod = (await import(new URL("./interpreter.js", import.meta.resolve("@ethereumjs/evm")).href)) as typeof mod;
  } catch {
    return false;
  }
  const proto = mod.Interpreter?.prototype;
  const original = proto?._getValidJumpDestinations;
  if (proto === undefined || typeof original !== "function") return false;
  proto._getValidJumpDestinations = function cachedJumpDestinations(this: InterpreterShape, code: Uint8Array): JumpAnalysis {
    const table = this._evm?._opcodeMap;
    if (typeof table !== "object" || table === null) return original.call(this, code);
    let byCode = analyses.get(table);
    if (byCode === undefined) analyses.set(table, (byCode = new WeakMap()));
    const known = byCode.get(code);
    if (known !== undefined) {
      jumpAnalysisStats.hits++;
      return known;
    }
    jumpAnalysisStats.misses++;
    const fresh = original.call(this, code);
    byCode.set(code, fresh);
    return fresh;
  };
  return true;
}

/** Whether the interpreter's jump analysis is memoized (false: @ethereumjs changed shape; see above). */
export const jumpAnalysisCacheInstalled: boolean = await install();
