// TCP segments of a capture -> one tcpseq document per connection.
//
// The capture gives the order in which segments were sent (as seen at one host); the document
// must also say when each one arrived, in the model's sense (language reference, section 3):
//   `->`  arrives at its line;
//   `~>`  stays in flight until its receiver sends a segment whose written ack covers it, or a
//         later segment of its direction arrives, or a `wait`, or the end;
//   `-x`  never arrives.
// A segment is written `~>` when its receiver sends something before acknowledging it (what a
// host sends shows what it had received), `-x` when its sender retransmits it before the
// receiver acknowledges it (it was lost, as far as the exchange shows), and `->` otherwise.
import { FLAGS, LineRange, SegmentRow, SegmentTable, parseWritten } from '../core';
import type { Arrow, ParsedDocument } from '../core';
import type { TcpPacket } from './decode';
import type { CaptureReadResult } from './index';
import { Segments, grown } from './segments';
import type { SegmentOptions } from './segments';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './decode';

// The flags the conversion looks at, as this module's own constants: the loops below test them on
// every segment, and an imported binding is read from the other module's exports each time.
const SYN = TCP_SYN;
const ACK = TCP_ACK;
const FIN = TCP_FIN;
const RST = TCP_RST;
const PSH = TCP_PSH;

/** One side of a connection. */
export interface CaptureEndpoint {
  readonly address: string;
  readonly port: number;
  /** `address:port`, IPv6 addresses in brackets. */
  readonly text: string;
}

/** The segments of one 4-tuple, in capture order: rows of the capture's columns. */
export class CaptureConnection {
  private packetList: TcpPacket[] | undefined;

  constructor(
    /** 1-based, in order of first appearance. */
    readonly index: number,
    /** The side that sent the first SYN (or, without a handshake, the best guess). */
    readonly client: CaptureEndpoint,
    readonly server: CaptureEndpoint,
    /** True when the capture holds the client's SYN. */
    readonly handshake: boolean,
    /** The capture's segments (all connections'); this connection is `rows` of them. */
    readonly segments: Segments,
    /** This connection's rows of `segments`, in capture order. */
    readonly rows: Int32Array,
  ) {}

  /** How many segments the connection has (without making their objects). */
  get packetCount(): number {
    return this.rows.length;
  }

  /**
   * The segments as objects: made on first use, the same ones after (and the same objects as the
   * read result's `packets`). Conversion does not read them: it reads `segments` and `rows`.
   */
  get packets(): TcpPacket[] {
    return (this.packetList ??= this.segments.packetsAt(this.rows));
  }
}

/**
 * What splitConnections and convertCapture take: a read result (its columns are used as they are)
 * or any array of packets (columns are made from its objects). Only an array shows changes made to
 * packet objects: a read result's columns stay as read.
 */
export type CaptureSegments = CaptureReadResult | readonly TcpPacket[];

export interface ConvertOptions {
  /** 1-based index, or `address:port` of either side. Default: the first connection. */
  readonly connection?: number | string;
  /** Write `x+N` / `y+N` from each side's initial sequence number instead of absolute numbers. */
  readonly relative?: boolean;
  /** Write at most this many captured segments. */
  readonly limit?: number;
  /** Gaps at least this long become `wait` lines (default 1000 ms). */
  readonly waitThresholdMs?: number;
  /** Write each segment's advertised window as `win=` (default true, when the handshake was captured). */
  readonly window?: boolean;
  /** Name of the capture, for the header comment. */
  readonly source?: string;
  /**
   * Also give the document's parse, made while the document is written (`parsed`): a check of the
   * document that follows (`analyze(text, { parsed })`) need not read the text again.
   */
  readonly parse?: boolean;
}

export interface ConvertResult {
  readonly text: string;
  readonly connection: CaptureConnection;
  readonly warnings: string[];
  /** With the `parse` option: the parse of `text`, the same as parse(text) gives. */
  readonly parsed?: ParsedDocument;
}

const TWO_32 = 2 ** 32;
/** A jump in sequence numbers larger than this is not a missing segment. */
const MAX_GAP = 2 ** 30;

export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A connection being gathered: its two endpoints as first seen (address ids), and its rows. */
interface Gathering {
  readonly address: number;
  readonly port: number;
  readonly peerAddress: number;
  readonly peerPort: number;
  /** The rows are `rows[0..count)`; `rows` is replaced by a larger copy when full. */
  rows: Int32Array;
  count: number;
}

/** Adds a row to a connection being gathered. (A typed array rather than a JS array: no boxed numbers, less to copy.) */
function addRow(g: Gathering, row: number): void {
  if (g.count === g.rows.length) g.rows = grown(g.rows, 2 * g.rows.length);
  g.rows[g.count++] = row;
}

/** True when a segment from `address:port` to `peerAddress:peerPort` belongs to `g` (either direction). */
function belongsTo(g: Gathering, address: number, port: number, peerAddress: number, peerPort: number): boolean {
  return (port === g.port && peerPort === g.peerPort && address === g.address && peerAddress === g.peerAddress)
    || (port === g.peerPort && peerPort === g.port && address === g.peerAddress && peerAddress === g.address);
}

/** Splits segments into connections by 4-tuple, in order of first appearance. */
export function splitConnections(source: CaptureSegments): CaptureConnection[] {
  // The fast path: a read result's columns. An array of packets costs a copy into columns.
  const segments = 'segments' in source ? source.segments : Segments.fromPackets(source);
  const { src, dst, srcPort, dstPort } = segments;
  const n = segments.count;
  if (n === 0) return [];
  // Connections by their two ports (smaller first, so that both directions meet).
  const byPorts = new Map<number, Gathering[]>();
  const order: Gathering[] = [];
  let last = gathering(byPorts, order, segments, 0);
  for (let row = 0; row < n; row++) {
    // Most segments belong to the same connection as the one before (either direction).
    if (!belongsTo(last, src[row], srcPort[row], dst[row], dstPort[row])) last = gathering(byPorts, order, segments, row);
    addRow(last, row);
  }
  return order.map((entry, i) => {
    const connectionRows = entry.rows.subarray(0, entry.count);
    const syn = firstWithFlags(segments, connectionRows, SYN);
    const synAck = firstWithFlags(segments, connectionRows, SYN | ACK);
    // Client: sender of the first SYN; else receiver of the SYN,ACK; else (a capture started after
    // the handshake) the side with the higher port, as clients send from ephemeral ports and servers
    // listen on lower ones; with equal ports, the first sender.
    const first = syn >= 0 ? syn : synAck >= 0 ? synAck : connectionRows[0];
    const clientSent = syn >= 0 || (synAck < 0 && srcPort[first] >= dstPort[first]);
    const client = endpoint(segments, first, clientSent);
    const server = endpoint(segments, first, !clientSent);
    return new CaptureConnection(i + 1, client, server, syn >= 0, segments, connectionRows);
  });
}

/** The connection of a segment that is not in the one before: found by its ports, or new. */
function gathering(byPorts: Map<number, Gathering[]>, order: Gathering[], s: Segments, row: number): Gathering {
  const address = s.src[row];
  const port = s.srcPort[row];
  const peerAddress = s.dst[row];
  const peerPort = s.dstPort[row];
  const ports = port < peerPort ? port * 65536 + peerPort : peerPort * 65536 + port;
  let candidates = byPorts.get(ports);
  if (!candidates) byPorts.set(ports, (candidates = []));
  let entry = candidates.find((g) => belongsTo(g, address, port, peerAddress, peerPort));
  if (!entry) {
    entry = { address, port, peerAddress, peerPort, rows: new Int32Array(64), count: 0 };
    candidates.push(entry);
    order.push(entry);
  }
  return entry;
}

/** The first of `rows` whose SYN and ACK flags are `flags`, or -1. */
function firstWithFlags(s: Segments, rows: Int32Array, flags: number): number {
  for (let k = 0; k < rows.length; k++) if ((s.flags[rows[k]] & (SYN | ACK)) === flags) return rows[k];
  return -1;
}

/** The sender (or receiver) of a row. */
function endpoint(s: Segments, row: number, sender: boolean): CaptureEndpoint {
  const address = s.addresses[sender ? s.src[row] : s.dst[row]];
  const port = sender ? s.srcPort[row] : s.dstPort[row];
  return { address, port, text: endpointText(address, port) };
}

/** One line per connection, for `--list` and the editor's picker. */
export function describeConnection(c: CaptureConnection): string {
  const n = c.packetCount;
  return `${c.index}: ${c.client.text} -> ${c.server.text}, ${n} packet${n === 1 ? '' : 's'}, ${OUTCOME_TEXT[connectionOutcome(c)]}${c.handshake ? '' : ' (no handshake captured)'}`;
}

/**
 * How a connection ends in the capture, from its flags alone, to find the one worth a diagram
 * among many: `unanswered` (SYNs only), `refused` (the SYN answered with a RST), `reset` (a RST
 * later), `closed` (a FIN each way), `closing` (a FIN one way), `open` (neither by the end).
 */
export type ConnectionOutcome = 'unanswered' | 'refused' | 'reset' | 'closed' | 'closing' | 'open';

export const OUTCOME_TEXT: Readonly<Record<ConnectionOutcome, string>> = {
  unanswered: 'no answer', refused: 'refused', reset: 'reset', closed: 'closed', closing: 'closing', open: 'open at the end',
};

export function connectionOutcome(c: CaptureConnection): ConnectionOutcome {
  const { flags, srcPort, src } = c.segments;
  let clientFin = false;
  let serverFin = false;
  let rst = false;
  let serverSent = false;
  let synAck = false;
  let onlySyns = true;
  for (let i = 0; i < c.rows.length; i++) {
    const r = c.rows[i];
    const f = flags[r];
    const fromServer = srcPort[r] === c.server.port && c.segments.addresses[src[r]] === c.server.address;
    if (f & RST) {
      // A RST that answers the SYN before any SYN,ACK: nothing listened.
      if (fromServer && c.handshake && !synAck) return 'refused';
      rst = true;
    }
    if (fromServer) serverSent = true;
    if ((f & (SYN | ACK)) === (SYN | ACK)) synAck = true;
    if (!(f & SYN) || f & ACK) onlySyns = false;
    if (f & FIN) {
      if (fromServer) serverFin = true;
      else clientFin = true;
    }
  }
  if (rst) return 'reset';
  if (onlySyns && !serverSent) return 'unanswered';
  if (clientFin && serverFin) return 'closed';
  return clientFin || serverFin ? 'closing' : 'open';
}

/** Finds the connection an option names: an index, or `address:port` of either side. */
export function selectConnection(connections: readonly CaptureConnection[], which: number | string | undefined): CaptureConnection | string {
  if (connections.length === 0) return 'the capture holds no TCP segment';
  if (which === undefined) return connections[0];
  if (typeof which === 'number' || /^\d+$/.test(which)) {
    const n = Number(which);
    return connections[n - 1] ?? `there is no connection ${n}: the capture holds ${connections.length}`;
  }
  const wanted = normaliseEndpoint(which);
  const found = connections.find((c) => c.client.text === wanted || c.server.text === wanted);
  return found ?? `no connection has an endpoint ${which}`;
}

function normaliseEndpoint(text: string): string {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text.trim());
  return m ? endpointText(m[1].toLowerCase(), Number(m[2])) : text.trim();
}

/**
 * The lines of the document to be, before arrows are chosen: one row per segment, captured or
 * missed by the capture. Rows are kept in columns (typed arrays) rather than as an object each:
 * a long capture has 100,000 of them, and objects that many cost more to make and collect than
 * all the rest of the conversion.
 */
