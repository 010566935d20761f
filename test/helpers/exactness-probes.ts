// Probe contracts for the execution-exactness tests (issue 12): nested calls whose return data lands
// on their own input, a SELFDESTRUCT, failed CREATEs, every call and create opcode, inner calls that
// fail and burn their gas, precompile-heavy work and storage refunds. Compiled once with solc-js and
// cached on disk by source hash, like the probe contract of the RPC tests.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, TOKEN_SOURCE, type CompiledContract } from "./solc.js";

export const EXACTNESS_SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Callee {
    uint256 public stored;
    function double(uint256 v) external pure returns (uint256) { return v * 2; }
    function put(uint256 v) external { stored = v; }
    function get() external view returns (uint256) { return stored; }
    function burn() external pure { assembly { invalid() } }
}

contract Doomed {
    constructor() payable {}
    function die(address payable to) external { selfdestruct(to); }
}

contract Reverter {
    constructor() { revert("no"); }
}

contract Exactness {
    Callee public callee;
    uint256 public last;
    uint256[8] public slots;

    constructor() { callee = new Callee(); }

    /** A high-level call: solc writes the returned word over the encoded input in memory. */
    function nested(uint256 v) external returns (uint256) {
        last = callee.double(v);
        return last;
    }

    /** A contract created with value that SELFDESTRUCTs to the caller. */
    function kill() external payable {
        Doomed d = new Doomed{value: msg.value}();
        d.die(payable(msg.sender));
    }

    /** A nested CREATE whose constructor reverts, caught. */
    function failCreate() external returns (bool) {
        try new Reverter() returns (Reverter) { return true; } catch { last = 7; return false; }
    }

    /** One of each: CALL, STATICCALL, DELEGATECALL, CALLCODE, CREATE, CREATE2. */
    function everyCall() external {
        address c = address(callee);
        (bool ok, ) = c.call(abi.encodeWithSelector(Callee.put.selector, 5));
        (ok, ) = c.staticcall(abi.encodeWithSelector(Callee.get.selector));
        (ok, ) = c.delegatecall(abi.encodeWithSelector(Callee.double.selector, 3));
        bytes memory input = abi.encodeWithSelector(Callee.double.selector, 4);
        assembly { ok := callcode(gas(), c, 0, add(input, 32), mload(input), 0, 0) }
        new Doomed();
        new Doomed{salt: bytes32(uint256(1))}();
        last = ok ? 1 : 0;
    }

    /** An inner call given all the gas that fails and burns it; the outer call goes on. */
    function tryBurn() external returns (bool ok) {
        (ok, ) = address(callee).call(abi.encodeWithSelector(Callee.burn.selector));
        last = ok ? 1 : 2;
    }

    /** The same with a fixed gas allowance for the inner call. */
    function tryBurnCapped(uint256 allowance) external returns (bool ok) {
        (ok, ) = address(callee).call{gas: allowance}(abi.encodeWithSelector(Callee.burn.selector));
        last = ok ? 1 : 2;
    }

    /** Precompile-heavy: sha256, ripemd160, identity and ecrecover in a loop. */
    function precompiles(uint256 n) external returns (bytes32 h) {
        for (uint256 i = 0; i < n; i++) {
            h = sha256(abi.encode(h, i));
            h = bytes32(ripemd160(abi.encode(h)));
            address signer = ecrecover(h, 27, h, h);
            h ^= bytes32(uint256(uint160(signer)));
        }
        last = uint256(h);
    }

    function fill() external { for (uint256 i = 0; i < 8; i++) slots[i] = i + 1; }

    /** Clears storage: a large refund, so the limit needed is well above the gas used. */
    function clear() external { for (uint256 i = 0; i < 8; i++) slots[i] = 0; }
}
`;

export interface ExactnessContracts {
  Exactness: CompiledContract;
  TestToken: CompiledContract;
}

export function compileExactness(): ExactnessContracts {
  const key = createHash("sha256").update(EXACTNESS_SOURCE).update(TOKEN_SOURCE).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "verity-test-solc");
  const file = join(dir, `exactness-${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ExactnessContracts;
  const all = compile({ "Exactness.sol": EXACTNESS_SOURCE, "TestToken.sol": TOKEN_SOURCE });
  const out = { Exactness: all["Exactness"], TestToken: all["TestToken"] };
  if (out.Exactness === undefined || out.TestToken === undefined) throw new Error("solc produced no Exactness or TestToken contract");
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(out));
  renameSync(partial, file);
  return out as ExactnessContracts;
}
