// The core's throughput: a 100,000-segment document (a long transfer with in-flight windows,
// losses, out-of-order arrivals, duplicate ACKs, retransmissions, and a teardown), checked in-process.
import { analyze } from '../../src/core';

/** A long transfer written the way a capture at the client would read. */
export function transferDocument(segments: number): string {
  const MSS = 1000;
  const WINDOW = 4;
  const lines = ['title Bulk transfer', 'participant C as Client', 'participant S as Server',
    'C->S SYN seq=4294000000 mss=1000 : near the wrap-around', 'S->C SYN ACK seq=7000 ack=4294000001 mss=1000',
    'C->S ACK seq=4294000001 ack=7001'];
  let seq = 4294000001;
  let count = 3;
  const at = (n: number) => (n % 4294967296);
  let round = 0;
  while (count < segments - 4) {
    round++;
    if (round % 50 === 0) {
      // One segment lost: the next are held, the receiver repeats its ACK, the sender retransmits.
      lines.push(`C-xS ACK seq=${at(seq)} ack=7001 len=${MSS} : lost`);
      lines.push(`C->S ACK seq=${at(seq + MSS)} ack=7001 len=${MSS}`);
      lines.push(`S->C ACK seq=7001 ack=${at(seq)}`);
      lines.push(`C->S ACK seq=${at(seq)} ack=7001 len=${MSS} : retransmission`);
      lines.push(`S->C ACK seq=7001 ack=${at(seq + 2 * MSS)}`);
      seq += 2 * MSS;
      count += 5;
      continue;
    }
    for (let i = 0; i < WINDOW; i++) lines.push(`C~>S ACK seq=${at(seq + i * MSS)} ack=7001 len=${MSS}`);
    for (let i = 1; i <= WINDOW; i++) lines.push(`S->C ACK seq=7001 ack=${at(seq + i * MSS)}`);
    seq += WINDOW * MSS;
    count += 2 * WINDOW;
  }
  lines.push(`C->S FIN ACK seq=${at(seq)} ack=7001`, `S->C ACK seq=7001 ack=${at(seq + 1)}`,
    `S->C FIN ACK seq=7001 ack=${at(seq + 1)}`, `C->S ACK seq=${at(seq + 1)} ack=7002`);
  return lines.join('\n') + '\n';
}

export function run(): void {
  const SEGMENTS = 100_000;
  const text = transferDocument(SEGMENTS);
  const segments = text.split('\n').filter((l) => /^\w+\s*(->|~>|-x)/.test(l)).length;
  // Warm up, and make sure the document is the clean exchange it claims to be.
  const first = analyze(text);
  const problems = first.diagnostics.filter((d) => d.severity !== 'information');
  if (problems.length > 0) throw new Error(`benchmark document has problems: ${problems.slice(0, 3).map((d) => d.message).join('; ')}`);
  const info = first.diagnostics.length;
  // The first few checks include the compiler's work on the core: two more before timing.
  analyze(text);
  analyze(text);
  const times: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint();
    analyze(text);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const best = times[0];
  console.log('core: check a long transfer in-process');
  console.log(`  document: ${segments} segments, ${(text.length / 1e6).toFixed(1)} MB, ${info} information diagnostics, 0 errors`);
  console.log(`  median ${median.toFixed(0)} ms, best ${best.toFixed(0)} ms over ${times.length} runs`);
  console.log(`  throughput: ${Math.round(segments / (median / 1000)).toLocaleString('en-US')} segments/s (median), ${Math.round(segments / (best / 1000)).toLocaleString('en-US')} segments/s (best)`);
  console.log(`  peak memory (RSS): ${(peak / 1048576).toFixed(0)} MB`);
  // The timeline (every line's states and numbers, for the diagram and the hover) is made when first read.
  const withTimeline = time(() => void analyze(text).timeline.events.length, 5);
  console.log(`  with the timeline as well: median ${withTimeline.toFixed(0)} ms, ${Math.round(segments / (withTimeline / 1000)).toLocaleString('en-US')} segments/s`);
}

/** Median wall time of a few runs of f, in ms. */
function time(f: () => void, runs = 5): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** An edit on one line of a 2,000-line document, checked again as the editor does on each keystroke. */
export function runTyping(): void {
  const text = transferDocument(2000);
  const lines = text.split('\n');
  let previous = analyze(text);
  let k = 0;
  const edited = () => {
    const l = lines.slice();
    l[1000] += ' '.repeat(++k % 3);
    return l.join('\n');
  };
  const full = time(() => { analyze(edited()); }, 41);
  const incremental = time(() => { previous = analyze(edited(), { previous }); }, 41);
  console.log(`core: re-check after a keystroke, ${lines.length}-line document`);
  console.log(`  full check ${full.toFixed(2)} ms, with the previous analysis (unchanged lines not parsed again) ${incremental.toFixed(2)} ms (medians of 41)`);
}

/**
 * About n characters: a segment lost and never resent, then segments that are each sent twice. The
 * receiver holds every one (out of order), and each copy is looked up among those it holds.
 */
function heldQueue(n: number): string {
  const lines = ['C->S SYN seq=0', 'S->C SYN ACK seq=0 ack=1', 'C->S ACK seq=1 ack=1', 'C-xS ACK seq=1 ack=1 len=10'];
  let size = 0;
  for (let seq = 11; size < n; seq += 10) {
    const line = `C->S ACK seq=${seq} ack=1 len=10`;
    lines.push(line, line);
    size += 2 * line.length + 2;
  }
  return lines.join('\n') + '\n';
}

/** Hostile inputs at two sizes: a ratio near 2 for twice the input shows linear time. */
export function runScaling(): void {
  const junk = (n: number) => {
    let x = 7;
    let out = '';
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      out += String.fromCharCode(x >>> 24);
    }
    return out;
  };
  const inputs: [string, (n: number) => string, number][] = [
    ['one long line', (n) => 'C->S ACK ' + 'SYN '.repeat(n / 4), 1 << 20],
    ['many lines', (n) => 'C->S SYN seq=0\n' + 'C->S ACK seq=1 ack=1\n'.repeat(n / 21), 200000 * 21],
    ['nested par', (n) => 'par\n'.repeat(n / 8) + 'end\n'.repeat(n / 8), 400000],
    ['binary junk', junk, 1 << 20],
    ['held queue', heldQueue, 2_000_000],
  ];
  console.log('core: hostile inputs, time at size n and 2n (linear time gives a ratio near 2)');
  for (const [name, make, n] of inputs) {
    const a = make(n);
    const b = make(2 * n);
    const ta = time(() => { analyze(a); }, 3);
    const tb = time(() => { analyze(b); }, 3);
    console.log(`  ${name}: ${(a.length / 1e6).toFixed(1)} MB ${ta.toFixed(0)} ms, ${(b.length / 1e6).toFixed(1)} MB ${tb.toFixed(0)} ms, ratio ${(tb / ta).toFixed(2)}`);
  }
}

if (require.main === module) {
  runTyping();
  run();
  runScaling();
}
