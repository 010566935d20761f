// Compiles Solidity sources in the test with the solc npm package (solc-js), resolving
// @openzeppelin/contracts imports from node_modules.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

export interface CompiledContract {
  abi: unknown[];
  bytecode: `0x${string}`;
}

export function compile(sources: Record<string, string>): Record<string, CompiledContract> {
  const solc = require("solc") as { compile(input: string, opts: { import: (p: string) => { contents?: string; error?: string } }): string };
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const findImport = (path: string) => {
    try {
      return { contents: readFileSync(resolve("node_modules", path), "utf8") };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const result: Record<string, CompiledContract> = {};
  for (const file of Object.values(out.contracts))
    for (const [name, c] of Object.entries(file)) result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  return result;
}

/** An OpenZeppelin ERC-20 with the whole supply minted to the deployer, plus a custom error for viem. */
export const TOKEN_SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract TestToken is ERC20 {
    error NotAllowed(address who, uint256 code);

    constructor(uint256 supply) ERC20("Test Token", "TT") {
        _mint(msg.sender, supply);
    }

    function forbidden() external view {
        revert NotAllowed(msg.sender, 42);
    }

    function failWithReason() external pure {
        require(false, "no way");
    }
}
`;

let cached: CompiledContract | undefined;
export function compileTestToken(): CompiledContract {
  cached ??= compile({ "TestToken.sol": TOKEN_SOURCE })["TestToken"]!;
  return cached;
}