class Rows {
  count = 0;
  /** 0 = client (C), 1 = server (S). */
  side: Uint8Array;
  flags: Uint8Array;
  /** 1 for a segment the capture missed (its octets are known from the numbers around it). */
  notCaptured: Uint8Array;
  /** The captured segment's row in the Segments; -1 for a missed one. */
  segment: Int32Array;
  /** The sequence number as sent (modulo 2^32). */
  seq: Float64Array;
  /** Sequence number unwrapped onto a line (no modulo), in the sender's space. */
  seqExt: Float64Array;
  /** Acknowledgment unwrapped, in the receiver's space; NaN for a segment without ACK. */
  ackExt: Float64Array;
  len: Float64Array;
  /** Seconds since the first segment. */
  time: Float64Array;
  /** For a part of a captured segment cut in pieces (see splitAtAcks): which (from 1) and of how many; 0 otherwise. */
  part: Int32Array;
  partCount: Int32Array;
  /**
   * Which incarnation of the connection (0: the first) a row belongs to: a SYN with another ISN on
   * the same ports starts the next, whose numbers count afresh. Rows added take `current`.
   */
  incarnation: Int32Array;
  current = 0;
  /** Pure ACKs lost after the capture saw them (see ackLostOnItsWay): written `-x`. Rare. */
  readonly lostOnTheWay = new Set<number>();
  /** Retransmissions a timer sent (see ackLostOnItsWay): a `wait` goes before each. Rare. */
  readonly afterTimeout = new Set<number>();

  constructor(capacity: number) {
    this.side = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.notCaptured = new Uint8Array(capacity);
    this.segment = new Int32Array(capacity);
    this.seq = new Float64Array(capacity);
    this.seqExt = new Float64Array(capacity);
    this.ackExt = new Float64Array(capacity);
    this.len = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.part = new Int32Array(capacity);
    this.partCount = new Int32Array(capacity);
    this.incarnation = new Int32Array(capacity);
  }

  hasAck(row: number): boolean {
    return !Number.isNaN(this.ackExt[row]);
  }

  /** A row for a captured segment (`segment`: its row in `s`); `ackExt` is NaN when it has no ACK. */
  addCaptured(side: number, s: Segments, segment: number, seqExt: number, ackExt: number, time: number): number {
    const row = this.add(side, s.flags[segment], s.seq[segment], seqExt, s.payloadLength[segment], time);
    this.segment[row] = segment;
    this.ackExt[row] = ackExt;
    return row;
  }

  /** A row for octets the capture missed, written as one ACK segment. */
  addMissing(side: number, seq: number, seqExt: number, len: number, time: number): number {
    const row = this.add(side, ACK, seq, seqExt, len, time);
    this.segment[row] = -1;
    this.notCaptured[row] = 1;
    this.ackExt[row] = NaN;
    return row;
  }

  /** A row for the part of captured row `of` that starts `offset` octets into it. */
  addPart(of: number, offset: number, len: number, flags: number): number {
    const row = this.add(this.side[of], flags, (this.seq[of] + offset) % TWO_32, this.seqExt[of] + offset, len, this.time[of]);
    this.segment[row] = this.segment[of];
    this.ackExt[row] = this.ackExt[of];
    this.incarnation[row] = this.incarnation[of];
    return row;
  }

  private add(side: number, flags: number, seq: number, seqExt: number, len: number, time: number): number {
    if (this.count === this.side.length) this.grow();
    const row = this.count++;
    this.side[row] = side;
    this.flags[row] = flags;
    this.seq[row] = seq;
    this.seqExt[row] = seqExt;
    this.len[row] = len;
    this.time[row] = time;
    this.incarnation[row] = this.current;
    return row;
  }

  private grow(): void {
    const capacity = 2 * this.side.length + 16;
    this.side = grown(this.side, capacity);
    this.flags = grown(this.flags, capacity);
    this.notCaptured = grown(this.notCaptured, capacity);
    this.segment = grown(this.segment, capacity);
    this.seq = grown(this.seq, capacity);
    this.seqExt = grown(this.seqExt, capacity);
    this.ackExt = grown(this.ackExt, capacity);
    this.len = grown(this.len, capacity);
    this.time = grown(this.time, capacity);
    this.part = grown(this.part, capacity);
    this.partCount = grown(this.partCount, capacity);
    this.incarnation = grown(this.incarnation, capacity);
  }
}

/**
 * The octets of data on a SYN that a SYN,ACK answering it acknowledged (0 if none): a Fast Open
 * server does, which the language's model does not (spec: a SYN's data is left unacknowledged).
 */
function fastOpenAccepted(s: Segments, packets: Int32Array): number {
  for (let k = 0; k < packets.length; k++) {
    const syn = packets[k];
    if ((s.flags[syn] & (SYN | ACK)) !== SYN || s.payloadLength[syn] === 0) continue;
    const covered = (s.seq[syn] + 1 + s.payloadLength[syn]) % TWO_32;
    for (let j = k + 1; j < packets.length && j <= k + SYN_REACH; j++) {
      const answer = packets[j];
      if ((s.flags[answer] & (SYN | ACK)) === (SYN | ACK) && s.srcPort[answer] === s.dstPort[syn] && s.ack[answer] === covered) {
        return s.payloadLength[syn];
      }
    }
  }
  return 0;
}

/** The rows, and the order in which the document writes them. */
interface Lines {
  /** The captured segments (Rows.segment are rows of it). */
  readonly segments: Segments;
  readonly rows: Rows;
  /** Row numbers, line by line. */
  readonly order: Int32Array;
}

/** Converts one connection of a capture into a tcpseq document. */
export function convertCapture(source: CaptureSegments, options: ConvertOptions = {}): ConvertResult | string {
  const selected = selectConnection(splitConnections(source), options.connection);
  if (typeof selected === 'string') return selected;
  return convertConnection(selected, options);
}

// Each loop over the segments below is a function of its own: V8 optimises a long-running loop
// while it runs, and a loop that shares its function with code that has not run yet is thrown back
// to the interpreter when it gets there.

export function convertConnection(connection: CaptureConnection, options: ConvertOptions = {}): ConvertResult {
  const warnings: string[] = [];
  const limit = options.limit !== undefined && options.limit >= 0 ? options.limit : Infinity;
  const { segments } = connection;
  const ordered = inTimeOrder(segments, connection.rows.subarray(0, limit));
  const unique = withoutCopies(segments, ordered);
  if (unique.length < ordered.length) {
    const n = ordered.length - unique.length;
    warnings.push(`${n} packet${n === 1 ? ' was' : 's were'} captured twice (the same packet on two interfaces, as \`tcpdump -i any\` shows a bridged or forwarded one); each is written once`);
  }
  const packets = synsFirst(segments, unique);
  const fastOpen = fastOpenAccepted(segments, packets);
  if (fastOpen > 0) {
    warnings.push(`the server acknowledged the ${fastOpen} octet${fastOpen === 1 ? '' : 's'} the client's SYN carried (TCP Fast Open, RFC 7413); tcpseq's receivers acknowledge only the SYN, so the check reports the acks that cover that data as errors`);
  }
  const cut = connection.packetCount - ordered.length;
  const lines = buildLines(connection, segments, packets, warnings);
  const { rows, order } = lines;
  const n = order.length;

  // Without both SYNs the window scale is unknown, and a window field alone would mislead.
  const optionsCut = synOptionsCut(lines);
  if (optionsCut) warnings.push('the capture\'s snapshot length cut the options of a SYN: its window scale is unknown, so no win= is written');
  const windowCut = !optionsCut && windowsCut(segments, packets);
  if (windowCut) warnings.push('the capture\'s snapshot length cut the TCP header of some packets before their window, so no win= is written');
  const writeWindow = (options.window ?? true) && firstSyn(lines, 0, true) >= 0 && firstSyn(lines, 1, true) >= 0 && !optionsCut && !windowCut;
  // Relative numbering: x from the client's ISN, y from the server's (or the first position seen),
  // x2 and y2 from those of the connection's second incarnation, and so on; by number space
  // (2 * incarnation + side). NaN: numbers as sent.
  const incarnations = rows.current + 1;
  const base = new Float64Array(2 * incarnations).fill(NaN);
  if (options.relative) {
    for (let k = 0; k < incarnations; k++) {
      base[2 * k] = relativeBase(lines, 0, k);
      base[2 * k + 1] = relativeBase(lines, 1, k);
    }
  }

  const out = new TextBuffer(100 * n + 1024);
  let lineCount = 0;
  const line = (text: string) => { out.text(text); out.text('\n'); lineCount++; };
  // A file name may hold a line break: the comment must stay one line.
  const source = options.source ? ` from ${options.source.replace(/[\r\n]/g, ' ')}` : '';
  line(`# Imported${source}: connection ${connection.index}, ${connection.client.text} -> ${connection.server.text}, ${connection.packetCount} packets`);
  if (cut > 0) line(`# Only the first ${packets.length} packets are written (--limit); ${cut} more are cut.`);
  line(`title ${connection.client.text} -> ${connection.server.text}`);
  line(`participant C as ${connection.client.text}`);
  line(`participant S as ${connection.server.text}`);

  // Refused: the server's first answer to the SYN is a RST, so nothing listened.
  if (n > 0 && rows.flags[order[0]] & SYN) {
    let firstS = 0;
    while (firstS < n && rows.side[order[firstS]] !== 1) firstS++;
    if (firstS < n && rows.flags[order[firstS]] & RST) line('S: CLOSED');
  }

  const arrows = chooseArrows(lines);
  const written = options.parse ? new WrittenRows(n, lineCount) : undefined;
  writeSegments(out, lines, arrows, base, writeWindow, (options.waitThresholdMs ?? 1000) / 1000, written);
  if (cut > 0) line(`# ... ${cut} more packets cut (--limit ${packets.length})`);
  const text = out.toString();
  return { text, connection, warnings, parsed: written && parseWritten(text, written.table) };
}

/**
 * The rows in the order of their timestamps, those with the same time in capture order. A capture
 * taken on several processors can store a packet after one tapped later; the time tells. (Packets
 * tapped in the same microsecond keep the file's order: see CaptureOrder for what is done then.)
 */
function inTimeOrder(s: Segments, rows: Int32Array): Int32Array {
  const { seconds, nanos } = s;
  // Nearly in order, as such captures are: an insertion sort, which moves a packet back only where
  // it is out of order (the array is copied then), and keeps equal times in capture order. Past a
  // budget of moves, a general sort (Array.prototype.sort is stable too).
  let out = rows;
  let budget = 16 * rows.length + 1024;
  for (let k = 1; k < out.length; k++) {
    const r = out[k];
    const q = out[k - 1];
    if (seconds[q] < seconds[r] || (seconds[q] === seconds[r] && nanos[q] <= nanos[r])) continue;
    if (out === rows) out = Int32Array.from(rows);
    let j = k;
    while (j > 0 && (seconds[r] < seconds[out[j - 1]] || (seconds[r] === seconds[out[j - 1]] && nanos[r] < nanos[out[j - 1]]))) {
      out[j] = out[j - 1];
      j--;
      if (--budget === 0) return Int32Array.from([...rows].sort((a, b) => seconds[a] - seconds[b] || nanos[a] - nanos[b]));
    }
    out[j] = r;
  }
  return out;
}

/** How close in time two captures of one packet are (the same packet on two interfaces). */
const COPY_GAP_S = 0.01;
/** How many of a direction's latest packets a packet is compared with. */
const COPY_REACH = 4;

/**
 * The packets without second captures of one packet: a capture on several interfaces (`tcpdump -i
 * any` on a host that bridges or forwards) shows each packet once per interface. A copy has every
 * field of a packet of its direction shortly before it, the IPv4 identification and the TCP
 * checksum too, and was seen elsewhere (another interface, or the other way through one): two
 * packets alike seen at one place, such as two duplicate ACKs, are two packets.
 */
function withoutCopies(s: Segments, rows: Int32Array): Int32Array {
  const { src, srcPort, seq, ack, flags, window, payloadLength, copyKey, seenAt, seconds, nanos } = s;
  let out: Int32Array | undefined;
  let kept = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let copy = false;
    // Only rows with a key can be copies (NaN equals nothing): a plain loop for the rest.
    if (copyKey[r] === copyKey[r]) {
      for (let k = i - 1, seen = 0; k >= 0 && seen < COPY_REACH; k--) {
        const q = rows[k];
        if (seconds[r] - seconds[q] + (nanos[r] - nanos[q]) / 1e9 > COPY_GAP_S) break;
        if (src[q] !== src[r] || srcPort[q] !== srcPort[r]) continue;
        seen++;
        if (copyKey[q] === copyKey[r] && seenAt[q] !== seenAt[r] && seq[q] === seq[r] && ack[q] === ack[r] && flags[q] === flags[r] && window[q] === window[r] && payloadLength[q] === payloadLength[r]) {
          copy = true;
          break;
        }
      }
    }
    if (copy) out ??= rows.slice(); // rows before `kept` stay as they are
    else if (out) out[kept++] = r;
    else kept++;
  }
  return out ? out.subarray(0, kept) : rows;
}

