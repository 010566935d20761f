// A small contract for the RPC tests: storage writes, an indexed event, a custom error, a revert
// reason, and calls and delegatecalls into another instance (for call traces). Compiled once with
// solc-js and cached on disk by source hash, so the test files sharing it do not each pay for solc.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, type CompiledContract } from "./solc.js";

export const PROBE_SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Probe {
    event Stored(address indexed who, uint256 indexed key, uint256 value);
    error TooBig(uint256 value, uint256 limit);

    mapping(uint256 => uint256) public values;
    uint256 public total;

    function store(uint256 key, uint256 value) public {
        if (value > 1000) revert TooBig(value, 1000);
        values[key] = value;
        total += value;
        emit Stored(msg.sender, key, value);
    }

    function fail(string calldata reason) external pure {
        require(false, reason);
    }

    function callOther(address other, uint256 key, uint256 value) external {
        Probe(other).store(key, value);
    }

    function delegate(address other, uint256 key, uint256 value) external {
        (bool ok, ) = other.delegatecall(abi.encodeWithSignature("store(uint256,uint256)", key, value));
        require(ok, "delegate failed");
    }

    function peek(address other, uint256 key) external view returns (uint256) {
        return Probe(other).values(key);
    }
}
`;

export function compileProbe(): CompiledContract {
  const key = createHash("sha256").update(PROBE_SOURCE).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "verity-test-solc");
  const file = join(dir, `probe-${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as CompiledContract;
  const compiled = compile({ "Probe.sol": PROBE_SOURCE })["Probe"];
  if (compiled === undefined) throw new Error("solc produced no Probe contract");
  mkdirSync(dir, { recursive: true });
  // Write then rename, so a parallel test file never reads half a file.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(compiled));
  renameSync(partial, file);
  return compiled;
}
