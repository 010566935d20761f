// eth_ methods about the chain as a whole: identity, head, sync state, accounts, and fees.
import { data, quantity } from "../hex.js";
import { formatFeeHistory, formatSyncStatus } from "../format.js";
import { optional, parseBlockNumberOrTag, required } from "../params.js";
import { parseBlockCount, parseRewardPercentiles } from "../params-objects.js";
import { defineMethod, type MethodTable } from "./types.js";

/** geth's cap on eth_feeHistory's block count; larger requests are truncated to it, as geth does. */
export const MAX_FEE_HISTORY_BLOCKS = 1024n;

export const ethChainMethods: MethodTable = {
  eth_chainId: defineMethod([], (_args, { backend }) => quantity(backend.chainId)),
  eth_blockNumber: defineMethod([], (_args, { backend, batchHead }) => quantity(batchHead ?? backend.headNumber())),
  eth_syncing: defineMethod([], (_args, { backend }) => formatSyncStatus(backend.syncing())),
  eth_accounts: defineMethod([], (_args, { backend }) => backend.accounts().map((account) => data(account))),
  eth_gasPrice: defineMethod([], async (_args, { backend }) => quantity(await backend.gasPrice())),
  eth_maxPriorityFeePerGas: defineMethod([], async (_args, { backend }) => quantity(await backend.maxPriorityFeePerGas())),

  eth_feeHistory: defineMethod(
    [
      required("blockCount", parseBlockCount),
      required("newestBlock", parseBlockNumberOrTag),
      optional<number[] | null>("rewardPercentiles", parseRewardPercentiles, null),
    ],
    async ([blockCount, newest, percentiles], { backend }) => {
      if (blockCount === 0n) {
        // Nothing asked, nothing to look up; empty lists (geth answers nulls, which the spec rejects).
        return formatFeeHistory({ oldestBlock: 0n, baseFeePerGas: [], gasUsedRatio: [], ...(percentiles ? { reward: [] } : {}) });
      }
      const count = blockCount > MAX_FEE_HISTORY_BLOCKS ? MAX_FEE_HISTORY_BLOCKS : blockCount;
      return formatFeeHistory(await backend.feeHistory(Number(count), newest, percentiles));
    },
  ),
};
