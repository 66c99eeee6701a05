// Sequence-number arithmetic (RFC 9293 section 3.4): modulo 2^32, compared as serial numbers.
// Checked against BigInt arithmetic, which has no limit, on the edges and on random integers.
import * as assert from 'node:assert/strict';
import { mod32, serialDiff } from '../../src/core/seqspace';
import { rng } from './random';

const M = 2n ** 32n;

function mod32Exact(n: number | bigint): number {
  return Number(((BigInt(n) % M) + M) % M);
}

function serialDiffExact(a: number, b: number): number {
  const d = mod32Exact(BigInt(a) - BigInt(b));
  return d >= 2 ** 31 ? d - 2 ** 32 : d;
}

/** True when a - b is exact in floating point (what the model's sums and differences always are). */
function exactDifference(a: number, b: number): boolean {
  const d = BigInt(a) - BigInt(b);
  return d <= 2n ** 53n && d >= -(2n ** 53n);
}

describe('sequence numbers: modulo 2^32 and serial differences', () => {
  const edges = [0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 31), -(2 ** 32), -(2 ** 32) - 1,
    2 ** 33 + 5, -(2 ** 33) - 5, 2 ** 53 - 1, -(2 ** 53) + 1];

  it('mod32 is the integer modulo 2^32, in [0, 2^32)', () => {
    for (const n of edges) assert.equal(mod32(n), mod32Exact(n), String(n));
    assert.equal(mod32(2 ** 32 - 1 + 5), 4, 'a sum past 2^32 wraps');
    assert.equal(mod32(-5), 2 ** 32 - 5, 'a difference below 0 wraps');
  });

  it('serialDiff is the signed difference in [-2^31, 2^31)', () => {
    for (const a of edges) {
      for (const b of edges) if (exactDifference(a, b)) assert.equal(serialDiff(a, b), serialDiffExact(a, b), `${a} - ${b}`);
    }
    assert.equal(serialDiff(5, 2 ** 32 - 5), 10, '5 comes 10 after 2^32 - 5');
    assert.equal(serialDiff(2 ** 32 - 5, 5), -10);
    assert.equal(serialDiff(2 ** 31, 0), -(2 ** 31), 'half the space away counts as before');
  });

  it('agree with BigInt on 100,000 random integers', () => {
    const r = rng(793);
    const pick = () => Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 53)));
    for (let i = 0; i < 100_000; i++) {
      const a = pick();
      const b = pick();
      assert.equal(mod32(a), mod32Exact(a), String(a));
      if (exactDifference(a, b)) assert.equal(serialDiff(a, b), serialDiffExact(a, b), `${a} - ${b}`);
    }
  });
});
