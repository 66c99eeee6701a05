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
import type { TcpPacket } from './decode';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './decode';

/** One side of a connection. */
export interface CaptureEndpoint {
  readonly address: string;
  readonly port: number;
  /** `address:port`, IPv6 addresses in brackets. */
  readonly text: string;
}

/** The segments of one 4-tuple, in capture order. */
export interface CaptureConnection {
  /** 1-based, in order of first appearance. */
  readonly index: number;
  /** The side that sent the first SYN (or, without a handshake, the best guess). */
  readonly client: CaptureEndpoint;
  readonly server: CaptureEndpoint;
  readonly packets: TcpPacket[];
  /** True when the capture holds the client's SYN. */
  readonly handshake: boolean;
}

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
}

export interface ConvertResult {
  readonly text: string;
  readonly connection: CaptureConnection;
  readonly warnings: string[];
}

const TWO_32 = 2 ** 32;
/** How far ahead to look for the acknowledgment of a segment before giving up on it. */
const MAX_LOOKAHEAD = 20000;
/** A jump in sequence numbers larger than this is not a missing segment. */
const MAX_GAP = 2 ** 30;

export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Splits segments into connections by 4-tuple, in order of first appearance. */
export function splitConnections(packets: readonly TcpPacket[]): CaptureConnection[] {
  const byKey = new Map<string, { packets: TcpPacket[] }>();
  const order: { packets: TcpPacket[] }[] = [];
  for (const p of packets) {
    const a = endpointText(p.src, p.srcPort);
    const b = endpointText(p.dst, p.dstPort);
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { packets: [] };
      byKey.set(key, entry);
      order.push(entry);
    }
    entry.packets.push(p);
  }
  return order.map((entry, i) => {
    const ps = entry.packets;
    const syn = ps.find((p) => p.flags & TCP_SYN && !(p.flags & TCP_ACK));
    const synAck = ps.find((p) => p.flags & TCP_SYN && p.flags & TCP_ACK);
    // Client: sender of the first SYN; else receiver of the SYN,ACK; else the first sender.
    const first = syn ?? (synAck && { src: synAck.dst, srcPort: synAck.dstPort, dst: synAck.src, dstPort: synAck.srcPort }) ?? ps[0];
    return {
      index: i + 1,
      client: { address: first.src, port: first.srcPort, text: endpointText(first.src, first.srcPort) },
      server: { address: first.dst, port: first.dstPort, text: endpointText(first.dst, first.dstPort) },
      packets: ps,
      handshake: syn !== undefined,
    };
  });
}