/**
 * A SYN,ACK stored before the SYN it answers (both tapped in the same tick): the SYN moves before
 * it. Done on the packets, before their numbers are read: a SYN may open a new incarnation, whose
 * numbers count afresh from it.
 */
function synsFirst(s: Segments, rows: Int32Array): Int32Array {
  const { flags, seq, ack, srcPort } = s;
  let out = rows;
  for (let i = 0; i < out.length; i++) {
    if ((flags[out[i]] & (SYN | ACK)) !== (SYN | ACK)) continue;
    const synAck = out[i];
    // Not when the SYN it answers came before it: a SYN after it is that SYN sent again.
    if (answersEarlierSyn(s, out, i)) continue;
    // The SYN it acknowledges, among the next few packets, from the other side.
    for (let j = i + 1; j < out.length && j <= i + 4; j++) {
      const r = out[j];
      if ((flags[r] & (SYN | ACK | RST)) === SYN && srcPort[r] !== srcPort[synAck] && (seq[r] + 1) % TWO_32 === ack[synAck]) {
        if (out === rows) out = Int32Array.from(rows);
        out.copyWithin(i + 1, i, j);
        out[i] = r;
        i++;
        break;
      }
    }
  }
  return out;
}

/** True when a SYN that the SYN,ACK at `out[i]` acknowledges comes before it (a few packets back at most). */
function answersEarlierSyn(s: Segments, out: Int32Array, i: number): boolean {
  const { flags, seq, ack, srcPort } = s;
  const synAck = out[i];
  for (let j = i - 1; j >= 0 && j >= i - SYN_REACH; j--) {
    const r = out[j];
    if ((flags[r] & (SYN | ACK | RST)) === SYN && srcPort[r] !== srcPort[synAck] && (seq[r] + 1) % TWO_32 === ack[synAck]) return true;
  }
  return false;
}

/** How many packets back from a SYN,ACK answersEarlierSyn looks for its SYN. */
const SYN_REACH = 64;

/** True when the snapshot length cut the options of either side's first captured SYN. */
function synOptionsCut(lines: Lines): boolean {
  for (const side of [0, 1] as const) {
    const line = firstSyn(lines, side, true);
    if (line >= 0 && lines.segments.options.get(lines.rows.segment[lines.order[line]])?.cut) return true;
  }
  return false;
}

/** Whether the snapshot length cut the window of one of the packets (a window of -1). */
function windowsCut(s: Segments, rows: Int32Array): boolean {
  for (let i = 0; i < rows.length; i++) if (s.window[rows[i]] < 0) return true;
  return false;
}

/** The line of `side`'s first SYN (captured only, if asked), or -1. */
function firstSyn({ rows, order }: Lines, side: 0 | 1, capturedOnly: boolean): number {
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    if (rows.side[r] === side && rows.flags[r] & SYN && !(capturedOnly && rows.notCaptured[r])) return i;
  }
  return -1;
}

/**
 * Where `side`'s relative numbers count from in incarnation `k`: its ISN, else the first position
 * of its space seen.
 */
function relativeBase({ rows, order }: Lines, side: 0 | 1, k: number): number {
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    if (rows.incarnation[r] === k && rows.side[r] === side && rows.flags[r] & SYN) return rows.seqExt[r];
  }
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    if (rows.incarnation[r] !== k) continue;
    if (rows.side[r] === side && !(rows.flags[r] & RST)) return rows.seqExt[r];
    if (rows.side[r] !== side && rows.hasAck(r)) return rows.ackExt[r];
  }
  return NaN;
}

/** The variable of number space `space` (2 * incarnation + side): x, y, then x2, y2... */
function variableName(space: number): string {
  const k = space >> 1;
  return (space & 1 ? 'y' : 'x') + (k === 0 ? '' : String(k + 1));
}

const variableBytes: Uint8Array[] = [];

/** variableName as bytes (made once per space). */
function variableAscii(space: number): Uint8Array {
  return (variableBytes[space] ??= ascii(variableName(space)));
}

// The fixed words of segment lines, as bytes: copied, not converted, for every line.
/** What a line says after its fields, by Rows.notCaptured. */
const NOT_CAPTURED_TEXT = 'not captured';
const NOT_CAPTURED = [ascii(''), ascii(` : ${NOT_CAPTURED_TEXT}`)];
const ACK_IS = ascii(' ack=');
const LEN_IS = ascii(' len=');
const WIN_IS = ascii(' win=');
/** The time comment: `  # frame 12, +0.001234 s`, or `  # +0.001234 s` for a missing segment. */
const FRAME_IS = ascii('  # frame ');
const FRAME_TIME = ascii(', +');
const MISSING_TIME = ascii('  # +');
const SECONDS = ascii(' s\n');

/** No segment line is longer than this: fixed words, at most 6 numbers of at most 30 characters. */
const MAX_SEGMENT_LINE = 400;

/** Writes a line per segment, with `wait` lines (or comments) where time passes. */
function writeSegments(out: TextBuffer, { segments, rows, order }: Lines, arrows: Arrows, base: Float64Array, writeWindow: boolean, thresholdS: number, written: WrittenRows | undefined): void {
  const { side: sides, flags: flagsOf, seq: seqs, seqExt, ackExt, len, time: times, notCaptured, segment: segmentOf, part: parts, partCount: partCounts, incarnation, afterTimeout } = rows;
  const { ack: acks, window: windows, frame: frames } = segments;
  const { kind, inFlightUntil } = arrows;
  const flagWords = flagsSeq();
  // The index of the last segment some in-flight `~>` must still be in flight for.
  let mustStayInFlightUntil = -1;
  let b = out.bytes;
  let at = out.length;
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    const side = sides[r];
    const flags = flagsOf[r];
    const time = times[r];
    if (i > 0) {
      const gap = time - times[order[i - 1]];
      if ((gap >= thresholdS || (afterTimeout.size > 0 && afterTimeout.has(r))) && gap > 0) {
        // A `wait` delivers every segment in flight: only write one where that is what happened.
        out.length = at;
        out.text(mustStayInFlightUntil < i ? `wait ${formatDuration(gap)}\n`
          : `# ${formatDuration(gap)} pass here (no wait line: segments are still in flight)\n`);
        at = out.length;
        if (written) written.line++;
      }
    }
    if (at + MAX_SEGMENT_LINE > b.length) {
      out.length = at;
      b = out.reserve(MAX_SEGMENT_LINE);
    }
    const arrow = kind[i];
    // -1 unless `~>`. (Branch-free code in this loop is on purpose: V8 optimises the loop early,
    // and any branch first taken after that sends it back to the interpreter for a while.)
    mustStayInFlightUntil = Math.max(mustStayInFlightUntil, inFlightUntil[i]);
    const p = segmentOf[r]; // -1: not captured
    const seq = seqs[r];
    // The number spaces of the sender and of the receiver, in this incarnation.
    const space = 2 * incarnation[r] + side;
    const peerSpace = space ^ 1;
    const lineStart = at;
    at = putBytes(b, at, LINE_STARTS[side * 3 + arrow]);
    at = putBytes(b, at, flagWords[flags]);
    const seqStart = at;
    // A RST with seq 0 answers a segment without ACK (RFC 9293 section 3.5.2): 0 is meant literally.
    const literalSeq = seq === 0 && (flags & RST) !== 0;
    at = literalSeq ? putInteger(b, at, 0) : putSeq(b, at, space, seq, seqExt[r], base);
    const seqEnd = at;
    const hasAck = p >= 0 && (flags & ACK) !== 0;
    let ackStart = at;
    if (hasAck) {
      at = putBytes(b, at, ACK_IS);
      ackStart = at;
      at = putSeq(b, at, peerSpace, acks[p], ackExt[r], base);
    }
    const ackEnd = at;
    if (len[r] > 0) {
      at = putBytes(b, at, LEN_IS);
      at = putInteger(b, at, len[r]);
    }
    // The model scales `win` itself when both SYNs carried wscale: write the field as sent.
    const hasWin = p >= 0 && writeWindow && !(flags & RST);
    if (hasWin) {
      at = putBytes(b, at, WIN_IS);
      at = putInteger(b, at, windows[p]);
    }
    const synOptions = p >= 0 && flags & SYN ? segments.options.get(p) : undefined;
    const optionsStart = at;
    at = putSynOptions(b, at, synOptions);
    at = putBytes(b, at, NOT_CAPTURED[notCaptured[r]]);
    if (written) {
      written.begin(out.offsetOf(lineStart), side, arrow, flags);
      if (literalSeq) written.seq(-1, 0, seqStart - lineStart, seqEnd - lineStart);
      else written.number(0, space, seq, seqExt[r], base, seqStart - lineStart, seqEnd - lineStart);
      if (hasAck) written.number(1, peerSpace, acks[p], ackExt[r], base, ackStart - lineStart, ackEnd - lineStart);
      written.end(len[r], hasWin ? windows[p] : -1, synOptions, optionsStart - lineStart, notCaptured[r] === 1, at - lineStart);
    }
    at = putBytes(b, at, p >= 0 ? FRAME_IS : MISSING_TIME);
    if (p >= 0) {
      at = putInteger(b, at, frames[p]);
      if (parts[r] > 0) at = putPart(b, at, parts[r], partCounts[r]);
      at = putBytes(b, at, FRAME_TIME);
    }
    at = putFixed6(b, at, time);
    at = putBytes(b, at, SECONDS);
  }
  out.length = at;
}

/**
 * The segment lines as the check's parser reads them, filled in while they are written: rows of a
 * SegmentTable (see parseWritten). A line the parser would find an error on (a number past 2^32,
 * a window scale past 14) is left out: the parser reads it, and reports the error.
 */
class WrittenRows {
  readonly table: SegmentTable;
  /** The line being written. */
  line: number;
  /** Name ids of C and S (by side), and of x and y (by number space). */
  private readonly endpoints: Int32Array;
  /** Name ids of the variables, by number space (see variableName), made when first used. */
  private readonly variables: number[] = [];
  /** Where the line begun last starts in the text, and whether its row can be added. */
  private start = 0;
  private fits = true;

  constructor(rows: number, firstLine: number) {
    this.table = new SegmentTable(rows, []);
    this.line = firstLine;
    const t = this.table;
    this.endpoints = Int32Array.of(t.nameId('C'), t.nameId('S'));
    this.variables.push(t.nameId('x'), t.nameId('y'));
  }

  /** Starts the row of the segment line that starts at `start` in the text. */
  begin(start: number, side: number, arrow: number, flags: number): void {
    const row = this.table.scratch;
    row.reset();
    this.fits = true;
    this.start = start;
    row.sender = this.endpoints[side];
    row.receiver = this.endpoints[1 - side];
    row.arrowKind = ARROW_TEXT[arrow];
    const columns = flagColumns();
    row.flagBits = columns[3 * flags];
    row.flagOrder = columns[3 * flags + 1];
    row.flagCount = columns[3 * flags + 2];
  }

  /** A seq (`field` 0) or ack (1) written by putSeq, at [from, to) of its line. */
  number(field: number, space: number, raw: number, ext: number, base: Float64Array, from: number, to: number): void {
    const origin = base[space];
    if (Number.isNaN(origin)) return this.seq(-1, raw, from, to, field);
    const d = ext - origin;
    // Past 2^32 the parser reports the number: the line is left to it.
    if (Math.abs(d) >= TWO_32) this.fits = false;
    const variable = this.variables[space] ?? (this.variables[space] = this.table.nameId(variableName(space)));
    this.seq(variable, d < 0 ? d + TWO_32 : d, from, to, field);
  }

