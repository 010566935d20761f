// The bookkeeping of what our validators re-send after a partition (src/node/consensus/resend-book.ts).
import { describe, expect, it } from "vitest";
import { ResendBook, type SignedMessage } from "../../src/node/consensus/resend-book.js";

const msg = (signer: string, height: number, round: number, kind: "proposal" | "vote" = "vote", tag = 0): SignedMessage => ({
  kind,
  height,
  round,
  signer,
  bytes: Uint8Array.of(height, round, tag),
});
const rounds = (ms: readonly SignedMessage[]) => ms.map((m) => `${m.signer}:${m.kind}@${m.round}`);

describe("resend book", () => {
  it("keeps each signer's latest two rounds of the height, oldest round first, proposals before votes", () => {
    const book = new ResendBook({ rounds: 2, minIntervalMs: 1000 });
    for (let r = 0; r < 5; r++) {
      book.record(msg("a", 7, r, "proposal"));
      book.record(msg("a", 7, r, "vote", 1));
      book.record(msg("a", 7, r, "vote", 2));
    }
    book.record(msg("b", 7, 1));
    expect(rounds(book.due("round-timeout", 7, 0).messages)).toEqual(["b:vote@1", "a:proposal@3", "a:vote@3", "a:vote@3", "a:proposal@4", "a:vote@4", "a:vote@4"]);
    // The bytes are the ones recorded, untouched.
    expect(book.due("peer-joined", 7, 0).messages.at(-1)!.bytes).toEqual(Uint8Array.of(7, 4, 2));
  });

  it("forgets a height when a later one is recorded, and sends nothing for another height", () => {
    const book = new ResendBook({ rounds: 2, minIntervalMs: 1000 });
    book.record(msg("a", 7, 3));
    book.record(msg("a", 8, 0));
    book.record(msg("a", 7, 4)); // late, for the height left behind
    expect(book.due("round-timeout", 7, 0).messages).toEqual([]);
    expect(rounds(book.due("round-timeout", 8, 0).messages)).toEqual(["a:vote@0"]);
  });

  it("sends at most once per interval per trigger, and asks once to be called again at the interval's end", () => {
    const book = new ResendBook({ rounds: 2, minIntervalMs: 1000 });
    expect(book.due("peer-joined", 1, 0)).toEqual({ messages: [] }); // nothing recorded: nothing to send, no retry
    book.record(msg("a", 1, 0));
    expect(book.due("peer-joined", 1, 100).messages).toHaveLength(1);
    expect(book.due("round-timeout", 1, 150).messages).toHaveLength(1); // another trigger has its own interval
    expect(book.due("peer-joined", 1, 400)).toEqual({ messages: [], retryInMs: 700 });
    expect(book.due("peer-joined", 1, 500)).toEqual({ messages: [] }); // the retry is already asked for
    expect(book.due("peer-joined", 1, 1100).messages).toHaveLength(1);
    expect(book.due("peer-joined", 1, 1200)).toEqual({ messages: [], retryInMs: 900 });
  });
});
