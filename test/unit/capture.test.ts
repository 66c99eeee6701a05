// Captures of real Linux connections (test/fixtures/captures, made by make-captures.sh) import
// into documents that the checker accepts without an error or a warning.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { analyze, parse } from '../../src/core';
import type { Analysis, ParsedDocument, SegmentStatement, TcpState } from '../../src/core';
import type { TcpPacket } from '../../src/capture';
import { CaptureConnection, connectionOutcome, convertCapture, readCapture, readFrames, splitConnections } from '../../src/capture';
import { gunzipCapture } from '../../src/capture/gunzip';
import { rng } from './random';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CAPTURES = path.join(REPO, 'test', 'fixtures', 'captures');
const CLI = path.join(REPO, 'dist', 'cli.js');

const captureFiles = fs.readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

function load(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(CAPTURES, name)));
}

/** Two pcap files (same header) as one: the second's records after the first's. */
function concatCaptures(first: Uint8Array, second: Uint8Array): Uint8Array {
  const both = new Uint8Array(first.length + second.length - 24);
  both.set(first);
  both.set(second.subarray(24), first.length);
  return both;
}

/** A little-endian pcap with each frame cut to `snaplen` octets, as `tcpdump -s` would have. */
function withSnaplen(bytes: Uint8Array, snaplen: number): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
  const parts = [bytes.slice(0, 24)];
  new DataView(parts[0].buffer).setUint32(16, snaplen, true);
  for (let at = 24; at < bytes.length;) {
    const length = v.getUint32(at + 8, true);
    const kept = Math.min(length, snaplen);
    const record = bytes.slice(at, at + 16 + kept);
    new DataView(record.buffer).setUint32(8, kept, true);
    parts.push(record);
    at += 16 + length;
  }
  return new Uint8Array(Buffer.concat(parts));
}

function importText(bytes: Uint8Array, relative = false): string {
  const read = readCapture(bytes);
  assert.equal(read.error, undefined, `read error: ${read.error}`);
  const result = convertCapture(read, { relative });
  assert.ok(typeof result !== 'string', String(result));
  return result.text;
}

/** Errors and warnings, with the line they are on, for readable failures. */
function problems(text: string, analysis: Analysis = analyze(text)): string[] {
  const lines = text.split('\n');
  return analysis.diagnostics
    .filter((d) => d.severity !== 'information')
    .map((d) => `line ${d.range.start.line + 1}: ${d.severity}: ${d.message} [${d.code}]\n    ${lines[d.range.start.line]}`);
}

/** Each endpoint's state after the last line. */
function finalStates(analysis: Analysis): Record<string, TcpState> {
  const last = analysis.timeline.events[analysis.timeline.events.length - 1];
  return Object.fromEntries(last.after.map((s) => [s.endpoint, s.state]));
}

function statesVisited(analysis: Analysis, endpoint: string): TcpState[] {
  return analysis.timeline.events.flatMap((e) => e.transitions.filter((t) => t.endpoint === endpoint).map((t) => t.to));
}

function remarks(analysis: Analysis): string[] {
  return analysis.timeline.events.flatMap((e) => e.segment?.remarks ?? []);
}