  /** The seq (or, `field` 1, ack) expression `variable+offset` at [from, to). */
  seq(variable: number, offset: number, from: number, to: number, field = 0): void {
    const row = this.table.scratch;
    if (field === 0) {
      row.seqWritten = true; row.seqVar = variable; row.seqOffset = offset; row.seqExprStart = from; row.seqEnd = to;
    } else {
      row.ackWritten = true; row.ackVar = variable; row.ackOffset = offset; row.ackExprStart = from; row.ackEnd = to;
    }
  }

  /**
   * Ends the row: `len=` (when above 0), `win=` (-1: none), the SYN's options written by
   * putSynOptions from `optionsAt`, the `not captured` label, and where the statement ends.
   */
  end(len: number, win: number, options: SegmentOptions | undefined, optionsAt: number, notCaptured: boolean, end: number): void {
    const row = this.table.scratch;
    if (len > 0) row.lenValue = len;
    row.winValue = win;
    if (options) {
      let at = optionsAt + 1; // after the space
      if (options.mss !== undefined) {
        const to = at + 4 + String(options.mss).length;
        row.mss = { name: 'mss', range: new LineRange(this.line, at, to), number: options.mss };
        at = to + 1;
      }
      if (options.wscale !== undefined) {
        const to = at + 7 + String(options.wscale).length;
        row.wscale = { name: 'wscale', range: new LineRange(this.line, at, to), number: options.wscale };
        if (options.wscale > 14) this.fits = false;
        at = to + 1;
      }
      if (options.sackPermitted) row.sackok = { name: 'sackok', range: new LineRange(this.line, at, at + 6) };
    }
    if (notCaptured) row.labelStart = end - NOT_CAPTURED_TEXT.length;
    row.end = end;
    if (this.fits) this.table.add(this.start, this.line, 0);
    this.line++;
  }
}

let flagColumnsByFlags: Int32Array | undefined;

/** The flags of a line as written (flagTextOf), as a row's flagBits, flagOrder and flagCount: 3 numbers by flags. */
function flagColumns(): Int32Array {
  if (flagColumnsByFlags) return flagColumnsByFlags;
  const columns = new Int32Array(3 * 256);
  const row = new SegmentRow();
  for (let flags = 0; flags < 256; flags++) {
    row.reset();
    for (const word of flagTextOf(flags).split(' ')) row.addFlag((FLAGS as readonly string[]).indexOf(word));
    columns.set([row.flagBits, row.flagOrder, row.flagCount], 3 * flags);
  }
  return (flagColumnsByFlags = columns);
}

const PART_IS = ascii(', part ');
const OF = ascii(' of ');

/** `, part K of N`: which part of a segment cut in parts (splitAtAcks) a line is. */
function putPart(b: Uint8Array, at: number, part: number, count: number): number {
  at = putBytes(b, at, PART_IS);
  at = putInteger(b, at, part);
  at = putBytes(b, at, OF);
  return putInteger(b, at, count);
}

/** A sequence number of `space`: relative to its base (`x+N`, `y2-N`), or as sent without one. */
function putSeq(b: Uint8Array, at: number, space: number, raw: number, ext: number, base: Float64Array): number {
  const from = base[space];
  if (Number.isNaN(from)) return putInteger(b, at, raw);
  const d = ext - from;
  if (space < 2) b[at++] = 0x78 + space; // x, y: the first incarnation, nearly always
  else at = putBytes(b, at, variableAscii(space));
  if (d === 0) return at;
  b[at++] = d > 0 ? 0x2b : 0x2d; // +, -
  return putInteger(b, at, Math.abs(d));
}

function putSynOptions(b: Uint8Array, at: number, p: SegmentOptions | undefined): number {
  if (!p) return at;
  if (p.mss !== undefined) { at = putText(b, at, ' mss='); at = putInteger(b, at, p.mss); }
  if (p.wscale !== undefined) { at = putText(b, at, ' wscale='); at = putInteger(b, at, p.wscale); }
  if (p.sackPermitted) at = putText(b, at, ' sackok');
  return at;
}

/** Capture order -> lines, unwrapping sequence numbers and filling gaps the capture missed. */
function buildLines(connection: CaptureConnection, segments: Segments, packets: Int32Array, warnings: string[]): Lines {
  const capture = new CaptureOrder(connection, packets);
  capture.takeAll(segments, packets);
  if (capture.gapsFilled > 0) {
    const n = capture.gapsFilled;
    warnings.push(`${n} segment${n === 1 ? ' was' : 's were'} not captured; written as lines labelled 'not captured'`);
  }
  if (capture.reordered > 0) {
    const n = capture.reordered;
    warnings.push(`${n} segment${n === 1 ? ' was' : 's were'} captured out of order; written where they were sent (as ~>)`);
  }
  const captured = capture.lineOrder();
  sendAcksInOrder(capture.rows, captured);
  sendRetransmissionsBeforeTheirAcks(capture.rows, captured);
  const { order, cut } = capture.longerThanMss ? splitAtAcks(capture.rows, captured) : { order: captured, cut: 0 };
  if (cut > 0) {
    warnings.push(cut === 1
      ? '1 captured segment is written in parts, cut where the peer\'s acks or its side\'s retransmissions fall inside it (segmentation offload at the capturing host: the wire carried smaller segments)'
      : `${cut} captured segments are written in parts, cut where the peer's acks or their side's retransmissions fall inside them (segmentation offload at the capturing host: the wire carried smaller segments)`);
  }
  return { segments, rows: capture.rows, order };
}

/** How many unacknowledged retransmissions of a side splitAtAcks keeps in view. */
const RESENT_REACH = 256;

/**
 * A host that hands large segments to its network card (TSO) or cuts them itself late (GSO) is
 * captured sending segments of many MSS; the wire carries them one MSS at a time, and the peer
 * acknowledges what it has received, often the middle of such a segment. An ack inside a segment
 * would acknowledge octets that never arrived, so such a segment is written in parts, cut where an
 * ack of the peer falls inside it while it is outstanding. Returns the lines with the parts, and
 * how many segments were cut.
 */
function splitAtAcks(rows: Rows, order: Int32Array): { order: Int32Array; cut: number } {
  const n = order.length;
  // Per side: its new data (rows), in sequence order, from the first not yet acknowledged to its end.
  const queue = new Int32Array(2 * n);
  const head = Int32Array.of(0, n);
  const tail = Int32Array.of(0, n);
  const highest = Float64Array.of(-Infinity, -Infinity);
  // Per side: its retransmissions not yet acknowledged. Offloaded, they are cut on their way as new
  // data is, and the receiver acks their parts as they arrive (a few at a time: loss is rare).
  const resent: number[][] = [[], []];
  let cuts: Map<number, number[]> | undefined;
  for (let i = 0; i < n; i++) {
    const r = order[i];
    const side = rows.side[r];
    const seq = rows.seqExt[r];
    if (rows.len[r] > 0 && !rows.notCaptured[r] && !(rows.flags[r] & (SYN | RST))) {
      if (seq >= highest[side]) {
        queue[tail[side]++] = r;
        highest[side] = endOf(rows, r);
      } else {
        // Resent from inside a segment sent whole, or up to inside one: the wire carried that one
        // in parts, and this resends some of them. The original, for the check, has this seq; the
        // parts after the end, not resent, may have arrived.
        const o = containing(rows, queue, side * n, tail[side], seq);
        if (o >= 0) cuts = cutAt(cuts, o, seq);
        const end = seq + rows.len[r];
        const e = containing(rows, queue, side * n, tail[side], end);
        if (e >= 0) cuts = cutAt(cuts, e, end);
        if (resent[side].length < RESENT_REACH) resent[side].push(r);
      }
    }
    const ack = rows.ackExt[r]; // NaN without ACK: compares false below
    const peer = 1 - side;
    let h = head[peer];
    while (h < tail[peer] && endOf(rows, queue[h]) <= ack) h++;
    head[peer] = h;
    if (h < tail[peer] && rows.seqExt[queue[h]] < ack) cuts = cutAt(cuts, queue[h], ack);
    const theirs = resent[peer];
    if (theirs.length > 0 && ack === ack) cuts = cutResent(rows, theirs, ack, cuts);
  }
  if (!cuts) return { order, cut: 0 };
  let extra = 0;
  for (const points of cuts.values()) extra += points.length;
  const lines = new Int32Array(n + extra);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i];
    const points = cuts.get(r);
    lines[o++] = r;
    if (!points) continue;
    // The row itself becomes the first part; PSH and FIN stay with the last.
    const seq = rows.seqExt[r];
    const dataEnd = seq + rows.len[r];
    const flags = rows.flags[r];
    const count = points.length + 1;
    rows.len[r] = points[0] - seq;
    rows.flags[r] = flags & ~(FIN | PSH);
    rows.part[r] = 1;
    rows.partCount[r] = count;
    for (let k = 0; k < points.length; k++) {
      const to = k + 1 < points.length ? points[k + 1] : dataEnd;
      const part = rows.addPart(r, points[k] - seq, to - points[k], k + 1 < points.length ? flags & ~(FIN | PSH) : flags);
      rows.part[part] = k + 2;
      rows.partCount[part] = count;
      lines[o++] = part;
    }
  }
  return { order: lines, cut: cuts.size };
}

/**
 * Cuts each retransmission of `resent` that `ack` falls inside, and forgets those it covers. An
 * ack inside one says its receiver got it in parts (the first of them at least).
 */
function cutResent(rows: Rows, resent: number[], ack: number, cuts: Map<number, number[]> | undefined): Map<number, number[]> | undefined {
  let kept = 0;
  for (let k = 0; k < resent.length; k++) {
    const r = resent[k];
    if (endOf(rows, r) <= ack) continue;
    if (rows.seqExt[r] < ack) cuts = cutAt(cuts, r, ack);
    resent[kept++] = r;
  }
  resent.length = kept;
  return cuts;
}

/**
 * The row among queue[from, to) (rows in sequence order) that has `seq` strictly inside it, or -1.
 */
function containing(rows: Rows, queue: Int32Array, from: number, to: number, seq: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows.seqExt[queue[mid]] <= seq) lo = mid + 1;
    else hi = mid;
  }
  if (lo === from) return -1;
  const r = queue[lo - 1];
  return rows.seqExt[r] < seq && seq < rows.seqExt[r] + rows.len[r] ? r : -1;
}

/** Records that row `r` is cut at `at` (points kept in order, each once). */
function cutAt(cuts: Map<number, number[]> | undefined, r: number, at: number): Map<number, number[]> {
  cuts ??= new Map();
  const points = cuts.get(r);
  if (!points) {
    cuts.set(r, [at]);
  } else if (at > points[points.length - 1]) {
    points.push(at); // acks come in order: nearly always
  } else if (!points.includes(at)) {
    points.push(at);
    points.sort((a, b) => a - b);
  }
  return cuts;
}

/** `x % 2^32` for x >= 0, without a floating-point remainder (a slow library call). */
function low32(x: number): number {
  return x - Math.floor(x / TWO_32) * TWO_32;
}

/**
 * A raw sequence number of `space` -> unwrapped onto a line, near `ref[space]`, the highest value
 * of that space seen so far (NaN before the first), which moves up when `update` is set.
 */
function unwrap(ref: Float64Array, space: number, raw: number, update: boolean): number {
  const r = ref[space];
  if (Number.isNaN(r)) {
    // Start one turn up, so that values just below the first one stay positive.
    if (update) ref[space] = raw + TWO_32;
    return raw + TWO_32;
  }
  // r >= 2^32 (it starts a turn up and only grows), so low32 applies.
  const ext = r + ((raw - low32(r)) | 0);
  if (update && ext > r) ref[space] = ext;
  return ext;
}

/** A missing segment written into the lines, which a late packet may turn out to be. */
interface OpenGap {
  row: number;
  /** The list, placed before a captured segment, that holds it. */
  readonly list: number[];
  /** Duplicate ACKs of the peer that asked for it since. */
  dupAcks: number;
  /** True once its side resent other octets while it was open: its side is recovering from loss. */
  resent: boolean;
  /** True once an ack of the peer stopped at its start: the peer asked for exactly these octets. */
  askedFor: boolean;
}