/** One line per connection, for `--list` and the editor's picker. */
export function describeConnection(c: CaptureConnection): string {
  const n = c.packets.length;
  return `${c.index}: ${c.client.text} -> ${c.server.text}, ${n} packet${n === 1 ? '' : 's'}${c.handshake ? '' : ' (no handshake captured)'}`;
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

/** One line of the document to be, before arrows are chosen. */
interface Item {
  /** 0 = client (C), 1 = server (S). */
  readonly side: 0 | 1;
  readonly packet?: TcpPacket;
  readonly flags: number;
  readonly seq: number;
  /** Sequence number unwrapped onto a line (no modulo), in the sender's space. */
  readonly seqExt: number;
  readonly ack?: number;
  /** Acknowledgment unwrapped, in the receiver's space. */
  readonly ackExt?: number;
  readonly len: number;
  /** Seconds since the first segment. */
  readonly time: number;
  /** True for a segment the capture missed (its octets are known from the numbers around it). */
  readonly notCaptured?: boolean;
}

/** Converts one connection of a capture into a tcpseq document. */
export function convertCapture(packets: readonly TcpPacket[], options: ConvertOptions = {}): ConvertResult | string {
  const selected = selectConnection(splitConnections(packets), options.connection);
  if (typeof selected === 'string') return selected;
  return convertConnection(selected, options);
}

export function convertConnection(connection: CaptureConnection, options: ConvertOptions = {}): ConvertResult {
  const warnings: string[] = [];
  const limit = options.limit !== undefined && options.limit >= 0 ? options.limit : Infinity;
  const packets = connection.packets.slice(0, limit);
  const cut = connection.packets.length - packets.length;
  const items = buildItems(connection, packets, warnings);
  const arrows = chooseArrows(items);

  // Without both SYNs the window scale is unknown, and a window field alone would mislead.
  const synOf = (side: 0 | 1) => items.find((it) => it.side === side && it.flags & TCP_SYN && !it.notCaptured)?.packet;
  const synC = synOf(0);
  const synS = synOf(1);
  const writeWindow = (options.window ?? true) && synC !== undefined && synS !== undefined;

  // Relative numbering: x from the client's ISN, y from the server's (or the first position seen).
  const base: [number | undefined, number | undefined] = [undefined, undefined];
  if (options.relative) {
    for (const side of [0, 1] as const) {
      const syn = items.find((it) => it.side === side && it.flags & TCP_SYN);
      if (syn) { base[side] = syn.seqExt; continue; }
      for (const it of items) {
        if (it.side === side && !(it.flags & TCP_RST)) { base[side] = it.seqExt; break; }
        if (it.side !== side && it.ackExt !== undefined) { base[side] = it.ackExt; break; }
      }
    }
  }
  const names = ['x', 'y'];
  const number = (space: 0 | 1, raw: number, ext: number): string => {
    const b = base[space];
    if (b === undefined) return String(raw);
    const d = ext - b;
    return d === 0 ? names[space] : d > 0 ? `${names[space]}+${d}` : `${names[space]}-${-d}`;
  };

  const lines: string[] = [];
  const source = options.source ? ` from ${options.source}` : '';
  lines.push(`# Imported${source}: connection ${connection.index}, ${connection.client.text} -> ${connection.server.text}, ${connection.packets.length} packets`);
  if (cut > 0) lines.push(`# Only the first ${packets.length} packets are written (--limit); ${cut} more are cut.`);
  lines.push(`title ${connection.client.text} -> ${connection.server.text}`);
  lines.push(`participant C as ${connection.client.text}`);
  lines.push(`participant S as ${connection.server.text}`);

  // Refused: the server's first answer to the SYN is a RST, so nothing listened.
  const firstS = items.find((it) => it.side === 1);
  if (items.length > 0 && items[0].flags & TCP_SYN && firstS && firstS.flags & TCP_RST) lines.push('S: CLOSED');

  const thresholdS = (options.waitThresholdMs ?? 1000) / 1000;
  // The index of the last segment some in-flight `~>` must still be in flight for.
  let mustStayInFlightUntil = -1;
  const ids = ['C', 'S'];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (i > 0) {
      const gap = it.time - items[i - 1].time;
      if (gap >= thresholdS && gap > 0) {
        // A `wait` delivers every segment in flight: only write one where that is what happened.
        if (mustStayInFlightUntil < i) lines.push(`wait ${formatDuration(gap)}`);
        else lines.push(`# ${formatDuration(gap)} pass here (no wait line: segments are still in flight)`);
      }
    }
    const arrow = arrows[i];
    if (arrow.arrow === '~>') mustStayInFlightUntil = Math.max(mustStayInFlightUntil, arrow.inFlightUntil);
    const from = ids[it.side];
    const to = ids[1 - it.side];
    const fields: string[] = [flagText(it.flags)];
    // A RST with seq 0 answers a segment without ACK (RFC 9293 section 3.5.2): 0 is meant literally.
    fields.push(`seq=${it.flags & TCP_RST && it.seq === 0 ? '0' : number(it.side, it.seq, it.seqExt)}`);
    if (it.ack !== undefined && it.ackExt !== undefined) fields.push(`ack=${number((1 - it.side) as 0 | 1, it.ack, it.ackExt)}`);
    if (it.len > 0) fields.push(`len=${it.len}`);
    const p = it.packet;
    if (p && writeWindow && !(it.flags & TCP_RST)) {
      // The model scales `win` itself when both SYNs carried wscale: write the field as sent.
      fields.push(`win=${p.window}`);
    }
    if (p && it.flags & TCP_SYN) {
      if (p.mss !== undefined) fields.push(`mss=${p.mss}`);
      if (p.wscale !== undefined) fields.push(`wscale=${p.wscale}`);
      if (p.sackPermitted) fields.push('sackok');
    }
    let line = `${from}${arrow.arrow}${to} ${fields.join(' ')}`;
    if (it.notCaptured) line += ' : not captured';
    const where = p ? `frame ${p.frame}, ` : '';
    lines.push(`${line}  # ${where}${formatTime(it.time)}`);
  }
  if (cut > 0) lines.push(`# ... ${cut} more packets cut (--limit ${packets.length})`);
  return { text: lines.join('\n') + '\n', connection, warnings };
}

