// Capture import at scale: a real kernel's long transfer (>= 100,000 packets) read, converted and
// checked in-process, timed against `tshark -r FILE -q -z expert` on the same file, and the two
// compared on what they notice: retransmissions, out-of-order segments, keep-alives, duplicate ACKs.
//
// The capture is made once with the real kernel (a private network namespace, tcpdump on its
// loopback, snaplen 96) into out/bench/; without root, tcpdump or `ip`, it is synthesised from the
// pattern of the bulk fixture instead, and the output says so.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from '../../src/core';
import { convertConnection, readCapture, readFrames, splitConnections } from '../../src/capture';

const REPO = path.resolve(__dirname, '..', '..', '..');
const OUT_DIR = path.join(REPO, 'out', 'bench');
const KERNEL_CAPTURE = path.join(OUT_DIR, 'long-transfer.pcap');
const SYNTHETIC_CAPTURE = path.join(OUT_DIR, 'long-transfer-synthetic.pcap');
const SCENARIOS = path.join(REPO, 'test', 'fixtures', 'captures', 'scenarios.py');
const MIN_PACKETS = 100_000;
/** After the first run: runs that warm up (not shown), then runs whose median is shown (as the core bench). */
const WARM_UP_RUNS = 4;
const WARM_RUNS = 7;
/** tshark runs, whose median is shown. */
const TSHARK_RUNS = 3;
const OCTETS = 50_000_000;
/** The capture under load: a transfer ten times as long, made the same way (see runUnderLoad). */
const UNDER_LOAD_CAPTURE = path.join(OUT_DIR, 'under-load.pcap');
const UNDER_LOAD_OCTETS = 500_000_000;

type Kind = 'retransmission' | 'out-of-order' | 'keep-alive' | 'duplicate-ack';
const KINDS: Kind[] = ['retransmission', 'out-of-order', 'keep-alive', 'duplicate-ack'];