/** The segments of a connection taken in capture order, with what each side is known to have sent. */
class CaptureOrder {
  readonly rows: Rows;
  /** Rows of the captured segments, in capture order (a late segment that fills a gap is not here). */
  private readonly items: Int32Array;
  private itemCount = 0;
  /** Per sequence space (0: the client's octets, 1: the server's): see unwrap(). */
  private readonly ref = new Float64Array([NaN, NaN]);
  /** SND.MAX of each side as far as the capture shows: the end of the highest octet sent; NaN while unknown. */
  private readonly sndMax = new Float64Array([NaN, NaN]);
  /** The sequence number of each side's SYN; NaN before one. */
  private readonly synSeq = new Float64Array([NaN, NaN]);
  /** Gaps written as missing segments that a later packet may still fill (reordering), per side. */
  private readonly openGaps: [OpenGap[], OpenGap[]] = [[], []];
  /** How many gaps each side has open: what the loop over the packets looks at (it stays clear of the lists). */
  private readonly openGapCount = new Int32Array(2);
  /**
   * Every missing segment of each side, open or not, in sequence order: a retransmission that
   * starts inside one splits it (see splitMissing).
   */
  private readonly missingParts: [OpenGap[], OpenGap[]] = [[], []];
  /** Missing segments to be placed before an entry of `items` (by its index there). */
  private readonly insertBefore = new Map<number, number[]>();
  private inserted = 0;
  /** Index in `items` of each side's latest segment. */
  private readonly lastSent = new Int32Array([-1, -1]);
  /** The ack of each side's latest segment with ACK; NaN before one. */
  private readonly lastAck = new Float64Array([NaN, NaN]);
  gapsFilled = 0;
  reordered = 0;
  /**
   * False when every captured segment fits the MSS its receiver announced on its SYN: then none was
   * cut on its way, and no ack can fall inside one (see splitAtAcks). True when one is longer, or an
   * MSS is unknown.
   */
  longerThanMss = true;

  constructor(private readonly connection: CaptureConnection, packets: Int32Array) {
    this.rows = new Rows(packets.length + (packets.length >> 3) + 16);
    this.items = new Int32Array(packets.length);
  }

  /** Where the captured times count from (the first packet's), and the client's address id and port. */
  private t0 = 0;
  private clientAddress = -1;
  private clientPort = -1;

  /**
   * Takes the packets in capture order. Most are handled by takeCommon; a packet that needs a rare
   * step (a SYN or RST, an open gap, octets skipped) is handled alone by takeOne, then takeCommon
   * goes on. So the loop V8 optimises holds no call that has not run yet: such a call, met first
   * after the loop was optimised, throws its optimised code away.
   */
  takeAll(s: Segments, packets: Int32Array): void {
    if (packets.length === 0) return;
    this.clientAddress = s.findAddress(this.connection.client.address);
    this.clientPort = this.connection.client.port;
    this.t0 = s.seconds[packets[0]] + s.nanos[packets[0]] / 1e9;
    let i = 0;
    while (i < packets.length) {
      i = this.takeCommon(s, packets, i);
      if (i < packets.length) this.takeOne(s, packets[i++]);
    }
    this.missedAtTheEnd(s, s.seconds[packets[packets.length - 1]] + s.nanos[packets[packets.length - 1]] / 1e9 - this.t0);
  }

  /**
   * Octets a side's peer acknowledged but the capture never showed, nor anything after them: a
   * missing segment at the end, before the first ACK of it. And a missing octet that nothing of
   * its side follows, from a side whose FIN the capture does not hold, was that FIN: it is
   * written as one (so the states move as they did).
   */
  private missedAtTheEnd(s: Segments, lastTime: number): void {
    const { rows, sndMax } = this;
    const finSeen = [false, false];
    const acked = Float64Array.of(-Infinity, -Infinity);
    // The MSS each side may send: what the other side's SYN announced (NaN: unknown).
    const mss = Float64Array.of(NaN, NaN);
    const longest = Float64Array.of(0, 0);
    for (let r = 0; r < rows.count; r++) {
      if (rows.notCaptured[r]) continue;
      const side = rows.side[r];
      const flags = rows.flags[r];
      if (flags & FIN) finSeen[side] = true;
      if (flags & SYN) mss[1 - side] = s.options.get(rows.segment[r])?.mss ?? NaN;
      if (rows.len[r] > longest[side]) longest[side] = rows.len[r];
      if (rows.ackExt[r] > acked[1 - side]) acked[1 - side] = rows.ackExt[r]; // NaN (no ACK) is not >
    }
    // NaN (an MSS unknown) compares false: then a segment may be longer.
    this.longerThanMss = !(longest[0] <= mss[0] && longest[1] <= mss[1]);
    for (const side of [0, 1]) {
      const known = sndMax[side];
      const skipped = acked[side] - known; // NaN while unknown
      if (skipped > 0 && skipped < MAX_GAP) {
        this.missing(side, known, acked[side], lastTime);
        sndMax[side] = acked[side];
      }
      if (finSeen[side]) continue;
      for (const gap of this.missingParts[side]) {
        const r = gap.row;
        if (rows.len[r] === 1 && rows.seqExt[r] + 1 === sndMax[side]) {
          rows.len[r] = 0;
          rows.flags[r] = ACK | FIN;
        }
      }
    }
  }

  /** The side (0: client) that sent row `p` of `s`. */
  private sideOf(s: Segments, p: number): number {
    return s.srcPort[p] === this.clientPort && s.src[p] === this.clientAddress ? 0 : 1;
  }

  /**
   * Takes packets from `from` on while none needs a rare step; returns the index of the first that
   * does (or the end). Does the same as takeOne for those packets.
   */
  private takeCommon(s: Segments, packets: Int32Array, from: number): number {
    const { rows, items, ref, sndMax, openGapCount, lastSent, lastAck, t0 } = this;
    const { flags: flagsOf, seq, ack, payloadLength, seconds, nanos } = s;
    for (let i = from; i < packets.length; i++) {
      const p = packets[i];
      const side = this.sideOf(s, p);
      const other = 1 - side;
      const flags = flagsOf[p];
      if (flags & (SYN | RST) || openGapCount[0] + openGapCount[1] > 0) return i;
      const seqExt = unwrap(ref, side, seq[p], false);
      const known = sndMax[side];
      const skipped = seqExt - known; // NaN while unknown
      const near = skipped < MAX_GAP;
      if (skipped > 0 && near) return i; // octets of this side not captured
      if (skipped < 0 && this.missingParts[side].length > 0) return i; // may split a missing segment
      // From here on, what takeOne does for a packet without SYN or RST, no open gap, nothing skipped.
      if (!(seqExt <= ref[side])) ref[side] = seqExt; // as unwrap with `update` (NaN: the first)
      const hasAck = (flags & ACK) !== 0;
      const ackExt = hasAck ? unwrap(ref, other, ack[p], true) : NaN;
      if (hasAck && Number.isNaN(sndMax[other])) sndMax[other] = ackExt;
      if (hasAck) lastAck[side] = ackExt;
      const end = seqExt + payloadLength[p] + (flags & FIN ? 1 : 0);
      if (Number.isNaN(known) || end > known || !near) sndMax[side] = end;
      lastSent[side] = this.itemCount;
      const time = seconds[p] + nanos[p] / 1e9 - t0;
      items[this.itemCount++] = rows.addCaptured(side, s, p, seqExt, ackExt, time);
    }
    return packets.length;
  }

  /** Takes one packet, whatever it needs. */
  private takeOne(s: Segments, p: number): void {
    const { rows, items, ref, sndMax, openGapCount, lastSent } = this;
    const side = this.sideOf(s, p);
    const other = 1 - side;
    const flags = s.flags[p];
    const isRst = (flags & RST) !== 0;
    const isSyn = (flags & SYN) !== 0;
    const isFin = (flags & FIN) !== 0;
    const hasAck = (flags & ACK) !== 0;
    const len = s.payloadLength[p];
    const time = s.seconds[p] + s.nanos[p] / 1e9 - this.t0;
    if (isSyn && !hasAck) this.syn(side, s.seq[p]);
    const seqExt = unwrap(ref, side, s.seq[p], !isRst);
    const ackExt = hasAck ? unwrap(ref, other, s.ack[p], !isRst) : NaN;
    // A duplicate ACK: no octets, and the ack of this side's segment before.
    const previousAck = this.lastAck[side];
    const duplicate = len === 0 && !isSyn && !isFin && ackExt === previousAck;
    if (hasAck && !isRst) this.lastAck[side] = ackExt;
    if (!isRst && hasAck && openGapCount[other] > 0) this.peerAsks(other, ackExt, duplicate);
    if (!isRst && !isSyn && (len > 0 || isFin) && seqExt < sndMax[side]) this.splitMissing(side, seqExt);
    if (!isRst && !isSyn && !isFin && len > 0 && openGapCount[side] > 0 && !(ackExt > previousAck) && this.fillsGap(side, s, p, seqExt, ackExt)) return;
    // Resending octets not yet acknowledged: recovering from loss.
    if (!isRst && !isSyn && len > 0 && seqExt < sndMax[side] && seqExt >= this.lastAck[other]) for (const gap of this.openGaps[side]) gap.resent = true;
    if (!isRst) {
      if (hasAck && Number.isNaN(sndMax[other])) sndMax[other] = ackExt;
      const known = sndMax[side];
      const skipped = seqExt - known; // NaN while unknown
      const near = skipped < MAX_GAP;
      // Octets of this side skipped over: sent, but not in the capture.
      if (skipped > 0 && near && !isSyn) this.missing(side, known, seqExt, time);
      const end = seqExt + len + (isSyn ? 1 : 0) + (isFin ? 1 : 0);
      if (Number.isNaN(known) || end > known || !near) sndMax[side] = end;
      lastSent[side] = this.itemCount;
    }
    items[this.itemCount++] = rows.addCaptured(side, s, p, seqExt, ackExt, time);
  }

  /** A SYN with another ISN on the same 4-tuple: a new incarnation with its own numbers. */
  private syn(side: number, seq: number): void {
    const before = this.synSeq[side];
    if (!Number.isNaN(before) && before !== seq) {
      this.ref.fill(NaN);
      this.sndMax.fill(NaN);
      this.lastAck.fill(NaN);
      // Numbers of the old incarnation: no retransmission of the new one splits its missing segments.
      this.missingParts[0] = [];
      this.missingParts[1] = [];
      this.rows.current++;
    }
    this.synSeq[side] = seq;
  }

  /**
   * The peer still asks for a gap (duplicate ACK), or has it (then it stays a missing segment). A
   * duplicate ACK for an earlier gap counts too: with SACK, the receiver names only its first hole,
   * and octets missing after it are resent without any ACK that asks for them.
   */
  private peerAsks(side: number, ackExt: number, duplicate: boolean): void {
    const rows = this.rows;
    let covered = false;
    for (const gap of this.openGaps[side]) {
      const gapSeq = rows.seqExt[gap.row];
      if (ackExt === gapSeq) gap.askedFor = true;
      if (ackExt === gapSeq || (duplicate && ackExt < gapSeq)) gap.dupAcks++;
      else if (ackExt > gapSeq) covered = true;
    }
    if (covered) {
      this.openGaps[side] = this.openGaps[side].filter((gap) => ackExt <= rows.seqExt[gap.row]);
      this.openGapCount[side] = this.openGaps[side].length;
    }
  }