/** Capture order -> items, unwrapping sequence numbers and filling gaps the capture missed. */
function buildItems(connection: CaptureConnection, packets: readonly TcpPacket[], warnings: string[]): Item[] {
  const items: Item[] = [];
  if (packets.length === 0) return items;
  const t0 = packets[0].seconds + packets[0].nanos / 1e9;
  // Per sequence space (0: the client's octets, 1: the server's): the highest unwrapped value seen.
  const ref: [number | undefined, number | undefined] = [undefined, undefined];
  const unwrap = (space: 0 | 1, raw: number, update: boolean): number => {
    const r = ref[space];
    if (r === undefined) {
      // Start one turn up, so that values just below the first one stay positive.
      if (update) ref[space] = raw + TWO_32;
      return raw + TWO_32;
    }
    const ext = r + ((raw - (r % TWO_32)) | 0);
    if (update && ext > r) ref[space] = ext;
    return ext;
  };
  // SND.MAX of each side as far as the capture shows: the end of the highest octet sent.
  const sndMax: [number | undefined, number | undefined] = [undefined, undefined];
  const synSeq: [number | undefined, number | undefined] = [undefined, undefined];
  // Index in `items` of each side's latest segment.
  const lastSent: [number, number] = [-1, -1];
  let gapsFilled = 0;

  for (const p of packets) {
    const side: 0 | 1 = p.src === connection.client.address && p.srcPort === connection.client.port ? 0 : 1;
    const other = (1 - side) as 0 | 1;
    const isRst = (p.flags & TCP_RST) !== 0;
    const time = p.seconds + p.nanos / 1e9 - t0;
    if (p.flags & TCP_SYN && !(p.flags & TCP_ACK)) {
      // A SYN with another ISN on the same 4-tuple: a new incarnation with its own numbers.
      if (synSeq[side] !== undefined && synSeq[side] !== p.seq) {
        ref[0] = ref[1] = undefined;
        sndMax[0] = sndMax[1] = undefined;
      }
      synSeq[side] = p.seq;
    }
    const seqExt = unwrap(side, p.seq, !isRst);
    const hasAck = (p.flags & TCP_ACK) !== 0;
    const ackExt = hasAck ? unwrap(other, p.ack, !isRst) : undefined;

    if (!isRst) {
      if (ackExt !== undefined && sndMax[other] === undefined) sndMax[other] = ackExt;
      // Octets of this side skipped over: sent, but not in the capture. The missing segment goes
      // where the capture last showed this side's numbers, or just before the peer first
      // acknowledged part of it, whichever is later (a wrong ack alone does not invent a segment).
      const known = sndMax[side];
      if (known !== undefined && seqExt > known && seqExt - known < MAX_GAP && !(p.flags & TCP_SYN)) {
        let at = items.length;
        for (let k = lastSent[side] + 1; k < items.length; k++) {
          const ack = items[k].ackExt;
          if (items[k].side === other && ack !== undefined && ack > known) { at = k; break; }
        }
        const missing: Item = {
          side, flags: TCP_ACK, seq: known % TWO_32, seqExt: known, len: seqExt - known,
          time: at < items.length ? items[at].time : time, notCaptured: true,
        };
        items.splice(at, 0, missing);
        if (lastSent[other] >= at) lastSent[other]++;
        gapsFilled++;
      }
      const end = seqExt + p.payloadLength + (p.flags & TCP_SYN ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0);
      if (known === undefined || end > known || seqExt - known >= MAX_GAP) sndMax[side] = end;
    }
    if (!isRst) lastSent[side] = items.length;
    items.push({
      side, packet: p, flags: p.flags, seq: p.seq, seqExt,
      ...(hasAck && { ack: p.ack, ackExt }),
      len: p.payloadLength, time,
    });
  }
  if (gapsFilled > 0) {
    warnings.push(`${gapsFilled} segment${gapsFilled === 1 ? ' was' : 's were'} not captured; written as lines labelled 'not captured'`);
  }
  return items;
}