describe('capture fixtures from a real kernel', () => {
  it('the folder holds every scenario, as pcap and some as pcapng', () => {
    for (const name of ['normal', 'normal-ipv6', 'server-close', 'half-close', 'refused', 'abort', 'bulk', 'keepalive', 'zero-window', 'syn-retransmission', 'port-reuse', 'offload', 'congestion-sender', 'congestion-receiver', 'congestion-both-ways', 'last-ack-lost', 'syn-ack-lost', 'any-bridge', 'any-bridge-sll', 'simultaneous-close', 'connect-timeout', 'peer-gone', 'pmtu-black-hole', 'pmtu-black-hole-client']) {
      assert.ok(captureFiles.includes(`${name}.pcap`), `${name}.pcap is missing`);
    }
    assert.ok(captureFiles.filter((f) => f.endsWith('.pcapng')).length >= 3);
  });

  for (const file of captureFiles) {
    for (const relative of [false, true]) {
      it(`${file}${relative ? ' --relative' : ''}: imports and checks with no error or warning`, () => {
        const result = convertCapture(readCapture(load(file)), { relative });
        assert.ok(typeof result !== 'string');
        const text = result.text;
        assert.deepEqual(problems(text), [], text);
        // Packets captured twice (any-bridge*.pcap: on two interfaces) are written once.
        const copies = Number(/^(\d+) packets? w(?:as|ere) captured twice/m.exec(result.warnings.join('\n'))?.[1] ?? 0);
        // Parts after the first of a segment cut in parts (offload.pcap) are not segments of their
        // own; nor are segments the capture lacks (congestion-receiver.pcap: dropped on their way).
        const segmentLines = text.split('\n').filter((l) => /^[CS](->|~>|-x)[CS] /.test(l) && !/, part ([2-9]|\d\d+) of /.test(l) && !/ : not captured /.test(l)).length;
        const read = readCapture(load(file));
        assert.equal(segmentLines, read.packetCount - copies, 'one line per captured segment');
      });
    }
  }

  it('normal exchange: the client closes first and ends in TIME-WAIT, the server CLOSED', () => {
    const a = analyze(importText(load('normal.pcap'), true));
    assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'CLOSED' });
    assert.deepEqual(statesVisited(a, 'C'), ['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
  });

  it('normal exchange over IPv6: participants are written [address]:port', () => {
    const text = importText(load('normal-ipv6.pcap'));
    assert.match(text, /^participant C as \[::1\]:40000$/m);
    assert.match(text, /^participant S as \[::1\]:8080$/m);
    assert.deepEqual(finalStates(analyze(text)), { C: 'TIME-WAIT', S: 'CLOSED' });
  });

  it('server-first close: the server passes through FIN-WAIT-1 to TIME-WAIT', () => {
    const a = analyze(importText(load('server-close.pcap')));
    assert.deepEqual(finalStates(a), { C: 'CLOSED', S: 'TIME-WAIT' });
    assert.ok(statesVisited(a, 'C').includes('CLOSE-WAIT'));
  });

  it('half-close: the server sends data while the client is in FIN-WAIT-2', () => {
    const text = importText(load('half-close.pcap'), true);
    const a = analyze(text);
    const finLine = a.timeline.events.find((e) => e.segment?.from === 'C' && e.segment.flags.includes('FIN'))!.line;
    const dataAfterFin = a.timeline.events.filter((e) => e.line > finLine && e.segment?.from === 'S' && e.segment.len > 0);
    assert.ok(dataAfterFin.length >= 3, text);
    const clientStates = dataAfterFin.map((e) => e.before.find((s) => s.endpoint === 'C')!.state);
    assert.ok(clientStates.every((s) => s === 'FIN-WAIT-1' || s === 'FIN-WAIT-2'), clientStates.join());
    assert.ok(clientStates.filter((s) => s === 'FIN-WAIT-2').length >= 2, clientStates.join());
    assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'CLOSED' });
  });

  it('refused: the server is set CLOSED and its RST closes the client', () => {
    const text = importText(load('refused.pcap'), true);
    assert.match(text, /^S: CLOSED$/m);
    assert.match(text, /^S->C RST ACK seq=0 ack=x\+1/m);
    assert.deepEqual(finalStates(analyze(text)), { C: 'CLOSED', S: 'CLOSED' });
  });

  it('abort with SO_LINGER 0: a RST closes both sides without a FIN', () => {
    const text = importText(load('abort.pcap'));
    assert.doesNotMatch(text, /FIN/);
    assert.deepEqual(finalStates(analyze(text)), { C: 'CLOSED', S: 'CLOSED' });
  });

  it('keep-alive: the checker recognises every probe, and idle time becomes wait lines', () => {
    const text = importText(load('keepalive.pcap'), true);
    const a = analyze(text);
    assert.ok(remarks(a).filter((r) => r === 'keep-alive').length >= 2, text);
    assert.ok((text.match(/^wait 1(\.\d+)? s$/gm) ?? []).length >= 2, text);
  });

  it('zero window: the client advertises win=0, the server probes it, and the transfer goes on when it reopens', () => {
    const text = importText(load('zero-window.pcap'), true);
    const a = analyze(text);
    assert.match(text, /^C->S ACK seq=x\+\d+ ack=y\+\d+ win=0 /m);
    assert.ok(remarks(a).filter((r) => r === 'window-probe').length >= 2, text);
    assert.equal(remarks(a).filter((r) => r === 'keep-alive').length, 0, text);
    // The server closes once all is sent: it ends in TIME-WAIT.
    assert.deepEqual(finalStates(a), { C: 'CLOSED', S: 'TIME-WAIT' });
  });

  it('SYN retransmission: SYNs dropped by a full accept queue are lost, the last one opens the connection', () => {
    const text = importText(load('syn-retransmission.pcap'), true);
    const syns = text.split('\n').filter((l) => /^C\S+S SYN seq=x /.test(l));
    assert.ok(syns.length >= 3, text);
    assert.ok(syns.slice(0, -1).every((l) => l.startsWith('C-xS ')) && syns[syns.length - 1].startsWith('C->S '), text);
    const a = analyze(text);
    assert.equal(remarks(a).filter((r) => r === 'retransmission').length, syns.length - 1);
    assert.ok(statesVisited(a, 'C').includes('ESTABLISHED') && statesVisited(a, 'S').includes('ESTABLISHED'));
  });

  it('offload: segments of many MSS, captured at the sender, are written in the parts the receiver acknowledged', () => {
    const read = readCapture(load('offload.pcap'));
    const mss = read.packets.find((p) => p.srcPort === 40000 && p.mss !== undefined)!.mss!;
    const large = read.packets.filter((p) => p.payloadLength > mss);
    assert.ok(large.length >= 5, 'the capture shows segments larger than the MSS');
    const result = convertCapture(read, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.ok(result.warnings.some((w) => /written in parts/.test(w)), result.warnings.join('\n'));
    const lines = result.text.split('\n');
    for (const p of large) {
      // Its parts: in order, consecutive, adding up to the segment; the last keeps PSH.
      const parts = lines.filter((l) => l.includes(`# frame ${p.frame}, part `));
      assert.ok(parts.length >= 2, `frame ${p.frame} is cut`);
      const lens = parts.map((l) => Number(/ len=(\d+)/.exec(l)![1]));
      assert.equal(lens.reduce((a, b) => a + b, 0), p.payloadLength);
      assert.ok(parts.every((l, k) => l.includes(`part ${k + 1} of ${parts.length},`)), parts.join('\n'));
      if (p.flags & 0x08) assert.match(parts[parts.length - 1], / PSH /);
      assert.ok(parts.slice(0, -1).every((l) => !/ (PSH|FIN) /.test(l)), parts.join('\n'));
    }
    assert.deepEqual(problems(result.text), []);
  });

  it('a snapshot length that cuts the SYNs\' options: no win= (the window scale is unknown), and no window warning', () => {
    // offload.pcap's receiver scales its window: read unscaled, every data segment would exceed it.
    const cut = withSnaplen(load('offload.pcap'), 54); // Ethernet, IPv4 and the TCP header without options
    const read = readCapture(cut);
    assert.equal(read.error, undefined);
    assert.equal(read.packets.find((p) => p.flags & 0x02)?.wscale, undefined, 'the window scale was cut');
    const result = convertCapture(read, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.ok(result.warnings.some((w) => /snapshot length cut the options of a SYN/.test(w)), result.warnings.join('\n'));
    assert.doesNotMatch(result.text, / win=/);
    assert.deepEqual(problems(result.text), []);
    // The same capture whole writes the window.
    assert.match(importText(load('offload.pcap')), / win=/);
  });

  it('IPv6 under the old default snapshot length (68 octets): seq, ack and flags are there, so every packet is written, without win=', () => {
    // Ethernet and IPv6 take 54 of the 68 octets: 14 of the TCP header are left, up to its flags.
    const whole = importText(load('normal-ipv6.pcap'), true);
    const read = readCapture(withSnaplen(load('normal-ipv6.pcap'), 68));
    assert.deepEqual([read.error, read.warnings], [undefined, []]);
    assert.ok(read.packets.every((p) => p.window === -1), 'the window is unknown');
    const result = convertCapture(read, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.doesNotMatch(result.text, / win=/);
    assert.deepEqual(problems(result.text), []);
    // The same lines as the whole capture's, less their windows and the SYNs' options.
    const segmentLines = (text: string) => text.split('\n').filter((l) => /^[CS]->/.test(l)).map((l) => l.replace(/ (win|mss|wscale)=\d+| sackok/g, ''));
    assert.deepEqual(segmentLines(result.text), segmentLines(whole));
    // Two octets fewer cut the flags: those packets are skipped, as they were before.
    assert.equal(readCapture(withSnaplen(load('normal-ipv6.pcap'), 66)).packetCount, 0);
  });

  it('port reuse: a new SYN reaches the server in TIME-WAIT and opens a new incarnation (RFC 1122 4.2.2.13)', () => {
    const text = importText(load('port-reuse.pcap'), true);
    const a = analyze(text);
    assert.equal((text.match(/^C->S SYN /gm) ?? []).length, 2);
    // The new incarnation's numbers count from its own ISNs, as x2 and y2.
    assert.match(text, /^C->S SYN seq=x2 /m);
    assert.match(text, /^S->C SYN ACK seq=y2 ack=x2\+1 /m);
    assert.ok(remarks(a).includes('reincarnation'), text);
    const server = statesVisited(a, 'S');
    const reopened = server.indexOf('TIME-WAIT');
    assert.ok(reopened >= 0 && server.slice(reopened + 1).includes('ESTABLISHED'), server.join(' '));
    assert.deepEqual(finalStates(a), { C: 'CLOSED', S: 'TIME-WAIT' });
  });

  it('last ACK lost: the server resends its FIN from LAST-ACK after a wait, and the client in TIME-WAIT acknowledges it again', () => {
    const text = importText(load('last-ack-lost.pcap'), true);
    // Captured at the client: its ACK of the FIN was seen, then lost on its way (-x, not moved).
    assert.match(text, /^S->C FIN ACK seq=y\+26 ack=x\+20 .*\nC-xS ACK seq=x\+20 ack=y\+27 .*\nwait \d+ ms\nS->C FIN ACK seq=y\+26 ack=x\+20 .*\nC->S ACK seq=x\+20 ack=y\+27 /m);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    assert.ok(statesVisited(a, 'S').includes('LAST-ACK'));
    const resent = a.timeline.events.filter((e) => e.segment?.from === 'S' && e.segment.flags.includes('FIN'))[1];
    assert.ok(resent.segment!.remarks.includes('retransmission'));
    assert.equal(resent.before.find((s) => s.endpoint === 'C')!.state, 'TIME-WAIT');
    assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'CLOSED' });
  });

  it('SYN,ACK lost: captured at the server, the first SYN arrived; the client\'s second SYN comes after the server\'s timer, in capture order', () => {
    const text = importText(load('syn-ack-lost.pcap'), true);
    const frames = framesInOrder(text);
    assert.deepEqual(frames, [...frames].sort((x, y) => x - y));
    assert.match(text, /^C->S SYN seq=x .*# frame 1,.*\nS-xC SYN ACK seq=y ack=x\+1 .*\nwait [\d.]+ m?s\n/m);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    const syns = a.timeline.events.filter((e) => e.segment?.from === 'C' && e.segment.flags.includes('SYN'));
    assert.equal(syns.length, 2);
    assert.equal(syns[0].after.find((s) => s.endpoint === 'S')!.state, 'SYN-RECEIVED', 'the server answers the first SYN');
    assert.ok(syns[1].segment!.remarks.includes('retransmission'));
    assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'CLOSED' });
  });

  it('tcpdump -i any on a bridge: each packet, seen on both ports, is written once (Linux cooked v2 and v1, and pcapng with two interfaces)', () => {
    for (const file of ['any-bridge.pcap', 'any-bridge-sll.pcap', 'any-bridge.pcapng']) {
      const read = readCapture(load(file));
      assert.equal(read.packetCount, 20, file);
      const result = convertCapture(read, { relative: true });
      assert.ok(typeof result !== 'string');
      assert.ok(result.warnings.includes('10 packets were captured twice (the same packet on two interfaces, as `tcpdump -i any` shows a bridged or forwarded one); each is written once'), result.warnings.join('\n'));
      // The first capture of each is kept: in the pcap files, frames 1, 3, 5...; dumpcap writes
      // each interface's packets in runs, and the earlier copy may come from either.
      const kept = framesInOrder(result.text);
      if (file.endsWith('.pcap')) assert.deepEqual(kept, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19], file);
      const time = (frame: number) => { const p = read.packets[frame - 1]; return p.seconds + p.nanos / 1e9; };
      assert.equal(new Set(kept).size, 10, file);
      assert.deepEqual(kept.map(time), [...kept.map(time)].sort((x, y) => x - y), file);
      const a = analyze(result.text);
      assert.deepEqual(problems(result.text, a), []);
      assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'CLOSED' });
    }
    // Two packets alike seen at one place are two packets: syn-ack-lost.pcap's client acknowledges
    // both SYN,ACKs that reached it with the same ACK, and both are written.
    assert.equal((importText(load('syn-ack-lost.pcap'), true).match(/^C->S ACK seq=x\+1 ack=y\+1 /gm) ?? []).length, 2);
  });

  it('bulk transfer: several segments are in flight before an ACK, with small MSS', () => {
    const text = importText(load('bulk.pcap'), true);
    assert.match(text, /mss=1000/);
    // Three or more data segments of the server between two of the client's lines.
    const senders = text.split('\n').filter((l) => /^[CS]/.test(l) && !/^[CS]:/.test(l)).map((l) => l[0] + (/len=/.test(l) ? 'd' : ''));
    assert.match(senders.join(' '), /(Sd ){3,}/);
    assert.deepEqual(finalStates(analyze(text)), { C: 'CLOSED', S: 'TIME-WAIT' });
  });

  it('simultaneous close: the FINs cross (one written ~>), both sides pass through CLOSING', () => {
    const text = importText(load('simultaneous-close.pcap'), true);
    assert.match(text, /^C~>S FIN ACK/m);
    const a = analyze(text);
    assert.ok(statesVisited(a, 'C').includes('CLOSING'), text);
    assert.ok(statesVisited(a, 'S').includes('CLOSING'), text);
    assert.deepEqual(finalStates(a), { C: 'TIME-WAIT', S: 'TIME-WAIT' });
  });

  it('pcapng copies (editcap) and the nanosecond pcap give the same document as the pcap', () => {
    const body = (t: string) => t.split('\n').slice(1).join('\n');
    for (const name of ['normal', 'half-close', 'bulk']) {
      assert.equal(body(importText(load(`${name}.pcapng`))), body(importText(load(`${name}.pcap`))), name);
    }
    assert.equal(body(importText(load('server-close-ns.pcap'))), body(importText(load('server-close.pcap'))));
    assert.equal(readFrames(load('normal.pcapng')).format, 'pcapng');
  });
});