  /**
   * Reordered in the capture: the octets of a gap show up, before three duplicate ACKs asked for
   * them (a fast retransmission), before the peer acknowledged them, and not once the peer asked
   * for exactly them (its ack stopping at them) while their side was resending other octets (a
   * side recovering from loss resends the gap too, with SACK without three duplicate ACKs for
   * it). Then this is the segment sent at the gap that arrived late: it takes the gap's place (its
   * arrow will be ~>). (Not one whose ack is above its side's latest: that one was sent after.)
   */
  private fillsGap(side: number, s: Segments, segment: number, seqExt: number, ackExt: number): boolean {
    const rows = this.rows;
    const gaps = this.openGaps[side];
    const len = s.payloadLength[segment];
    const gapIndex = gaps.findIndex((g) => rows.seqExt[g.row] === seqExt && rows.len[g.row] >= len && g.dupAcks < 3 && !(g.resent && g.askedFor));
    if (gapIndex < 0) return false;
    const gap = gaps[gapIndex];
    const gapLen = rows.len[gap.row];
    const gapTime = rows.time[gap.row];
    const late = rows.addCaptured(side, s, segment, seqExt, ackExt, gapTime);
    const at = gap.list.indexOf(gap.row);
    if (gapLen === len) {
      gap.list[at] = late;
      gaps.splice(gapIndex, 1);
      const parts = this.missingParts[side];
      parts.splice(parts.indexOf(gap), 1);
      this.openGapCount[side]--;
      this.gapsFilled--;
    } else {
      // The first part of the gap: the rest is still missing.
      const rest = rows.addMissing(side, (rows.seq[gap.row] + len) % TWO_32, seqExt + len, gapLen - len, gapTime);
      gap.list.splice(at, 1, late, rest);
      gap.row = rest;
      this.inserted++;
    }
    this.reordered++;
    return true;
  }

  /**
   * Octets [known, seqExt) of `side` were sent but are not in the capture. The missing segment goes
   * where the capture last showed this side's numbers, or just before the peer first acknowledged
   * part of it, whichever is later (a wrong ack alone does not invent a segment).
   */
  private missing(side: number, known: number, seqExt: number, time: number): void {
    const { rows, items } = this;
    const count = this.itemCount;
    let at = count;
    for (let k = this.lastSent[side] + 1; k < count; k++) {
      const row = items[k];
      if (rows.side[row] !== side && rows.ackExt[row] > known) { at = k; break; } // NaN (no ACK) is not >
    }
    const missing = rows.addMissing(side, known % TWO_32, known, seqExt - known, at < count ? rows.time[items[at]] : time);
    // Kept aside (at === count: before the packet about to be added).
    const list = this.insertBefore.get(at) ?? [];
    this.insertBefore.set(at, list);
    list.push(missing);
    this.inserted++;
    const gap = { row: missing, list, dupAcks: 0, resent: false, askedFor: false };
    this.openGaps[side].push(gap);
    this.openGapCount[side]++;
    this.missingParts[side].push(gap); // above every missing segment before it: in sequence order
    this.gapsFilled++;
  }

  /**
   * A segment of `side` sent again from `seqExt`, inside a missing segment (not at its start): the
   * capture does not show how the missing octets were cut into segments, and this retransmission
   * shows where one began. The missing segment becomes two, so that the retransmission repeats the
   * seq of the second (what the language calls a retransmission). A gap still open stays open in
   * both parts.
   */
  private splitMissing(side: number, seqExt: number): void {
    const parts = this.missingParts[side];
    const rows = this.rows;
    // The last part starting before seqExt (parts are in sequence order).
    let lo = 0;
    let hi = parts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows.seqExt[parts[mid].row] < seqExt) lo = mid + 1; else hi = mid;
    }
    if (lo === 0) return;
    const part = parts[lo - 1];
    const start = rows.seqExt[part.row];
    const len = rows.len[part.row];
    if (seqExt >= start + len) return;
    const head = seqExt - start;
    const rest = rows.addMissing(side, (rows.seq[part.row] + head) % TWO_32, seqExt, len - head, rows.time[part.row]);
    rows.len[part.row] = head;
    part.list.splice(part.list.indexOf(part.row) + 1, 0, rest);
    this.inserted++;
    this.gapsFilled++;
    const restPart = { row: rest, list: part.list, dupAcks: part.dupAcks, resent: part.resent, askedFor: part.askedFor };
    parts.splice(lo, 0, restPart);
    const open = this.openGaps[side];
    const at = open.indexOf(part);
    if (at >= 0) {
      open.splice(at + 1, 0, restPart);
      this.openGapCount[side]++;
    }
  }

  /** Every row, in the order of the document: missing segments before the one they were put before. */
  lineOrder(): Int32Array {
    const items = this.items.subarray(0, this.itemCount);
    const order = new Int32Array(items.length + this.inserted);
    // Runs of captured segments between the places where missing ones go in, copied whole.
    let from = 0;
    let o = 0;
    for (const at of [...this.insertBefore.keys()].sort((x, y) => x - y)) {
      order.set(items.subarray(from, at), o);
      o += at - from;
      for (const row of this.insertBefore.get(at)!) order[o++] = row;
      from = at;
    }
    order.set(items.subarray(from), o);
    return order;
  }
}

/**
 * An endpoint's acks never go down (RCV.NXT only moves forward), nor its seq (SND.NXT), but a
 * capture may show its pure ACKs in another order, as it may show data segments. Each pure ACK moves
 * up before this side's segments that were sent after it: pure ACKs with a higher ack, and segments
 * that start at its seq and so moved SND.NXT past it (over the peer's segments in between, which
 * it does not cover).
 */
function sendAcksInOrder(rows: Rows, order: Int32Array): void {
  const { side: sides, ackExt, seqExt, len, flags: flagsOf } = rows;
  // The line of each side's latest segment, its ack and where its numbers end.
  const last = new Int32Array([-1, -1]);
  const lastAck = Float64Array.of(NaN, NaN);
  const lastEnd = Float64Array.of(NaN, NaN);
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    const side = sides[r];
    const p = last[side];
    const ack = ackExt[r];
    const seq = seqExt[r];
    // Rare (a branch of its own, so this loop stays small): a lower ack or seq after a higher one
    // (NaN, before the first, compares false).
    const late = ack < lastAck[side] || seq < lastEnd[side];
    last[side] = i;
    lastAck[side] = ack;
    lastEnd[side] = seq + len[r] + (flagsOf[r] & SYN ? 1 : 0) + (flagsOf[r] & FIN ? 1 : 0);
    if (late) {
      const to = ackInOrderAt(rows, order, i);
      if (to < i) {
        moveLine(order, i, to);
        // The line before it of its side, moved down by one, is its side's latest again.
        last[side] = p + 1;
        lastAck[side] = ackExt[order[p + 1]];
        lastEnd[side] = endOf(rows, order[p + 1]);
        if (last[1 - side] >= to) last[1 - side]++;
      }
    }
  }
}

/** Where the pure ACK on line `i` goes: before the segments of its side sent after it. */
function ackInOrderAt(rows: Rows, order: Int32Array, i: number): number {
  const r = order[i];
  if (!isPureAck(rows, r)) return i;
  const side = rows.side[r];
  const ack = rows.ackExt[r];
  let to = i;
  for (let k = i - 1; k >= 0 && i - k <= ACK_REORDER_REACH; k--) {
    const b = order[k];
    if (rows.side[b] !== side) {
      // Never before a segment it acknowledges.
      if (endOf(rows, b) > rows.seqExt[b] && endOf(rows, b) <= ack) break;
      continue;
    }
    if (!(rows.seqExt[b] === rows.seqExt[r] && sentAfterPureAck(rows, b, ack))) break;
    to = k;
  }
  return to;
}

/**
 * True when segment `b`, of the side of a pure ACK that has its seq and acknowledges `ack`, was sent
 * after that ACK: a pure ACK with a higher ack, or data or a FIN (not a SYN or RST) with at least it.
 */
function sentAfterPureAck(rows: Rows, b: number, ack: number): boolean {
  if (isPureAck(rows, b)) return rows.ackExt[b] > ack;
  return !(rows.flags[b] & (SYN | RST)) && endOf(rows, b) > rows.seqExt[b] && rows.ackExt[b] >= ack; // NaN (no ACK): false
}

/** How many lines back a pure ACK captured out of order is moved at most. */
const ACK_REORDER_REACH = 64;

/** A captured segment with an ACK and nothing else: no octets, no SYN, FIN or RST. */
function isPureAck(rows: Rows, r: number): boolean {
  return !(rows.flags[r] & (SYN | FIN | RST)) && rows.len[r] === 0 && !rows.notCaptured[r] && rows.hasAck(r);
}

/**
 * A capture taken where segments arrive (loopback captures are) may show a segment after an ACK that
 * covers it, although it was sent before that ACK: a retransmission (TCP does not resend what is
 * acknowledged), or data the capture shows late. Such a segment moves up, before the ACKs that
 * cover it; one seen after newer data of its side also moves before that data, as it was sent first.
 */
function sendRetransmissionsBeforeTheirAcks(rows: Rows, order: Int32Array): void {
  const sndMax = new Float64Array([-Infinity, -Infinity]);
  const acked = new Float64Array([-Infinity, -Infinity]);
  // Moving a segment (rare) is done outside the loop that finds them, so that this loop meets no
  // call it has not made before (that would throw its optimised code away).
  for (let i = nextSentEarlier(rows, order, 0, sndMax, acked); i < order.length; i = nextSentEarlier(rows, order, i + 1, sndMax, acked)) {
    const end = endOf(rows, order[i]);
    if (ackLostOnItsWay(rows, order, i, end)) continue;
    if (moveUp(rows, order, i, end) === i) moveBeforeOvertaken(rows, order, i, end);
  }
}

/**
 * How long after the peer's ACK of it a retransmission must come to be a timer's answer to that
 * ACK's loss rather than a copy the capture stored late: well above the few milliseconds by which
 * a loaded host's capture lags (4 ms on the capture under load), below Linux's shortest
 * retransmission timeout (200 ms).
 */
const LOST_ACK_GAP_S = 0.05;

/**
 * A retransmission on line `i` (ending at `end`) captured long after pure ACKs of the peer that
 * acknowledge all of it: the capture was taken at the peer, and those ACKs were lost on their way
 * (the last ACK of a close, whose loss makes the FIN come again: what TIME-WAIT is for). They are
 * written `-x`, and the retransmission comes after them, after a `wait` (a timer sent it). True
 * when so and nothing else is to be done; false when moveUp is still to move it over ACKs
 * captured close to it (stored before it), which it stops short of the lost ones.
 */
function ackLostOnItsWay(rows: Rows, order: Int32Array, i: number, end: number): boolean {
  const r = order[i];
  const side = rows.side[r];
  const lost: number[] = [];
  let recent = false;
  // The lines moveUp would hop over: the peer's ACKs of it, and later data of its side.
  for (let to = i; to > 0; to--) {
    const before = order[to - 1];
    if (stopsMoveAt(rows, r, before, side, end)) break;
    if (rows.side[before] !== side && rows.ackExt[before] >= end) {
      if (rows.time[r] - rows.time[before] >= LOST_ACK_GAP_S) lost.push(before);
      else recent = true;
    }
  }
  if (lost.length === 0 || !lost.every((a) => isPureAck(rows, a))) return false;
  for (const a of lost) rows.lostOnTheWay.add(a);
  rows.afterTimeout.add(r);
  return !recent;
}

/**
 * True when moveUp, moving retransmission `r` (of `side`, ending at `end`) up, stops below line
 * `before`: at the original, at the peer's other segments and ACKs lost on their way, and at a
 * segment of its side with a lower ack (a side's acks never go back: that one was sent first).
 * It moves over the peer's ACKs of it (of all of it, or of its first octets: a segment captured
 * before the network card cut it, see splitAtAcks), and over later data of its side (their order
 * does not matter to the model).
 */
function stopsMoveAt(rows: Rows, r: number, before: number, side: number, end: number): boolean {
  return rows.side[before] === side
    ? rows.seqExt[before] < end || rows.notCaptured[before] === 1 || rows.ackExt[before] < rows.ackExt[r]
    : !rows.hasAck(before) || rows.ackExt[before] <= rows.seqExt[r] || (rows.lostOnTheWay.size > 0 && rows.lostOnTheWay.has(before));
}