export async function run(): Promise<void> {
  console.log('\n== capture import (tcpseq import vs tshark -z expert)');
  const made = makeCapture();
  if (!made) return;
  const { file, how } = made;
  const bytes = new Uint8Array(fs.readFileSync(file));

  // tcpseq, in-process: read, convert, check. The first run is what `tcpseq import` does once in
  // a fresh process (the compiler still at work); the runs after a few more show the steady pace
  // (what a second import in the same editor session pays).
  const runs: Timing[] = [];
  let read!: ReturnType<typeof readCapture>;
  let text = '';
  let analysis!: ReturnType<typeof analyze>;
  for (let i = 0; i < 1 + WARM_UP_RUNS + WARM_RUNS; i++) {
    const t0 = performance.now();
    read = readCapture(bytes);
    const t1 = performance.now();
    const connection = splitConnections(read)[0];
    // The parse is made while the document is written, as Import Capture does (see parseWritten).
    const converted = convertConnection(connection, { relative: true, parse: true });
    text = converted.text;
    const t2 = performance.now();
    analysis = analyze(text, { parsed: converted.parsed });
    const t3 = performance.now();
    runs.push({ read: t1 - t0, convert: t2 - t1, check: t3 - t2, total: t3 - t0 });
  }
  // What tcpseq noticed, from the timeline (made after the timing: a check does not record it).
  const ours = countRemarks(analysis.timeline.events.flatMap((e) => e.segment?.remarks ?? []));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const warnings = analysis.diagnostics.filter((d) => d.severity === 'warning');
  const first = runs[0];
  const steady = median(runs.slice(1 + WARM_UP_RUNS));

  // The whole command, as tshark is timed: process start to exit, document written and checked.
  const cli = path.join(REPO, 'dist', 'cli.js');
  const document = path.join(OUT_DIR, 'long-transfer.tcpseq');
  const commandTimes: number[] = [];
  for (let i = 0; i < TSHARK_RUNS; i++) {
    const s0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'import', file, '--relative', '-o', document, '--check'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    commandTimes.push(performance.now() - s0);
    if (r.error || r.status !== 0) {
      console.log(`tcpseq import --check failed: ${r.error?.message ?? r.stderr}`);
      break;
    }
  }
  const commandMedian = middle(commandTimes);

  // tshark on the same file, a few times (each run is a fresh process).
  const tsharkTimes: number[] = [];
  let tshark!: ReturnType<typeof spawnSync>;
  for (let i = 0; i < TSHARK_RUNS; i++) {
    const s0 = performance.now();
    tshark = spawnSync('tshark', ['-r', file, '-q', '-z', 'expert'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    tsharkTimes.push(performance.now() - s0);
    if (tshark.error || tshark.status !== 0) break;
  }

  console.log(`capture: ${path.relative(REPO, file)} (${how}), ${read.packetCount} TCP segments, ${(bytes.length / 1e6).toFixed(1)} MB`);
  console.log(`tcpseq, first run:  read ${ms(first.read)}, convert (text and parse) ${ms(first.convert)}, check ${ms(first.check)}; total ${ms(first.total)}`);
  console.log(`tcpseq, warm (median of ${WARM_RUNS} after ${1 + WARM_UP_RUNS}): read ${ms(steady.read)}, convert (text and parse) ${ms(steady.convert)}, check ${ms(steady.check)}; total ${ms(steady.total)}`);
  console.log(`        ${text.split('\n').length} lines; ${errors.length} errors, ${warnings.length} warnings`);
  for (const d of [...errors, ...warnings].slice(0, 5)) console.log(`        line ${d.range.start.line + 1}: ${d.severity}: ${d.message}`);
  if (tshark.error || tshark.status !== 0) {
    console.log(`tshark: not run (${tshark.error ? tshark.error.message : String(tshark.stderr).trim().split('\n').pop()})`);
    return;
  }
  const theirs = countExpert(String(tshark.stdout));
  const tsharkMedian = middle(tsharkTimes);
  console.log(`tshark -q -z expert: ${tsharkTimes.map(ms).join(', ')}; median ${ms(tsharkMedian)}`);
  console.log(`ratio: tcpseq is ${(tsharkMedian / first.total).toFixed(1)}x faster than tshark on its first run, ${(tsharkMedian / steady.total).toFixed(1)}x warm (target >= 10x)`);
  console.log(`whole command, process start to exit: tcpseq import --relative -o OUT --check ${commandTimes.map(ms).join(', ')}; median ${ms(commandMedian)}, ${(tsharkMedian / commandMedian).toFixed(1)}x faster than tshark`);
  console.log('          kind                tcpseq   tshark');
  for (const kind of KINDS) {
    const mark = ours[kind] === theirs[kind] ? '' : '   <- differ';
    console.log(`          ${kind.padEnd(18)} ${String(ours[kind]).padStart(7)}  ${String(theirs[kind]).padStart(7)}${mark}`);
  }
}

/**
 * At scale: a 500 MB transfer (over a million packets), which loads loopback and tcpdump enough
 * that the capture shows segments out of order and segments it missed. One run of the whole command
 * and one of tshark: what a user waits for, and whether the document checks clean.
 */
export function runUnderLoad(): void {
  console.log('\n== capture under load (tcpseq import --check vs tshark -z expert, one run each)');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  let how = 'made earlier';
  if (!fs.existsSync(UNDER_LOAD_CAPTURE)) {
    const why = captureWithKernel(UNDER_LOAD_CAPTURE, UNDER_LOAD_OCTETS);
    if (why !== undefined) {
      console.log(`not run: ${why}`);
      return;
    }
    how = 'made now';
  }
  const cli = path.join(REPO, 'dist', 'cli.js');
  const document = path.join(OUT_DIR, 'under-load.tcpseq');
  const t0 = performance.now();
  const ours = spawnSync(process.execPath, [cli, 'import', UNDER_LOAD_CAPTURE, '--relative', '-o', document, '--check'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const oursMs = performance.now() - t0;
  if (ours.error || ours.status === 2) {
    console.log(`tcpseq import --check failed: ${ours.error?.message ?? ours.stderr}`);
    return;
  }
  const problems = ours.stdout.split('\n').filter((l) => /: (error|warning): /.test(l));
  const packets = /, (\d+) packets/.exec(fs.readFileSync(document, 'utf8').slice(0, 500))?.[1] ?? '?';
  const t1 = performance.now();
  const tshark = spawnSync('tshark', ['-r', UNDER_LOAD_CAPTURE, '-q', '-z', 'expert'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const tsharkMs = performance.now() - t1;
  console.log(`capture: ${path.relative(REPO, UNDER_LOAD_CAPTURE)} (real kernel, ${how}), ${packets} packets, ${(fs.statSync(UNDER_LOAD_CAPTURE).size / 1e6).toFixed(0)} MB`);
  console.log(`tcpseq import --relative -o OUT --check: ${ms(oursMs)}, process start to exit; ${problems.length} errors and warnings`);
  for (const line of ours.stderr.trim().split('\n').filter(Boolean)) console.log(`        ${line}`);
  for (const line of problems.slice(0, 5)) console.log(`        ${line}`);
  if (tshark.error || tshark.status !== 0) {
    console.log(`tshark: not run (${tshark.error ? tshark.error.message : String(tshark.stderr).trim().split('\n').pop()})`);
    return;
  }
  console.log(`tshark -q -z expert: ${ms(tsharkMs)}; tcpseq is ${(tsharkMs / oursMs).toFixed(1)}x faster`);
}

interface Timing { read: number; convert: number; check: number; total: number }

/** The median of a few times. */
function middle(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** Each phase's median over the runs (and the median total, not the sum of medians). */
function median(runs: readonly Timing[]): Timing {
  return {
    read: middle(runs.map((r) => r.read)), convert: middle(runs.map((r) => r.convert)),
    check: middle(runs.map((r) => r.check)), total: middle(runs.map((r) => r.total)),
  };
}

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

function countRemarks(remarks: readonly string[]): Record<Kind, number> {
  const counts: Record<Kind, number> = { retransmission: 0, 'out-of-order': 0, 'keep-alive': 0, 'duplicate-ack': 0 };
  for (const r of remarks) {
    if (r === 'retransmission' || r === 'spurious-retransmission') counts.retransmission++;
    else if (r === 'out-of-order' || r === 'keep-alive' || r === 'duplicate-ack') counts[r]++;
  }
  return counts;
}

/** Sums the frequencies of tshark's expert lines by kind (`   12   Sequence   TCP   Duplicate ACK (#1)`). */
function countExpert(output: string): Record<Kind, number> {
  const counts: Record<Kind, number> = { retransmission: 0, 'out-of-order': 0, 'keep-alive': 0, 'duplicate-ack': 0 };
  for (const line of output.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+TCP\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    const summary = m[2].toLowerCase();
    if (/retransmission/.test(summary)) counts.retransmission += n;
    else if (/out-of-order/.test(summary)) counts['out-of-order'] += n;
    else if (/keep-alive/.test(summary) && !/keep-alive ack/.test(summary)) counts['keep-alive'] += n;
    else if (/duplicate ack/.test(summary)) counts['duplicate-ack'] += n;
  }
  return counts;
}

/** The kernel's capture (made once), or a synthetic one where the kernel route is closed. */
function makeCapture(): { file: string; how: string } | undefined {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  if (packetsIn(KERNEL_CAPTURE) >= MIN_PACKETS) return { file: KERNEL_CAPTURE, how: 'real kernel, made earlier' };
  const why = captureWithKernel(KERNEL_CAPTURE, OCTETS);
  if (why === undefined && packetsIn(KERNEL_CAPTURE) >= MIN_PACKETS) return { file: KERNEL_CAPTURE, how: 'real kernel, made now' };
  console.log(`kernel capture not possible (${why ?? `fewer than ${MIN_PACKETS} packets`}): synthesising from bulk.pcap's pattern`);
  synthesise(SYNTHETIC_CAPTURE);
  return { file: SYNTHETIC_CAPTURE, how: 'synthesised from the bulk fixture' };
}

function packetsIn(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return readFrames(new Uint8Array(fs.readFileSync(file))).frames.length;
}

/** netns + tcpdump -i lo on a transfer of `octets` in 500-octet segments, into `file`. Returns why it failed, if it did. */
function captureWithKernel(file: string, octets: number): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const tool of ['tcpdump', 'ip', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} missing`;
  }
  const ns = `tcpseq-bench-${process.pid}`;
  const tmp = `${file}.tmp`;
  // The same steps as make-captures.sh: private namespace, loopback only, one segment per packet.
  const script = `
    set -e
    ip netns add ${ns}
    trap 'kill $dump 2>/dev/null || true; ip netns del ${ns} 2>/dev/null || true' EXIT
    ip netns exec ${ns} ip link set lo up
    ip netns exec ${ns} ip link set dev lo gso_max_segs 1
    ip netns exec ${ns} tcpdump -i lo -U -B 65536 -n -s 96 -w '${tmp}' 'tcp port 8080' 2>'${tmp}.log' &
    dump=$!
    sleep 1
    ip netns exec ${ns} python3 '${SCENARIOS}' long-transfer ${octets}
    sleep 2
    kill $dump 2>/dev/null || { cat '${tmp}.log' >&2; exit 1; }
    wait $dump 2>/dev/null || true
    tail -3 '${tmp}.log'; rm -f '${tmp}.log'
  `;
  console.log('making the benchmark capture with the kernel (once; kept in out/bench/)...');
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return `capture script failed: ${(r.stderr || String(r.error ?? `status ${r.status}`)).trim().split('\n').pop()}`;
  console.log(r.stdout.trim().replace(/^/gm, '  tcpdump: '));
  fs.renameSync(tmp, file);
  return undefined;
}

/**
 * Without the kernel: repeats the data/ACK pattern of the bulk fixture's transfer (its segment
 * sizes, its ACK rhythm, its timing) until there are enough packets, with numbers continuing.
 */
function synthesise(file: string): void {
  const source = new Uint8Array(fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'captures', 'bulk.pcap')));
  const frames = readFrames(source).frames;
  const packets = readCapture(source).packets;
  const first = packets.findIndex((p, i) => i > 4 && p.payloadLength > 0 && p.srcPort === 8080);
  const last = packets.findIndex((p) => p.flags & 0x01) - 1; // before the first FIN
  const pattern = frames.slice(first, last);
  const head = frames.slice(0, first);
  const tail = frames.slice(last);
  const octetsPerRound = pattern.reduce((n, f, i) => n + (packets[first + i].srcPort === 8080 ? packets[first + i].payloadLength : 0), 0);
  const rounds = Math.ceil(MIN_PACKETS / pattern.length);
  const records: Uint8Array[] = [source.subarray(0, 24)];
  const micros = (f: { seconds: number; nanos: number }) => f.seconds * 1e6 + Math.floor(f.nanos / 1000);
  // Each round starts where the previous one ended, so time keeps going forward.
  const roundMicros = micros(pattern[pattern.length - 1]) - micros(pattern[0]) + 100;
  const put = (data: Uint8Array, shift: number, round: number, at: number) => {
    const copy = data.slice();
    const v = new DataView(copy.buffer);
    // Ethernet 14 + IPv4 20: seq at 38, ack at 42. The server's seq and the client's ack move on.
    const fromServer = v.getUint16(34) === 8080;
    if (fromServer) v.setUint32(38, (v.getUint32(38) + shift) >>> 0);
    else v.setUint32(42, (v.getUint32(42) + shift) >>> 0);
    const header = new Uint8Array(16);
    const h = new DataView(header.buffer);
    const time = at + round * roundMicros;
    h.setUint32(0, Math.floor(time / 1e6), true);
    h.setUint32(4, time % 1e6, true);
    h.setUint32(8, copy.length, true);
    h.setUint32(12, copy.length, true);
    records.push(header, copy);
  };
  for (const f of head) put(f.data, 0, 0, micros(f));
  for (let r = 0; r < rounds; r++) {
    for (const f of pattern) put(f.data, r * octetsPerRound, r, micros(f));
  }
  for (const f of tail) put(f.data, (rounds - 1) * octetsPerRound, rounds - 1, micros(f));
  fs.writeFileSync(file, Buffer.concat(records));
}