/** The server's data segments of a capture, numbered from its ISN (relative), with their frames. */
function serverData(name: string): { frame: number; seq: number; end: number }[] {
  const packets = readCapture(load(name)).packets.filter((p) => p.srcPort === 8080);
  const isn = packets.find((p) => p.flags & 0x02)!.seq;
  return packets.filter((p) => p.payloadLength > 0)
    .map((p) => { const seq = (p.seq - isn + 2 ** 32) % 2 ** 32; return { frame: p.frame, seq, end: seq + p.payloadLength }; });
}

/** The frame numbers of a document's lines, in the document's order (parts and all). */
function framesInOrder(text: string): number[] {
  return [...text.matchAll(/# frame (\d+)/g)].map((m) => Number(m[1]));
}

describe('a bottleneck that drops: SACK recovery (congestion-sender.pcap, congestion-receiver.pcap)', () => {
  // One transfer through a router whose 50 Mbit/s queue drops parts of the sender's bursts,
  // captured at the sender (segments of many MSS: offload) or at the receiver (one MSS each).

  it('at the sender: a retransmission that starts or ends inside a segment sent whole cuts it there', () => {
    const data = serverData('congestion-sender.pcap');
    const text = importText(load('congestion-sender.pcap'), true);
    const lines = text.split('\n');
    // A part of `frame` that starts at `seq`, as the check needs (an original with the seq it repeats).
    const partAt = (frame: number, seq: number) => lines.some((l) => l.includes(` seq=y+${seq} `) && l.includes(`# frame ${frame}, part `));
    let highest = 0;
    let inside = 0;
    const resent: number[] = [];
    for (const [k, d] of data.entries()) {
      if (d.seq < highest) {
        resent.push(d.frame);
        for (const o of data.slice(0, k)) {
          if (o.seq < d.seq && d.seq < o.end) { inside++; assert.ok(partAt(o.frame, d.seq), `frame ${o.frame} is cut at y+${d.seq}, where frame ${d.frame} resends from`); }
          if (o.seq < d.end && d.end < o.end) { inside++; assert.ok(partAt(o.frame, d.end), `frame ${o.frame} is cut at y+${d.end}, where frame ${d.frame}'s resending ends`); }
        }
      }
      highest = Math.max(highest, d.end);
    }
    assert.ok(resent.length >= 5 && inside >= 5, `the capture shows retransmissions inside larger segments (${resent.length} retransmissions, ${inside} edges inside)`);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    // Every retransmission is recognised as one (some are written in parts, each one a retransmission).
    const recognised = a.timeline.events.filter((e) => e.segment?.remarks.includes('retransmission')).map((e) => Number(/# frame (\d+)/.exec(lines[e.line])![1]));
    assert.deepEqual([...new Set(recognised)].sort((x, y) => x - y), resent.sort((x, y) => x - y));
  });

  it('at the sender: written in the order captured, each retransmission after the duplicate ACKs that asked for it', () => {
    const text = importText(load('congestion-sender.pcap'), true);
    const frames = framesInOrder(text);
    assert.deepEqual(frames, [...frames].sort((x, y) => x - y));
    assert.ok(/^C->S ACK seq=x\+\d+ ack=(y\+\d+) .*\n(C->S ACK seq=x\+\d+ ack=\1 .*\n)+S[-~]>C ACK seq=\1 /m.test(text), 'duplicate ACKs, then the retransmission they ask for');
  });

  it('at the receiver: what the bottleneck dropped is missing, and what fills the gaps later is resent, not captured late', () => {
    const read = readCapture(load('congestion-receiver.pcap'));
    const result = convertCapture(read, { relative: true });
    assert.ok(typeof result !== 'string');
    const data = serverData('congestion-receiver.pcap');
    let highest = 0;
    let resent = 0;
    for (const d of data) {
      if (d.seq < highest) resent++;
      highest = Math.max(highest, d.end);
    }
    assert.ok(resent >= 5, `${resent} segments fill gaps`);
    const missing = (result.text.match(/ : not captured /g) ?? []).length;
    assert.ok(result.warnings.some((w) => w.startsWith(`${missing} segments were not captured`)), result.warnings.join('\n'));
    assert.ok(!result.warnings.some((w) => /out of order/.test(w)), result.warnings.join('\n'));
    const frames = framesInOrder(result.text);
    assert.deepEqual(frames, [...frames].sort((x, y) => x - y));
    const a = analyze(result.text);
    assert.deepEqual(problems(result.text, a), []);
    assert.equal(remarks(a).filter((r) => r === 'retransmission').length, resent);
  });
});

describe('a bottleneck both ways: data in both directions, lost in both (congestion-both-ways.pcap)', () => {
  // Both sides send 300,000 octets at once through 20 Mbit/s queues that drop, captured at the
  // server's host: it shows the client's segments that reached it, and its own before the router.

  it('each side\'s acks go up in the document as they did in the capture', () => {
    const text = importText(load('congestion-both-ways.pcap'), true);
    for (const side of ['C', 'S']) {
      const acks = text.split('\n').filter((l) => l.startsWith(side) && !/^[CS]:/.test(l) && / ack=/.test(l)).map((l) => Number(/ ack=[xy]\+(\d+)/.exec(l)?.[1] ?? 0));
      assert.ok(acks.length > 100);
      assert.deepEqual(acks.map((a, k) => (k > 0 && a < acks[k - 1] ? `line ${k}: ${acks[k - 1]} then ${a}` : '')).filter(Boolean), [], side);
    }
  });

  it('pure ACKs sent beyond octets their side lost reach the peer, and their windows count', () => {
    const text = importText(load('congestion-both-ways.pcap'), true);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    // The client's octets dropped on their way are missing (`-x`, not captured), and its pure ACKs
    // sent after them arrive (`->`) while the server's acks stay below them.
    assert.ok((text.match(/^C-xS ACK .* : not captured /gm) ?? []).length >= 5, 'octets of the client dropped before the capture');
    const lines = text.split('\n');
    let serverAck = 0;
    let beyond = 0;
    for (const l of lines) {
      const m = /^([CS])(->|~>|-x)[CS] ACK seq=[xy]\+(\d+)(?: ack=[xy]\+(\d+))?/.exec(l);
      if (!m) continue;
      if (m[1] === 'S' && m[4]) serverAck = Math.max(serverAck, Number(m[4]));
      else if (m[1] === 'C' && m[2] === '->' && !/ len=/.test(l) && Number(m[3]) > serverAck) beyond++;
    }
    assert.ok(beyond >= 5, `${beyond} pure ACKs of the client arrive beyond what the server acknowledged`);
  });
});

/** normal.pcap with the ack of frame 7 (the client's ACK of the server's reply) one higher. */
function wrongAckCapture(): Uint8Array {
  const bytes = load('normal.pcap');
  // TCP's ack field: Ethernet 14 + IPv4 20 + 8.
  const frame = readFrames(bytes).frames[6];
  const ackOffset = frame.data.byteOffset - bytes.byteOffset + 14 + 20 + 8;
  const changed = bytes.slice();
  changed[ackOffset + 3] = (changed[ackOffset + 3] + 1) & 0xff; // checksum left as it was
  return changed;
}

describe('excerpts of a capture under load (test/fixtures/captures/under-load)', () => {
  const UNDER_LOAD = path.join(CAPTURES, 'under-load');
  const excerpt = (name: string) => new Uint8Array(fs.readFileSync(path.join(UNDER_LOAD, name)));
  const files = fs.readdirSync(UNDER_LOAD).filter((f) => f.endsWith('.pcap')).sort();
  /** Each side's pure ACK lines' acks, in document order (`x+N` / `y+N` -> N). */
  const acksBySide = (text: string) => {
    const acks: Record<string, number[]> = { C: [], S: [] };
    for (const m of text.matchAll(/^([CS])\S+ ACK seq=\S+ ack=[xy]\+?(\d*)(?: win=\d+)?  #/gm)) acks[m[1]].push(Number(m[2] || 0));
    return acks;
  };
  const goesDown = (values: number[]) => values.some((v, i) => i > 0 && v < values[i - 1]);

  it('holds the three cases', () => {
    assert.deepEqual(files, ['acks-out-of-order.pcap', 'missing-resent-in-pieces.pcap', 'retransmission-overtakes.pcap']);
  });

  for (const file of files) {
    for (const relative of [false, true]) {
      it(`${file}${relative ? ' --relative' : ''}: imports and checks with no error or warning, one line per segment`, () => {
        const text = importText(excerpt(file), relative);
        assert.deepEqual(problems(text), [], text);
        assert.equal(text.split('\n').filter((l) => /^[CS](->|~>|-x)[CS] /.test(l) && !l.includes(': not captured')).length, readCapture(excerpt(file)).packetCount);
      });
    }
  }

  it("acks-out-of-order: the capture shows a side's acks going down; the document never does", () => {
    const { packets } = readCapture(excerpt('acks-out-of-order.pcap'));
    const pureAcksFrom = (port: number) => packets.filter((p) => p.payloadLength === 0 && p.srcPort === port).map((p) => p.ack);
    assert.ok(goesDown(pureAcksFrom(8080)) || goesDown(pureAcksFrom(40000)), 'the capture has pure ACKs out of order');
    const text = importText(excerpt('acks-out-of-order.pcap'), true);
    const acks = acksBySide(text);
    assert.ok(acks.C.length + acks.S.length > 20, text);
    assert.ok(!goesDown(acks.S) && !goesDown(acks.C), text);
  });

  it('missing-resent-in-pieces: the missing octets are written as two lines, each resent', () => {
    const text = importText(excerpt('missing-resent-in-pieces.pcap'), true);
    const lines = text.split('\n');
    const split = lines.findIndex((l, i) => l.includes(': not captured') && lines[i + 1]?.includes(': not captured'));
    assert.ok(split > 0, text);
    const analysis = analyze(text);
    const seqOf = (line: string) => /seq=(\S+)/.exec(line)![1];
    for (const missing of [lines[split], lines[split + 1]]) {
      const resent = analysis.diagnostics.some((d) => d.code === 'retransmission' && seqOf(lines[d.range.start.line]) === seqOf(missing));
      assert.ok(resent, `a retransmission of ${missing}`);
    }
  });

  it('retransmission-overtakes: the retransmission is written before segments sent (and captured) before it', () => {
    const text = importText(excerpt('retransmission-overtakes.pcap'), true);
    const lines = text.split('\n');
    const frameOf = (line: string) => Number(/# frame (\d+),/.exec(line)?.[1] ?? NaN);
    const retransmissions = analyze(text).diagnostics.filter((d) => d.code === 'retransmission').map((d) => d.range.start.line);
    const overtaking = retransmissions.filter((at) => lines.slice(at + 1, at + 40).some((l) => l[0] === lines[at][0] && frameOf(l) < frameOf(lines[at])));
    assert.ok(overtaking.length > 0, text);
    assert.match(lines[overtaking[0]], /^[CS]~>[CS] /);
  });
});

describe('an ack changed by one byte in the capture', () => {
  it('gives exactly one error, on that segment\'s line', () => {
    const bytes = load('normal.pcap');
    const changed = wrongAckCapture();
    const original = importText(bytes, true);
    const text = importText(changed, true);
    assert.notEqual(text, original);
    const errors = analyze(text).diagnostics.filter((d) => d.severity === 'error');
    const lineOf7 = text.split('\n').findIndex((l) => l.includes('# frame 7,'));
    assert.equal(errors.length, 1, problems(text).join('\n'));
    assert.equal(errors[0].range.start.line, lineOf7);
    assert.equal(errors[0].code, 'ack-mismatch');
    assert.deepEqual(problems(text).length, 1, 'and no warning');
  });
});

describe('conversion options', () => {
  const read = readCapture(load('bulk.pcap'));

  it('--limit writes the first N packets and says what was cut', () => {
    const result = convertCapture(read, { limit: 10 });
    assert.ok(typeof result !== 'string');
    const lines = result.text.split('\n');
    assert.equal(lines.filter((l) => /^[CS](->|~>|-x)[CS] /.test(l)).length, 10);
    assert.match(result.text, new RegExp(`${read.packetCount - 10} more are cut`));
    assert.deepEqual(problems(result.text), []);
  });

  it('absolute numbers by default, x+N and y+N with relative', () => {
    const abs = convertCapture(read, {}) as { text: string };
    const rel = convertCapture(read, { relative: true }) as { text: string };
    assert.match(abs.text, /^C->S SYN seq=\d+ /m);
    assert.match(rel.text, /^C->S SYN seq=x /m);
    assert.match(rel.text, /^S->C SYN ACK seq=y ack=x\+1 /m);
    assert.doesNotMatch(rel.text, /seq=\d/);
  });

  it('win is written as the field was sent (the model applies the window scale), and can be left out', () => {
    const rel = convertCapture(read, { relative: true }) as { text: string };
    assert.match(rel.text, /wscale=/);
    assert.match(rel.text, /^S->C .*win=64 /m, 'the server scales by 2^10: the raw field is small');
    const none = convertCapture(read, { window: false }) as { text: string };
    assert.doesNotMatch(none.text, /win=/);
  });

  it('a lower --wait-threshold writes wait lines only where nothing must stay in flight', () => {
    const result = convertCapture(read, { waitThresholdMs: 1, relative: true }) as { text: string };
    assert.match(result.text, /^wait \d+ ms$/m);
    assert.deepEqual(problems(result.text), []);
  });

  it('several connections: listed with packet counts, chosen by number or address:port', () => {
    // Two captures concatenated frame by frame: two connections in one list.
    const a = readCapture(load('normal.pcap')).packets;
    const b = readCapture(load('normal-ipv6.pcap')).packets;
    const both = [...a, ...b];
    const connections = splitConnections(both);
    assert.equal(connections.length, 2);
    assert.deepEqual(connections.map((c) => c.packetCount), [a.length, b.length]);
    const second = convertCapture(both, { connection: 2 }) as { text: string };
    assert.match(second.text, /\[::1\]:8080/);
    const byAddress = convertCapture(both, { connection: '[::1]:40000' }) as { text: string };
    assert.equal(byAddress.text, second.text);
    assert.match(String(convertCapture(both, { connection: 3 })), /no connection 3/);
    assert.match(String(convertCapture(both, { connection: '10.0.0.1:1' })), /no connection has an endpoint 10\.0\.0\.1:1/);
  });

  it('a capture started after the handshake: the side with the higher port is C, the document checks', () => {
    // From the server's first data segment on: the server (port 8080) sends first.
    const from = read.packets.findIndex((p) => p.srcPort === 8080 && p.payloadLength > 0);
    const late = read.packets.slice(from, from + 40);
    const [connection] = splitConnections(late);
    assert.equal(connection.handshake, false);
    assert.equal(connection.client.port, 40000);
    assert.equal(connection.server.port, 8080);
    const result = convertCapture(late, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.match(result.text, /^participant C as 127\.0\.0\.1:40000$/m);
    assert.match(result.text, /^S->C ACK seq=y ack=x len=\d+ /m);
    assert.deepEqual(problems(result.text), [], result.text);
  });

  it('a segment missing from the capture becomes a line labelled "not captured", and the document checks', () => {
    // Drop one of the server's data segments in the middle of the bulk transfer.
    const dropAt = read.packets.findIndex((p, i) => i > 20 && p.srcPort === 8080 && p.payloadLength > 0);
    const holed = read.packets.filter((_, i) => i !== dropAt);
    const result = convertCapture(holed, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.match(result.text, /^S(~>|-x|->)C ACK seq=y\+\d+ len=\d+ : not captured/m);
    assert.deepEqual(problems(result.text), [], result.text);
    assert.ok(result.warnings.some((w) => /not captured/.test(w)));
  });
});

describe('resent until the sender gives up (connect-timeout.pcap, peer-gone.pcap)', () => {
  it('every SYN is lost, the last one too: no answer ever came, and the client stays in SYN-SENT', () => {
    const text = importText(load('connect-timeout.pcap'), true);
    const syns = text.split('\n').filter((l) => / SYN /.test(l));
    assert.equal(syns.length, 4, text);
    for (const l of syns) assert.match(l, /^C-xS SYN seq=x /);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    assert.equal(finalStates(a).C, 'SYN-SENT');
    assert.equal(remarks(a).filter((r) => r === 'retransmission').length, 3);
  });

  it('peer-gone.pcap: a request resent until the client gives up, never acknowledged, is lost every time', () => {
    const text = importText(load('peer-gone.pcap'), true);
    const requests = text.split('\n').filter((l) => / len=18 /.test(l));
    assert.equal(requests.length, 6, text);
    for (const l of requests) assert.match(l, /^C-xS PSH ACK seq=x\+1 ack=y\+1 len=18 /);
    // Nothing is in flight at the end: the long gap before the last resend is a wait line.
    assert.match(text, /^wait 1\.6\d\d s\nC-xS /m);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    assert.deepEqual(finalStates(a), { C: 'ESTABLISHED', S: 'ESTABLISHED' });
  });

  it('a single SYN at the end of a capture, not sent again, is still taken to arrive', () => {
    const first = readCapture(load('connect-timeout.pcap')).packets.slice(0, 1);
    const result = convertCapture(first, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.match(result.text, /^C->S SYN seq=x /m);
  });
});

describe('a path MTU black hole (pmtu-black-hole.pcap, pmtu-black-hole-client.pcap)', () => {
  it('at the server: its first full-size segment is lost every time it is sent, each resend later than the one before', () => {
    const text = importText(load('pmtu-black-hole.pcap'), true);
    const first = text.split('\n').filter((l) => /^S(->|~>|-x)C ACK seq=y\+1 ack=x\+19 len=1448 /.test(l));
    assert.equal(first.length, 5, text);
    for (const l of first) assert.match(l, /^S-xC /);
    const times = first.map((l) => Number(/\+(\d+\.\d+) s$/.exec(l)![1]));
    for (let i = 2; i < times.length; i++) assert.ok(times[i] - times[i - 1] > times[i - 1] - times[i - 2], `backoff: ${times.join(', ')}`);
    // The offloaded response went as one: every part of it is lost. Its last 123 octets, sent again
    // alone (a tail loss probe), pass: the client's SACK block reports them, so they arrive, and
    // the client holds them out of order. (Without reading SACK: part 2 arrived, the probe was lost.)
    const parts = text.split('\n').filter((l) => / # frame 6, part \d of 3/.test(l));
    assert.equal(parts.length, 3, text);
    for (const l of parts) assert.match(l, /^S-xC /);
    assert.match(text, /^S->C PSH ACK seq=y\+2897 ack=x\+19 len=123 win=64 {2}# frame 7,/m);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    assert.deepEqual(remarks(a).filter((r) => r === 'out-of-order' || r === 'duplicate-ack'), ['out-of-order', 'duplicate-ack']);
  });

  it('at the client: the octets that never came are a lost "not captured" line, and the small segment after them arrives out of order', () => {
    const text = importText(load('pmtu-black-hole-client.pcap'), true);
    // Before: the missing octets were in flight to the end, and held the small segment back with them.
    assert.match(text, /^S-xC ACK seq=y\+1 len=2896 : not captured /m);
    assert.match(text, /^S->C PSH ACK seq=y\+2897 ack=x\+19 len=123 /m);
    const a = analyze(text);
    assert.deepEqual(problems(text, a), []);
    assert.deepEqual(remarks(a).filter((r) => r === 'out-of-order' || r === 'duplicate-ack'), ['out-of-order', 'duplicate-ack']);
  });
});

describe('beyond the language: TCP Fast Open (beyond-the-language/fast-open.pcap)', () => {
  // A real Fast Open exchange: the request rides on the SYN and the server acknowledges it on its
  // SYN,ACK. The language's receivers acknowledge only a SYN (spec), so the document cannot check
  // clean; the import says why, and the errors are the acks of that data, nothing else.
  const bytes = new Uint8Array(fs.readFileSync(path.join(CAPTURES, 'beyond-the-language', 'fast-open.pcap')));

  it('imports as captured, with a warning that names Fast Open and what the check will say', () => {
    const result = convertCapture(readCapture(bytes), { relative: true });
    assert.ok(typeof result !== 'string');
    assert.match(result.text, /^C->S SYN seq=x len=18 /m);
    assert.match(result.text, /^S->C SYN ACK seq=y ack=x\+19 /m);
    assert.deepEqual(result.warnings, ['the server acknowledged the 18 octets the client\'s SYN carried (TCP Fast Open, RFC 7413); tcpseq\'s receivers acknowledge only the SYN, so the check reports the acks that cover that data as errors']);
    const analysis = analyze(result.text);
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0);
    assert.ok(errors.every((d) => d.code === 'ack-mismatch' && /^ack should be x\+1: the SYN at line 5/.test(d.message)), problems(result.text, analysis).join('\n'));
    assert.ok(analysis.diagnostics.some((d) => d.code === 'syn-with-data'));
  });

  it('a capture without Fast Open data on its SYN gets no such warning', () => {
    for (const file of captureFiles) {
      const result = convertCapture(readCapture(load(file)), {});
      assert.ok(typeof result !== 'string');
      assert.ok(!result.warnings.some((w) => /Fast Open/.test(w)), file);
    }
  });
});

describe('a FIN the capture missed', () => {
  for (const file of ['normal.pcap', 'server-close.pcap', 'half-close.pcap']) {
    for (const which of [0, 1]) {
      it(`${file}, its ${which === 0 ? 'first' : 'second'} FIN left out: written as a FIN not captured, the endpoints end as they did`, () => {
        const packets = readCapture(load(file)).packets;
        const fin = packets.filter((p) => p.flags & 0x01)[which];
        const result = convertCapture(packets.filter((p) => p !== fin), { relative: true, parse: true });
        assert.ok(typeof result !== 'string');
        assert.deepEqual(problems(result.text), [], result.text);
        assert.match(result.text, /^[CS]->[CS] FIN ACK seq=[xy]\+\d+ : not captured  # /m);
        // The parse made while writing reads the line as the parser does.
        assert.deepEqual(analyze(result.text, { parsed: result.parsed }).diagnostics, analyze(result.text).diagnostics);
        assert.deepEqual(finalStates(analyze(result.text)), finalStates(analyze(importText(load(file), true))));
      });
    }
  }
});

describe('the parse made while a document is written', () => {
  /** Everything a parse holds, as text: statements with their ranges, diagnostics, and flag order. */
  function parseView(parsed: ParsedDocument): string {
    const flagOrders = parsed.statements.map((st) => (st.kind === 'segment' ? (st as SegmentStatement & { flagNames(): string[] }).flagNames().join(' ') : ''));
    return JSON.stringify({ parsed, flagOrders });
  }

  /** Converts with `parse`, and asserts that the parse and the check it gives are parse(text)'s and analyze(text)'s. */
  function assertSameAsReadingText(source: Parameters<typeof convertCapture>[0], options: Parameters<typeof convertCapture>[1], what: string): string {
    const result = convertCapture(source, { ...options, parse: true });
    assert.ok(typeof result !== 'string', String(result));
    assert.ok(result.parsed, `${what}: no parse`);
    assert.equal(parseView(result.parsed), parseView(parse(result.text)), `${what}: the parses differ`);
    const given = analyze(result.text, { parsed: result.parsed });
    const read = analyze(result.text);
    assert.equal(JSON.stringify(given.diagnostics), JSON.stringify(read.diagnostics), `${what}: the diagnostics differ`);
    assert.equal(JSON.stringify(given.timeline), JSON.stringify(read.timeline), `${what}: the timelines differ`);
    return result.text;
  }

  it('is the parse of the text, for every fixture, relative or not, with or without win', function () {
    this.timeout(20_000); // every fixture four times, the congestion ones with about a thousand lines
    for (const file of captureFiles) {
      for (const relative of [false, true]) {
        for (const window of [true, false]) assertSameAsReadingText(readCapture(load(file)), { relative, window }, `${file} relative ${relative} win ${window}`);
      }
    }
    // The view tells documents apart (the comparison can fail).
    const view = (file: string) => parseView((convertCapture(readCapture(load(file)), { parse: true }) as { parsed: ParsedDocument }).parsed);
    assert.notEqual(view('normal.pcap'), view('server-close.pcap'));
  });

  it('counts in characters after a capture name that is not ASCII (or holds a line break)', () => {
    const text = assertSameAsReadingText(readCapture(load('normal.pcap')), { source: 'accès\nréseau €.pcap', relative: true }, 'name');
    assert.match(text, /^# Imported from accès réseau €\.pcap: /);
  });

  it('is the parse of the text with "not captured" lines, and with a line only the parser reads (wscale 15)', () => {
    const packets = readCapture(load('bulk.pcap')).packets;
    const dropAt = packets.findIndex((p, i) => i > 20 && p.srcPort === 8080 && p.payloadLength > 0);
    const holed = assertSameAsReadingText(packets.filter((_, i) => i !== dropAt), { relative: true }, 'holed');
    assert.match(holed, /: not captured/);
    // A window scale past 14 is an error the parser reports: the writer leaves that line to it.
    const wide = packets.map((p, i) => (i === 0 ? { ...p, wscale: 15 } : p));
    const text = assertSameAsReadingText(wide, {}, 'wscale 15');
    assert.match(analyze(text).diagnostics.map((d) => d.code).join(), /wscale-range/);
  });
});

describe('read results and connections: counts, columns and packet objects', () => {
  it('counts are known without the objects; packets are plain arrays, made once', () => {
    const read = readCapture(load('bulk.pcap'));
    const [connection] = splitConnections(read);
    assert.equal(connection.packetCount, read.packetCount);
    assert.equal(read.packets, read.packets, 'the same array each time');
    assert.equal(read.packets.length, read.packetCount);
    assert.ok(Array.isArray(read.packets));
    assert.deepEqual(structuredClone(read.packets), read.packets);
    // A connection's packets are the same objects as the read result's.
    assert.equal(connection.packets, connection.packets);
    assert.equal(connection.packets[5], read.packets[5]);
  });

  it('the read result and its packet objects split and convert alike', () => {
    const bytes = concatCaptures(load('normal.pcap'), load('normal-ipv6.pcap'));
    const fromColumns = splitConnections(readCapture(bytes));
    const fromObjects = splitConnections(readCapture(bytes).packets);
    const summary = (c: (typeof fromColumns)[number]) => [c.index, c.client.text, c.server.text, c.handshake, c.packetCount];
    assert.deepEqual(fromColumns.map(summary), fromObjects.map(summary));
    assert.equal(fromColumns.length, 2);
    for (const relative of [false, true]) {
      for (const connection of [1, 2]) {
        const a = convertCapture(readCapture(bytes), { relative, connection }) as { text: string };
        const b = convertCapture(readCapture(bytes).packets, { relative, connection }) as { text: string };
        assert.equal(a.text, b.text);
      }
    }
  });
});

describe('captures taken where segments arrive (as on loopback): reordering', () => {
  const packets = readCapture(load('bulk.pcap')).packets;
  const serverData = (i: number) => packets[i].srcPort === 8080 && packets[i].payloadLength > 0;

  /** Packet `b` stored before `a`, both with `a`'s time: a reorder within one tick of the clock. */
  const sameTick = (a: TcpPacket, b: TcpPacket): TcpPacket[] => [{ ...b, seconds: a.seconds, nanos: a.nanos }, a];

  it('packets stored out of time order are put back in time order first', () => {
    const normal = readCapture(load('normal.pcap')).packets;
    // The SYN,ACK stored after the client's ACK of it, each with its own time.
    const stored = [normal[0], normal[2], normal[1], ...normal.slice(3)];
    const result = convertCapture(stored);
    assert.ok(typeof result !== 'string');
    assert.equal(result.text, importText(load('normal.pcap')));
    // Far out of order (the whole file backwards): the same, by a general sort.
    const backwards = convertCapture([...packets].reverse());
    assert.ok(typeof backwards !== 'string');
    assert.equal(backwards.text, importText(load('bulk.pcap')));
  });

  it('two data segments captured in swapped order: the late one is written where it was sent', () => {
    const i = packets.findIndex((_, k) => k > 10 && serverData(k) && serverData(k + 1));
    const swapped = [...packets.slice(0, i), ...sameTick(packets[i], packets[i + 1]), ...packets.slice(i + 2)];
    const result = convertCapture(swapped, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.deepEqual(problems(result.text), [], result.text);
    assert.ok(result.warnings.some((w) => /1 segment was captured out of order/.test(w)), result.warnings.join());
    assert.doesNotMatch(result.text, /not captured/);
    const lines = result.text.split('\n');
    const late = lines.findIndex((l) => l.includes(`# frame ${packets[i].frame},`));
    const early = lines.findIndex((l) => l.includes(`# frame ${packets[i + 1].frame},`));
    assert.ok(late < early, 'the segment sent first comes first');
  });

  it('a retransmission captured after the ACK that covers it is written before that ACK', () => {
    // The server resends a segment; the capture shows the copy only after the client's ACK of it.
    const i = packets.findIndex((_, k) => k > 10 && serverData(k) && packets[k + 1].srcPort === 40000);
    const copy = { ...packets[i], frame: 999 };
    const withCopy = [...packets.slice(0, i + 2), copy, ...packets.slice(i + 2)];
    const result = convertCapture(withCopy, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.deepEqual(problems(result.text).filter((p) => !/spurious/.test(p)), [], result.text);
    const lines = result.text.split('\n');
    assert.ok(lines.findIndex((l) => l.includes('# frame 999,')) < lines.findIndex((l) => l.includes(`# frame ${packets[i + 1].frame},`)));
    assert.ok(remarks(analyze(result.text)).some((r) => /retransmission/.test(r)), 'the checker sees the retransmission');
  });

  /** The packet of `frame` (bulk.pcap: frames 14 to 17 are server data, 18 the client's ACK of them). */
  const frame = (n: number) => packets.find((p) => p.frame === n)!;
  const upTo = (n: number) => packets.filter((p) => p.frame <= n);
  const after = (n: number) => packets.filter((p) => p.frame > n);
  const lineOfFrame = (text: string, n: number) => text.split('\n').findIndex((l) => l.includes(`# frame ${n},`));

  it('a pure ACK captured after a higher one of its side is written before it (acks never go down)', () => {
    assert.deepEqual([14, 15, 16, 17].map((n) => frame(n).payloadLength > 0 && frame(n).srcPort === 8080), [true, true, true, true]);
    assert.equal(frame(18).ack, (frame(17).seq + frame(17).payloadLength) >>> 0);
    // The client acknowledged frames 14 and 15 first; the capture shows that ACK after frame 19.
    const early = { ...frame(18), frame: 901, ack: (frame(16).seq) >>> 0, seconds: frame(19).seconds, nanos: frame(19).nanos };
    const result = convertCapture([...upTo(19), early, ...after(19)], { relative: true });
    assert.ok(typeof result !== 'string');
    assert.deepEqual(problems(result.text), [], result.text);
    assert.ok(lineOfFrame(result.text, 901) < lineOfFrame(result.text, 18), result.text);
  });

  it('a retransmission that overtook segments sent before it is written before them', () => {
    // Frame 14 is lost and sent again (902) after a duplicate ACK (901); the copy reaches the
    // client before frames 15 to 17, sent before it: the client first acknowledges the copy alone.
    const dupAck = { ...frame(13), frame: 901, seconds: frame(17).seconds, nanos: frame(17).nanos };
    const copy = { ...frame(14), frame: 902, seconds: frame(17).seconds, nanos: frame(17).nanos };
    const ackOfCopy = { ...frame(18), frame: 903, ack: frame(15).seq };
    const result = convertCapture([...upTo(17), dupAck, copy, ackOfCopy, ...after(17)], { relative: true });
    assert.ok(typeof result !== 'string');
    assert.deepEqual(problems(result.text), [], result.text);
    const lines = result.text.split('\n');
    assert.match(lines[lineOfFrame(result.text, 14)], /^S-xC /);
    assert.match(lines[lineOfFrame(result.text, 902)], /^S~>C /);
    assert.ok(lineOfFrame(result.text, 902) < lineOfFrame(result.text, 15), result.text);
    assert.ok(lineOfFrame(result.text, 901) > lineOfFrame(result.text, 17), 'the duplicate ACK stays after the segments it followed');
  });

  it('neighbouring packets up to 0.2 ms apart stored in either order, at random (every fixture, 100 seeds each): no error', () => {
    // A loaded host's capture can store two packets tapped within the same tick in either order.
    // Window warnings may remain: a window update stored after the data it allowed is not moved
    // (the window is not followed here).
    const failures: string[] = [];
    const time = (p: TcpPacket) => p.seconds + p.nanos / 1e9;
    // Not the captures with copies of one packet (any-bridge*.pcap): packet objects carry nothing
    // that tells a copy from a packet, so a list of them keeps both.
    for (const file of captureFiles.filter((f) => f.endsWith('.pcap') && !f.startsWith('any-bridge'))) {
      const original = readCapture(load(file)).packets;
      for (let seed = 1; seed <= 100; seed++) {
        const random = rng(seed);
        const shuffled = [...original];
        for (let i = 0; i + 1 < shuffled.length; i++) {
          if (random() < 0.2 && time(shuffled[i + 1]) - time(shuffled[i]) < 0.0002) {
            shuffled.splice(i, 2, ...sameTick(shuffled[i], shuffled[i + 1]));
            i++;
          }
        }
        const result = convertCapture(shuffled, { relative: true });
        assert.ok(typeof result !== 'string');
        const errors = problems(result.text).filter((p) => /: error: /.test(p));
        if (errors.length > 0) failures.push(`${file}, seed ${seed}: ${errors[0]}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('two segments missing from the capture, resent one by one after three duplicate ACKs: the missing line splits where the second copy starts', () => {
    // The server's data segments A and B are not captured; C after them is. The client asks for A
    // three times, and the server resends A, then B: B's seq lies inside the one missing line.
    const i = packets.findIndex((_, k) => k > 10 && serverData(k) && serverData(k + 1) && serverData(k + 2));
    const [a, b, c] = [packets[i], packets[i + 1], packets[i + 2]];
    const clientAck = packets.slice(0, i).reverse().find((p) => p.srcPort === 40000)!;
    const dupAck = (frame: number) => ({ ...clientAck, frame, seconds: c.seconds, nanos: c.nanos, ack: a.seq });
    const resent = (p: typeof a, frame: number) => ({ ...p, frame, seconds: c.seconds, nanos: c.nanos });
    const holed = [...packets.slice(0, i), c, dupAck(901), dupAck(902), dupAck(903), resent(a, 904), resent(b, 905), ...packets.slice(i + 3)];
    const result = convertCapture(holed, { relative: true });
    assert.ok(typeof result !== 'string');
    assert.deepEqual(problems(result.text), [], result.text);
    const lines = result.text.split('\n');
    const missing = lines.filter((l) => l.includes(': not captured'));
    assert.equal(missing.length, 2, missing.join('\n'));
    assert.match(missing[0], new RegExp(` len=${a.payloadLength} `));
    assert.match(missing[1], new RegExp(` len=${b.payloadLength} `));
    const analysis = analyze(result.text);
    const retransmissions = analysis.diagnostics.filter((d) => d.code === 'retransmission').map((d) => lines[d.range.start.line]);
    assert.equal(retransmissions.length, 2, retransmissions.join('\n'));
    assert.ok(retransmissions[0].includes('# frame 904,') && retransmissions[1].includes('# frame 905,'), retransmissions.join('\n'));
  });
});

describe('tcpseq import (command line)', () => {
  const run = (args: string[]) => {
    const r = spawnSync('node', [CLI, 'import', ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('writes the document to -o, and it checks', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-')), 'normal.tcpseq');
    const r = run([path.join(CAPTURES, 'normal.pcap'), '-o', out, '--relative']);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(out, 'utf8');
    assert.match(text, /^C->S SYN seq=x /m);
    assert.deepEqual(problems(text), []);
  });

  it('--check prints the check of the document written, as tcpseq check does, and exits 1 on an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-'));
    // A clean capture: its keep-alive probes are recognised (information), exit 0.
    const keepalive = path.join(dir, 'keepalive.tcpseq');
    let r = run([path.join(CAPTURES, 'keepalive.pcap'), '-o', keepalive, '--check']);
    assert.equal(r.status, 0, r.stderr);
    const probes = r.stdout.split('\n').filter(Boolean);
    assert.equal(probes.length, 3, r.stdout);
    for (const p of probes) assert.match(p, new RegExp(`^${keepalive.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: information: keep-alive probe`));
    // The same lines as tcpseq check prints for the file written.
    const checked = spawnSync('node', [CLI, 'check', keepalive], { encoding: 'utf8' });
    assert.equal(r.stdout, checked.stdout);
    // One ack wrong by one: exactly that error, on the segment's line, and exit 1.
    const capture = path.join(dir, 'wrong-ack.pcap');
    fs.writeFileSync(capture, wrongAckCapture());
    const out = path.join(dir, 'wrong-ack.tcpseq');
    r = run([capture, '-o', out, '--check']);
    assert.equal(r.status, 1, r.stderr);
    const line = fs.readFileSync(out, 'utf8').split('\n').findIndex((l) => l.includes('# frame 7,')) + 1;
    assert.match(r.stdout, new RegExp(`^[^\\n]*wrong-ack\\.tcpseq:${line}:\\d+: error: .*\\[ack-mismatch\\]\\n$`));
    // Without -o the document goes to standard output and its check to standard error.
    r = run([capture, '--check']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^# Imported from wrong-ack\.pcap/);
    assert.match(r.stderr, new RegExp(`^-:${line}:\\d+: error: .*\\[ack-mismatch\\]\\n$`));
  });

  it('--list prints one line per connection with its packet count', () => {
    const r = run([path.join(CAPTURES, 'bulk.pcapng'), '--list']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^1: 127\.0\.0\.1:40000 -> 127\.0\.0\.1:8080, \d+ packets, closed\n$/);
  });

  it('--list says how each connection ends in the capture, to find the one worth a diagram', () => {
    const ends: Record<string, string> = {
      'normal.pcap': 'closed', 'refused.pcap': 'refused', 'abort.pcap': 'reset', 'connect-timeout.pcap': 'no answer',
      'peer-gone.pcap': 'open at the end', 'half-close.pcap': 'closed', 'port-reuse.pcap': 'closed',
    };
    for (const [name, end] of Object.entries(ends)) {
      const r = run([path.join(CAPTURES, name), '--list']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`^1: .*, \\d+ packets?, ${end}\n`), name);
    }
    // A FIN one way only: the capture of normal.pcap cut before the server's FIN.
    const read = readCapture(load('normal.pcap'));
    const [c] = splitConnections(read);
    const finRows = Array.from(c.rows).filter((r) => c.segments.flags[r] & 0x01);
    assert.equal(finRows.length, 2);
    const cut = new CaptureConnection(c.index, c.client, c.server, c.handshake, c.segments, c.rows.subarray(0, c.rows.indexOf(finRows[1])));
    assert.equal(connectionOutcome(cut), 'closing');
  });

  it('exits 2 with a clear message for a missing, damaged or foreign file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-'));
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'C->S SYN seq=x\n');
    let r = run([text]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not a pcap or pcapng file: unknown magic number 0x432d3e53 at byte offset 0/);
    r = run([path.join(dir, 'absent.pcap')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read .*absent\.pcap: no such file or folder \(ENOENT\)/);
    const truncated = path.join(dir, 'cut.pcap');
    fs.writeFileSync(truncated, load('normal.pcap').subarray(0, 20));
    r = run([truncated]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pcap file header truncated at byte offset 20/);
    r = run([path.join(CAPTURES, 'normal.pcap'), '--limit', 'many']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--limit needs a whole number/);
  });

  it('reads a gzip-compressed capture as the capture itself; one cut short gives what came before the cut', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-'));
    const plain = run([path.join(CAPTURES, 'bulk.pcap'), '--relative']);
    const gz = path.join(dir, 'bulk.pcap.gz');
    const compressed = zlib.gzipSync(load('bulk.pcap'));
    fs.writeFileSync(gz, compressed);
    let r = run([gz, '--relative']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, plain.stdout.replace('Imported from bulk.pcap:', 'Imported from bulk.pcap.gz:'));
    // Cut short: the frames decompressed before the cut are imported, with what happened said twice
    // (the compression cut short; the last frame cut short).
    const cut = path.join(dir, 'cut.pcap.gz');
    fs.writeFileSync(cut, compressed.subarray(0, compressed.length >> 1));
    r = run([cut, '--relative']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: the gzip compression is damaged or cut short \(unexpected end of file\): \d+ bytes decompressed before it are read/);
    const lines = r.stdout.split('\n').filter((l) => /^[CS](->|~>|-x)[CS] /.test(l)).length;
    assert.ok(lines > 5 && lines < plain.stdout.split('\n').length, String(lines));
    // Nothing that decompresses: a clear error, exit 2.
    fs.writeFileSync(cut, compressed.subarray(0, 12));
    r = run([cut]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /a gzip-compressed file that does not decompress/);
  });

  it('refuses a gzip file that decompresses past the limit, without taking the memory', () => {
    // 64 MB of zeros compress to 64 KB: with a limit of 8 MB, decompression stops there.
    const bomb = zlib.gzipSync(Buffer.alloc(64 << 20));
    const result = gunzipCapture(bomb, 8 << 20);
    assert.equal(result.bytes.length, 0);
    assert.equal(result.error, 'a gzip-compressed capture of more than 8 MB decompressed: decompress it, then cut it (editcap -r)');
    // Bytes that are not gzip pass through untouched.
    const plain = load('normal.pcap');
    assert.equal(gunzipCapture(plain).bytes, plain);
  });

  it('names the compression of a capture compressed some other way', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-'));
    const zst = path.join(dir, 'bulk.pcap.zst');
    fs.writeFileSync(zst, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(40)]));
    const r = run([zst]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /a zstd-compressed file, not a pcap or pcapng file: decompress it first/);
  });

  it('a file damaged in the middle: the packets before the damage are imported, with a warning', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-import-'));
    const cut = path.join(dir, 'cut.pcap');
    const bytes = load('normal.pcap');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const r = run([cut]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /warning: frame 10 truncated: the record at byte offset \d+ needs/);
    assert.equal(r.stdout.split('\n').filter((l) => /^[CS]->[CS] /.test(l)).length, 9);
  });
});