/** Where row `r`'s sequence numbers end: after its octets, SYN and FIN. */
function endOf(rows: Rows, r: number): number {
  const flags = rows.flags[r];
  return rows.seqExt[r] + rows.len[r] + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
}

/**
 * The first line from `from` on that was sent before a line above it: it retransmits octets its side
 * had sent before, or the peer acknowledged its start above it. `sndMax`: the end of each side's
 * highest octet on the lines before `from`; `acked`: the highest ack each side received there.
 * Both move on past the line returned.
 */
function nextSentEarlier(rows: Rows, order: Int32Array, from: number, sndMax: Float64Array, acked: Float64Array): number {
  const { side: sides, flags: flagsOf, seqExt, ackExt, notCaptured } = rows;
  for (let i = from; i < order.length; i++) {
    const r = order[i];
    const side = sides[r];
    const end = endOf(rows, r);
    const flags = flagsOf[r];
    const occupies = !(flags & (RST | SYN)) && end > seqExt[r];
    const isRetransmission = occupies && end <= sndMax[side];
    // A SYN,ACK counts too (its ACK, captured first, acknowledges it). A SYN without ACK starts the
    // numbers afresh (a new incarnation may start anywhere below or above the old acks); one stored
    // after its SYN,ACK was put back before it (synsFirst).
    const ackedBeforeSent = (occupies || (flags & (SYN | ACK | RST)) === (SYN | ACK)) && seqExt[r] < acked[side] && notCaptured[r] === 0;
    if ((flags & (SYN | ACK | RST)) === SYN) acked.fill(-Infinity);
    if (end > sndMax[side]) sndMax[side] = end;
    // NaN (no ACK) is not greater.
    if (ackExt[r] > acked[1 - side]) acked[1 - side] = ackExt[r];
    if (isRetransmission || ackedBeforeSent) return i;
  }
  return order.length;
}

/** Moves the retransmission on line `i`, which ends at `end`, before what it was sent before; returns its new line. */
function moveUp(rows: Rows, order: Int32Array, i: number, end: number): number {
  const r = order[i];
  const side = rows.side[r];
  let to = i;
  while (to > 0 && !stopsMoveAt(rows, r, order[to - 1], side, end)) to--;
  moveLine(order, i, to);
  return to;
}

/** Moves line `i` up to `to`; the lines it hops over move down by one. */
function moveLine(order: Int32Array, i: number, to: number): void {
  const r = order[i];
  order.copyWithin(to + 1, to, i);
  order[to] = r;
}

/** How far after a retransmission the receiver's first acknowledgment of it is looked for. */
const REPLY_LOOKAHEAD = 1000;

/**
 * A retransmission that overtook segments sent before it (a path that reorders, as loopback under
 * load does): the receiver's first ack that covers it stops short of those segments, although the
 * language delivers the segments of one direction in the order they are written. The
 * retransmission on line `i` (ending at `end`) then moves up before the segments it overtook,
 * over the receiver's duplicate ACKs, which do not cover it: written `~>`, it stays in flight
 * until that first ack, and the overtaken segments arrive after it.
 */
function moveBeforeOvertaken(rows: Rows, order: Int32Array, i: number, end: number): void {
  const r = order[i];
  const side = rows.side[r];
  // What the receiver had when it first acknowledged the retransmission.
  const last = Math.min(order.length, i + REPLY_LOOKAHEAD);
  let q = i + 1;
  while (q < last && !(rows.side[order[q]] !== side && rows.hasAck(order[q]) && rows.ackExt[order[q]] >= end)) q++;
  if (q >= last) return;
  const received = rows.ackExt[order[q]];
  if (resentLater(rows, order, i, side, received)) return;
  let to = i;
  let overtook = false;
  while (to > 0) {
    const before = order[to - 1];
    if (rows.side[before] === side) {
      // Stop at what had arrived (the original among it), at missing segments, and at a segment
      // with a lower ack (sent before this one: a side's acks never go back).
      if (rows.notCaptured[before] || rows.seqExt[before] < received || rows.flags[before] & (SYN | RST) || rows.ackExt[before] < rows.ackExt[r]) break;
      if (endOf(rows, before) > rows.seqExt[before]) overtook = true;
    } else if (rows.hasAck(before) && rows.ackExt[before] >= end) {
      break; // an ack of the retransmission itself
    }
    to--;
  }
  if (overtook) moveLine(order, i, to);
}

/**
 * True when the side's octet at `received`, where the peer's first ack of the retransmission on
 * line `i` stops, is sent again after it, before an ack passes it: that octet was lost (octets
 * after it may have arrived, held by the receiver, as SACK shows), and the retransmission overtook
 * nothing.
 */
function resentLater(rows: Rows, order: Int32Array, i: number, side: number, received: number): boolean {
  const last = Math.min(order.length, i + REPLY_LOOKAHEAD);
  for (let k = i + 1; k < last; k++) {
    const r = order[k];
    if (rows.side[r] === side) {
      if (rows.seqExt[r] <= received && received < endOf(rows, r)) return true;
    } else if (rows.hasAck(r) && rows.ackExt[r] > received) {
      return false;
    }
  }
  return false;
}

const ARROW_ARRIVES = 0; // `->`
const ARROW_IN_FLIGHT = 1; // `~>`
const ARROW_LOST = 2; // `-x`
const ARROW_TEXT: readonly Arrow[] = ['->', '~>', '-x'];
/** The ack a SYN without ACK counts as: below any other. */
const ACKS_NOTHING = -Infinity;

/** Each line's arrow (ARROW_*); for `~>`, also the last line before which it must not have arrived. */
interface Arrows {
  readonly kind: Uint8Array;
  readonly inFlightUntil: Int32Array;
}

/**
 * What the lines show before arrows can be chosen, gathered in one pass.
 *
 * Per side: the lines of the other side's segments that tell what had arrived (those with an ack,
 * and SYNs without one: sent from a state that has received nothing), with the running maximum of
 * their acks. A SYN without ACK counts as acknowledging nothing.
 *
 * And the segments that may have copies (retransmissions): those sent at or below a seq the side
 * had already reached ("repeats", few), and, per side, those that moved its highest seq up, in
 * order (so sorted by seq).
 */
interface Replies {
  readonly lines: [Int32Array, Int32Array];
  readonly runningMax: [Float64Array, Float64Array];
  readonly count: Int32Array;
  /** The repeats' lines, `repeatCount` of them. */
  readonly repeats: Int32Array;
  readonly repeatCount: number;
  /** Per side: the lines that moved its highest seq up, and those seqs, `highCount[side]` of them. */
  readonly highs: [Int32Array, Int32Array];
  readonly highSeqs: [Float64Array, Float64Array];
  readonly highCount: Int32Array;
}

function collectReplies({ rows, order }: Lines): Replies {
  const n = order.length;
  const { side: sides, flags: flagsOf, seqExt, ackExt, len, notCaptured } = rows;
  // Each pair of per-side lists is one array: side 0's from 0, side 1's from n (`base` below).
  // The loop then indexes one typed array instead of picking it from a pair first.
  const lines = new Int32Array(2 * n);
  const runningMax = new Float64Array(2 * n);
  const count = new Int32Array(2);
  const repeats = new Int32Array(n);
  let repeatCount = 0;
  const highs = new Int32Array(2 * n);
  const highSeqs = new Float64Array(2 * n);
  const highCount = new Int32Array(2);
  const highest = new Float64Array([-Infinity, -Infinity]);
  for (let j = 0; j < n; j++) {
    const r = order[j];
    const side = sides[r];
    const flags = flagsOf[r];
    // Missing segments are written as ACKs, but carry no ack.
    const isSyn = (flags & SYN) !== 0;
    const ack = flags & ACK && !notCaptured[r] ? ackExt[r] : isSyn ? ACKS_NOTHING : NaN;
    if (ack === ack) { // not NaN: a RST without ACK says nothing about what arrived
      const to = 1 - side;
      const k = count[to]++;
      const at = to * n + k;
      lines[at] = j;
      runningMax[at] = k === 0 || ack > runningMax[at - 1] ? ack : runningMax[at - 1];
    }
    const seq = seqExt[r];
    const occupiesSeq = (len[r] > 0 || (flags & (SYN | FIN)) !== 0) && !(flags & RST);
    const isHigh = seq > highest[side];
    if (isHigh) highest[side] = seq;
    // Each list is written on every line and its count moves on only for what it keeps: repeats
    // are rare, and a branch first taken late would cost this loop its optimised code.
    const h = highCount[side];
    highs[side * n + h] = j;
    highSeqs[side * n + h] = seq;
    highCount[side] = h + (isHigh && occupiesSeq ? 1 : 0);
    repeats[repeatCount] = j;
    repeatCount += !isHigh && occupiesSeq ? 1 : 0;
  }
  return {
    lines: [lines.subarray(0, n), lines.subarray(n)],
    runningMax: [runningMax.subarray(0, n), runningMax.subarray(n)],
    count, repeats, repeatCount,
    highs: [highs.subarray(0, n), highs.subarray(n)],
    highSeqs: [highSeqs.subarray(0, n), highSeqs.subarray(n)],
    highCount,
  };
}

/**
 * For each line: the next line of the same side with the same seq (and SYN/ACK flags), that is a
 * retransmission of it; -1 if none. Only repeats and the segments they repeat can have one.
 */
function nextCopies({ rows, order }: Lines, replies: Replies): Int32Array {
  const nextSame = new Int32Array(order.length).fill(-1);
  if (replies.repeatCount === 0) return nextSame;
  // The lines that may have a copy: the repeats, and for each, the first segment sent at its seq.
  const repeats = replies.repeats.subarray(0, replies.repeatCount);
  const candidates = new Set(repeats);
  for (const j of repeats) {
    const side = rows.side[order[j]];
    const seq = rows.seqExt[order[j]];
    const seqs = replies.highSeqs[side];
    const k = firstAtLeast(seqs, seq, 0, replies.highCount[side]);
    if (k < replies.highCount[side] && seqs[k] === seq) candidates.add(replies.highs[side][k]);
  }
  // From the last line up: the latest captured line seen so far for each seq (and flags).
  const lastByKey = [new Map<number, number>(), new Map<number, number>()];
  for (const i of [...candidates].sort((x, y) => y - x)) {
    const r = order[i];
    const side = rows.side[r];
    const flags = rows.flags[r];
    const key = rows.seqExt[r] * 4 + (flags & SYN ? 2 : 0) + (flags & ACK ? 1 : 0);
    nextSame[i] = lastByKey[side].get(key) ?? -1;
    if (!rows.notCaptured[r]) lastByKey[side].set(key, i);
  }
  return nextSame;
}