interface ArrowChoice {
  readonly arrow: '->' | '~>' | '-x';
  /** For `~>`: the last item before which it must not have arrived. */
  readonly inFlightUntil: number;
}

/** Chooses each segment's arrow from what its receiver sent next (see the top of this file). */
function chooseArrows(items: readonly Item[]): ArrowChoice[] {
  return items.map((it, i) => {
    const occupies = it.len > 0 || (it.flags & (TCP_SYN | TCP_FIN)) !== 0;
    // A segment without length is covered by an ack at or past its seq (language reference, section 3).
    const cover = it.seqExt + it.len + (it.flags & TCP_SYN ? 1 : 0) + (it.flags & TCP_FIN ? 1 : 0);
    const needed = occupies ? cover : it.seqExt;
    let firstReply = true;
    let inFlightUntil = -1;
    let retransmitted = false;
    const stop = Math.min(items.length, i + MAX_LOOKAHEAD);
    for (let j = i + 1; j < stop; j++) {
      const next = items[j];
      if (next.side === it.side) {
        // Sent again before the receiver acknowledged it: the first copy was lost.
        if (occupies && !(it.flags & TCP_RST) && next.seqExt === it.seqExt && !next.notCaptured
          && (next.flags & (TCP_SYN | TCP_ACK)) === (it.flags & (TCP_SYN | TCP_ACK))) {
          retransmitted = true;
          break;
        }
        continue;
      }
      if (next.ackExt === undefined) {
        // A SYN without ACK is sent from a state that has received nothing yet (simultaneous
        // open); a RST without ACK says nothing about what arrived.
        if (next.flags & TCP_SYN) { inFlightUntil = j; firstReply = false; }
        continue;
      }
      if (next.ackExt >= needed) break;
      inFlightUntil = j;
      firstReply = false;
    }
    if (it.flags & TCP_RST) return { arrow: '->', inFlightUntil: -1 };
    if (retransmitted) return { arrow: '-x', inFlightUntil: -1 };
    return firstReply ? { arrow: '->', inFlightUntil: -1 } : { arrow: '~>', inFlightUntil };
  });
}

const FLAG_ORDER: readonly [number, string][] = [
  [TCP_SYN, 'SYN'], [TCP_FIN, 'FIN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'], [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'],
];

function flagText(flags: number): string {
  const names = FLAG_ORDER.filter(([bit]) => flags & bit).map(([, name]) => name);
  // A segment with no flag at all is not TCP as anyone sends it; the checker reports it.
  return names.length ? names.join(' ') : 'ACK';
}

function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  return `${Number(seconds.toFixed(3))} s`;
}

function formatTime(seconds: number): string {
  return `+${seconds.toFixed(6)} s`;
}