/** Chooses each segment's arrow from what its receiver sent next (see the top of this file). */
function chooseArrows(lines: Lines): Arrows {
  const { rows, order } = lines;
  const n = order.length;
  const replies = collectReplies(lines);
  const nextSame = nextCopies(lines, replies);
  const kind = new Uint8Array(n).fill(ARROW_ARRIVES);
  const inFlightUntil = new Int32Array(n).fill(-1);
  const { side: sides, flags: flagsOf, seqExt, len, notCaptured } = rows;
  // Per side: the first reply after the current line (lines are visited in order).
  const next = new Int32Array(2);
  // Per side: the last line before which one of its segments so far must not have arrived.
  const stay = Int32Array.of(-1, -1);
  // Per side: the octets of its lost segments so far, as [start, end) pairs (few: loss is rare).
  const holes: [number[], number[]] = [[], []];
  // 1 on the lines that send again what an earlier line sent.
  const resent = new Uint8Array(n);
  // Whether any segment carries SACK blocks (without, sackVerdict has nothing to read).
  let sacks = false;
  for (const options of lines.segments.options.values()) if (options.sack) { sacks = true; break; }
  for (let i = 0; i < n; i++) {
    const r = order[i];
    const flags = flagsOf[r];
    if (flags & RST) continue;
    const side = sides[r];
    const occupiesSeq = len[r] > 0 || (flags & (SYN | FIN)) !== 0;
    // Covered by an ack that reaches its end; a segment without length by one at or past its seq.
    const needed = occupiesSeq ? seqExt[r] + len[r] + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) : seqExt[r];
    const list = replies.lines[side];
    const max = replies.runningMax[side];
    const count = replies.count[side];
    let k = next[side];
    while (k < count && list[k] <= i) k++;
    next[side] = k;
    let p = k; // the first reply covering this segment
    if (k < count) {
      if (k === 0 || max[k - 1] < needed) p = firstAtLeast(max, needed, k, count);
      else p = firstAckAtLeast(lines, list, needed, k, count); // acked before: rare
    }
    const coveredAt = p < count ? list[p] : n;
    // Sent again before the receiver acknowledged it: the first copy was lost. (Everything below
    // is computed on every line, for the same reason as in collectReplies.)
    const copy = nextSame[i];
    const copiedFirst = copy < coveredAt;
    // What the peer's SACK blocks say of this segment's octets, where no ack ever covers them:
    // HELD (the peer reports holding them), SKIPPED (it reports octets past them, never them).
    const sacked = sacks && occupiesSeq && len[r] > 0 && coveredAt === n && k < count
      ? sackVerdict(lines, list, k, count, seqExt[r], seqExt[r] + len[r]) : SACK_UNKNOWN;
    // A resend that no later ack of the peer covers (nor, where it has them, its SACK blocks) went
    // the way of its earlier copies: a connection attempt that timed out, a peer that is gone, is
    // lost to the end.
    const unansweredResend = occupiesSeq && resent[i] === 1 && coveredAt === n && sacked !== SACK_HELD;
    // Octets missing from the capture that no ack of the peer covers, though the peer answered
    // after them, never reached it (in flight to the end, they would hold back every later
    // segment of their side); nor did captured octets its SACK blocks skip.
    const neverArrived = occupiesSeq && coveredAt === n && k < count && (notCaptured[r] === 1 || sacked === SACK_SKIPPED);
    if (copy >= 0) resent[copy] = 1;
    const lost = (occupiesSeq && copy >= 0 && copiedFirst) || unansweredResend || neverArrived;
    // Beyond octets its side lost, a segment may arrive while the peer's acks stay at the hole
    // (held out of order: a pure ACK updates the window, data waits for the hole to be resent), as
    // soon as nothing before it is in flight. Its receiver's next ack says whether it stops there.
    const inFlight = !lost && p !== k && (stay[side] >= i || (occupiesSeq && !stopsAtHole(holes[side], rows.ackExt[order[list[k]]], seqExt[r])));
    // While in flight: until the last reply before the one that covers it.
    const lastBeforeCover = list[p > 0 ? p - 1 : 0];
    kind[i] = lost || (rows.lostOnTheWay.size > 0 && rows.lostOnTheWay.has(r)) ? ARROW_LOST : inFlight ? ARROW_IN_FLIGHT : ARROW_ARRIVES;
    inFlightUntil[i] = inFlight ? lastBeforeCover : -1;
    if (inFlight && lastBeforeCover > stay[side]) stay[side] = lastBeforeCover;
    if (lost) holes[side].push(seqExt[r], needed);
  }
  return { kind, inFlightUntil };
}

/** How many replies sackVerdict reads: a receiver reports what it holds in its next few. */
const SACK_REACH = 64;
const SACK_UNKNOWN = 0;
const SACK_HELD = 1;
const SACK_SKIPPED = 2;

/**
 * What the SACK blocks of the replies `list[k..count)` (the first SACK_REACH of them) say of the
 * octets [seq, end): SACK_HELD when an ack or a block covers them; SACK_SKIPPED when none does but
 * a block reports octets held at or past `end`; SACK_UNKNOWN otherwise. Block edges are read in
 * the reply's own number space, from its ack (raw and unwrapped).
 */
function sackVerdict({ rows, order, segments }: Lines, list: Int32Array, k: number, count: number, seq: number, end: number): number {
  let heldBeyond = false;
  for (let q = k; q < count && q < k + SACK_REACH; q++) {
    const r = order[list[q]];
    const ackExt = rows.ackExt[r];
    if (ackExt >= end) return SACK_HELD;
    const p = rows.segment[r];
    const blocks = p >= 0 ? segments.options.get(p)?.sack : undefined;
    if (!blocks) continue;
    const rawAck = segments.ack[p];
    for (let b = 0; b + 1 < blocks.length; b += 2) {
      const left = ackExt + ((blocks[b] - rawAck) | 0);
      const right = ackExt + ((blocks[b + 1] - rawAck) | 0);
      if (left <= seq && end <= right) return SACK_HELD;
      if (left >= end) heldBeyond = true;
    }
  }
  return heldBeyond ? SACK_SKIPPED : SACK_UNKNOWN;
}

/**
 * True when `ack`, a receiver's next ack, stops inside one of its peer's lost segments (`holes`,
 * [start, end) pairs) below `seq`, where a data segment of that peer starts: the receiver holds it
 * out of order until the hole is resent. Holes the ack has passed are forgotten.
 */
function stopsAtHole(holes: number[], ack: number, seq: number): boolean {
  if (holes.length === 0 || !(ack < seq)) return false; // NaN (no ACK): false
  let kept = 0;
  let inside = false;
  for (let h = 0; h < holes.length; h += 2) {
    if (holes[h + 1] <= ack) continue;
    if (holes[h] <= ack) inside = true;
    holes[kept++] = holes[h];
    holes[kept++] = holes[h + 1];
  }
  holes.length = kept;
  return inside;
}

/** The first position in `values[from..to)`, non-decreasing, that is at least `wanted`. */
function firstAtLeast(values: ArrayLike<number>, wanted: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] >= wanted) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** The first position in `replies[from..to)` whose own ack is at least `wanted`. */
function firstAckAtLeast({ rows, order }: Lines, replies: Int32Array, wanted: number, from: number, to: number): number {
  let p = from;
  while (p < to && rows.ackExt[order[replies[p]]] < wanted) p++;
  return p;
}

const FLAG_ORDER: readonly [number, string][] = [
  [TCP_SYN, 'SYN'], [TCP_FIN, 'FIN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'], [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'],
];

/** The start of a segment's line, by side and arrow: `C->S `, `S~>C `... */
const LINE_STARTS: readonly Uint8Array[] = ['C', 'S'].flatMap((from) => ARROW_TEXT.map((arrow) => ascii(`${from}${arrow}${from === 'C' ? 'S' : 'C'} `)));
let flagsSeqWords: readonly Uint8Array[] | undefined;

/**
 * Each flag combination's text, and the start of the seq field (`SYN ACK seq=`), by flags. Made on
 * the first conversion rather than when the module loads (the extension loads it on activation).
 */
function flagsSeq(): readonly Uint8Array[] {
  flagsSeqWords ??= Array.from({ length: 256 }, (_, flags) => ascii(`${flagTextOf(flags)} seq=`));
  return flagsSeqWords;
}

function flagTextOf(flags: number): string {
  const names = FLAG_ORDER.filter(([bit]) => flags & bit).map(([, name]) => name);
  // A segment with no flag at all is not TCP as anyone sends it; the checker reports it.
  return names.length ? names.join(' ') : 'ACK';
}

function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  return `${Number(seconds.toFixed(3))} s`;
}

// Writing into a byte buffer: each `put` writes at `at` and returns the position after what it
// wrote; the caller has made room (TextBuffer.reserve).

/** ASCII text -> its bytes. */
function ascii(s: string): Uint8Array {
  const bytes = new Uint8Array(s.length);
  putText(bytes, 0, s);
  return bytes;
}

/** Bytes made by ascii(). */
function putBytes(b: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) b[at++] = bytes[i];
  return at;
}

/** An ASCII string. */
function putText(b: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
  return at;
}

/** "00" to "99", as bytes: numbers are written two digits at a time. */
const DIGIT_PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** A non-negative whole number, as String() writes it (at most 30 characters). */
function putInteger(b: Uint8Array, at: number, n: number): number {
  if (!(n <= 0x7fffffff && n >= 0 && (n | 0) === n)) return putLargeInteger(b, at, n);
  // Small enough for 32-bit integer arithmetic: the common case.
  let v = n | 0;
  const end = at + decimalDigits(v);
  let i = end;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const pair = (v - q * 100) << 1;
    b[--i] = DIGIT_PAIRS[pair + 1];
    b[--i] = DIGIT_PAIRS[pair];
    v = q;
  }
  if (v >= 10) {
    b[--i] = DIGIT_PAIRS[(v << 1) + 1];
    b[--i] = DIGIT_PAIRS[v << 1];
  } else {
    b[--i] = 0x30 + v;
  }
  return end;
}

/** How many decimal digits `v` (0 <= v < 2^31) has. */
function decimalDigits(v: number): number {
  let digits = 1;
  for (let limit = 10; digits < 10 && v >= limit; limit *= 10) digits++;
  return digits;
}

function putLargeInteger(b: Uint8Array, at: number, n: number): number {
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n))) return putText(b, at, String(n));
  // Exact in floating point: below 2^53, n / 10 is never rounded up to the next integer.
  let end = at + 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) end++;
  let i = end;
  do {
    const q = Math.floor(n / 10);
    b[--i] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/** `x.toFixed(6)` (at most 30 characters for the times written here). */
function putFixed6(b: Uint8Array, at: number, x: number): number {
  const micros = x * 1e6;
  // toFixed rounds the exact value of x; micros, rounded once, is within 2^-13 of it below 2^40:
  // only near a half can the two roundings differ. There (and for odd values) toFixed decides.
  if (!(x >= 0 && micros < 2 ** 40 && Math.abs(micros - Math.floor(micros) - 0.5) > 1e-3)) {
    return putText(b, at, x.toFixed(6));
  }
  const rounded = Math.round(micros);
  const whole = Math.floor(rounded / 1e6);
  at = putInteger(b, at, whole);
  b[at] = 0x2e; // '.'
  let fraction = rounded - whole * 1e6; // below 10^6: 32-bit arithmetic
  for (let i = 6; i >= 2; i -= 2) {
    const q = (fraction / 100) | 0;
    const pair = (fraction - q * 100) << 1;
    b[at + i] = DIGIT_PAIRS[pair + 1];
    b[at + i - 1] = DIGIT_PAIRS[pair];
    fraction = q;
  }
  return at + 7;
}

/**
 * ASCII octets as a string. Node's Buffer copies them into a string at once (a string of one-octet
 * characters is what V8 keeps anyway); a TextDecoder, where there is no Buffer, checks each octet
 * for UTF-8 first, several times slower on a long document.
 */
function asciiText(bytes: Uint8Array): string {
  if (typeof Buffer === 'function') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return new TextDecoder().decode(bytes);
}

/**
 * A text built in a growing byte buffer and decoded once at the end. A document has a line per
 * segment; building a string for each line and each number in it makes far more garbage than the
 * document itself. ASCII goes into the buffer; any other text is kept as a string in between.
 */
class TextBuffer {
  bytes: Uint8Array;
  /** Octets written in `bytes`. */
  length = 0;
  /** Text before the buffer's content, when a string that is not ASCII came along. */
  private readonly parts: string[] = [];
  /** How many characters `parts` hold. */
  private before = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `n` more octets; returns the buffer to write them into (from `length`). */
  reserve(n: number): Uint8Array {
    if (this.length + n > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(2 * this.bytes.length, this.length + n));
      bigger.set(this.bytes.subarray(0, this.length));
      this.bytes = bigger;
    }
    return this.bytes;
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) { // a file name, say: the buffer so far becomes a string, then `s`
        this.flush();
        this.parts.push(s);
        this.before += s.length;
        return;
      }
    }
    this.length = putText(this.reserve(s.length), this.length, s);
  }

  private flush(): void {
    if (this.length === 0) return;
    this.parts.push(asciiText(this.bytes.subarray(0, this.length)));
    this.before += this.length; // ASCII: a character per octet
    this.length = 0;
  }

  /** Where in the text the octet at `at` of the buffer will stand. */
  offsetOf(at: number): number {
    return this.before + at;
  }

  toString(): string {
    this.flush();
    return this.parts.length === 1 ? this.parts[0] : this.parts.join('');
  }
}
