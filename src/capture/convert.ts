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
/** A jump in sequence numbers larger than this is not a missing segment. */
const MAX_GAP = 2 ** 30;

export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Splits segments into connections by 4-tuple, in order of first appearance. */
export function splitConnections(packets: readonly TcpPacket[]): CaptureConnection[] {
  const byKey = new Map<string, { packets: TcpPacket[] }>();
  const order: { packets: TcpPacket[] }[] = [];
  let last: TcpPacket | undefined;
  let lastEntry: { packets: TcpPacket[] } | undefined;
  for (const p of packets) {
    // Most packets belong to the same connection as the one before (either direction).
    if (last && lastEntry && p.srcPort + p.dstPort === last.srcPort + last.dstPort
      && ((p.src === last.src && p.srcPort === last.srcPort && p.dst === last.dst && p.dstPort === last.dstPort)
        || (p.src === last.dst && p.srcPort === last.dstPort && p.dst === last.src && p.dstPort === last.srcPort))) {
      lastEntry.packets.push(p);
      continue;
    }
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
    last = p;
    lastEntry = entry;
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
    // A RST with seq 0 answers a segment without ACK (RFC 9293 section 3.5.2): 0 is meant literally.
    let line = from + arrow.arrow + to + ' ' + flagText(it.flags)
      + ' seq=' + (it.flags & TCP_RST && it.seq === 0 ? '0' : number(it.side, it.seq, it.seqExt));
    if (it.ack !== undefined && it.ackExt !== undefined) line += ' ack=' + number((1 - it.side) as 0 | 1, it.ack, it.ackExt);
    if (it.len > 0) line += ' len=' + it.len;
    const p = it.packet;
    // The model scales `win` itself when both SYNs carried wscale: write the field as sent.
    if (p && writeWindow && !(it.flags & TCP_RST)) line += ' win=' + p.window;
    if (p && it.flags & TCP_SYN) {
      if (p.mss !== undefined) line += ' mss=' + p.mss;
      if (p.wscale !== undefined) line += ' wscale=' + p.wscale;
      if (p.sackPermitted) line += ' sackok';
    }
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
  // Gaps written as missing segments that a later packet may still fill (reordering), per side.
  const openGaps: [OpenGap[], OpenGap[]] = [[], []];
  let reordered = 0;
  // Missing segments to be placed before an item already in `items` (by its index).
  const insertBefore = new Map<number, Item[]>();
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

    if (!isRst && ackExt !== undefined && openGaps[other].length > 0) {
      // The peer still asks for a gap (duplicate ACK), or has it (then it stays a missing segment).
      let covered = false;
      for (const gap of openGaps[other]) {
        if (ackExt === gap.item.seqExt) gap.dupAcks++;
        else if (ackExt > gap.item.seqExt) covered = true;
      }
      if (covered) openGaps[other] = openGaps[other].filter((gap) => ackExt <= gap.item.seqExt);
    }
    // Reordered in the capture: the octets of a gap show up, before three duplicate ACKs asked for
    // them (a fast retransmission) and before the peer acknowledged them. Then this is the segment
    // sent at the gap that arrived late: it takes the gap's place (its arrow will be ~>).
    const gapIndex = isRst || p.flags & (TCP_SYN | TCP_FIN) ? -1
      : openGaps[side].findIndex((g) => g.item.seqExt === seqExt && p.payloadLength > 0 && g.item.len >= p.payloadLength && g.dupAcks < 3);
    if (gapIndex >= 0) {
      const gap = openGaps[side][gapIndex];
      const late: Item = {
        side, packet: p, flags: p.flags, seq: p.seq, seqExt,
        ack: hasAck ? p.ack : undefined, ackExt, len: p.payloadLength, time: gap.item.time,
      };
      const at = gap.list.indexOf(gap.item);
      if (gap.item.len === p.payloadLength) {
        gap.list[at] = late;
        openGaps[side].splice(gapIndex, 1);
        gapsFilled--;
      } else {
        // The first part of the gap: the rest is still missing.
        const rest: Item = { ...gap.item, seq: (gap.item.seq + p.payloadLength) % TWO_32, seqExt: seqExt + p.payloadLength, len: gap.item.len - p.payloadLength };
        gap.list.splice(at, 1, late, rest);
        gap.item = rest;
      }
      reordered++;
      continue;
    }
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
        // Kept aside (at === items.length: before the packet about to be pushed).
        const list = insertBefore.get(at) ?? [];
        insertBefore.set(at, list);
        list.push(missing);
        openGaps[side].push({ item: missing, list, dupAcks: 0 });
        gapsFilled++;
      }
      const end = seqExt + p.payloadLength + (p.flags & TCP_SYN ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0);
      if (known === undefined || end > known || seqExt - known >= MAX_GAP) sndMax[side] = end;
    }
    if (!isRst) lastSent[side] = items.length;
    items.push({
      side, packet: p, flags: p.flags, seq: p.seq, seqExt,
      ack: hasAck ? p.ack : undefined, ackExt,
      len: p.payloadLength, time,
    });
  }
  if (gapsFilled > 0) {
    warnings.push(`${gapsFilled} segment${gapsFilled === 1 ? ' was' : 's were'} not captured; written as lines labelled 'not captured'`);
  }
  if (reordered > 0) {
    warnings.push(`${reordered} segment${reordered === 1 ? ' was' : 's were'} captured out of order; written where they were sent (as ~>)`);
  }
  const all = insertBefore.size === 0 ? items : items.flatMap((it, k) => [...(insertBefore.get(k) ?? []), it]);
  sendRetransmissionsBeforeTheirAcks(all);
  return all;
}

/**
 * A capture taken where segments arrive (loopback captures are) may show a retransmission after an
 * ACK that covers it, although it was sent before that ACK arrived (TCP does not resend what is
 * acknowledged). Such a retransmission moves up, before the ACKs that cover it; one seen after
 * newer data of its side also moves before that data, as it was sent first.
 */
function sendRetransmissionsBeforeTheirAcks(items: Item[]): void {
  const sndMax: [number, number] = [-Infinity, -Infinity];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const end = it.seqExt + it.len + (it.flags & TCP_SYN ? 1 : 0) + (it.flags & TCP_FIN ? 1 : 0);
    const isRetransmission = end > it.seqExt && end <= sndMax[it.side] && !(it.flags & (TCP_RST | TCP_SYN));
    sndMax[it.side] = Math.max(sndMax[it.side], end);
    if (!isRetransmission) continue;
    let to = i;
    while (to > 0) {
      const before = items[to - 1];
      // Hop over the peer's ACKs of it, and over later data of this side (their order does not
      // matter to the model); never over the original or the peer's other segments.
      if (before.side === it.side ? before.seqExt < end || before.notCaptured : before.ackExt === undefined || before.ackExt < end) break;
      to--;
    }
    if (to < i) {
      items.splice(i, 1);
      items.splice(to, 0, it);
    }
  }
}

/** A missing segment written into the items, which a late packet may turn out to be. */
interface OpenGap {
  item: Item;
  /** The list, placed before an item, that holds it. */
  readonly list: Item[];
  /** Duplicate ACKs of the peer that asked for it since. */
  dupAcks: number;
}

interface ArrowChoice {
  readonly arrow: '->' | '~>' | '-x';
  /** For `~>`: the last item before which it must not have arrived. */
  readonly inFlightUntil: number;
}

/** Chooses each segment's arrow from what its receiver sent next (see the top of this file). */
function chooseArrows(items: readonly Item[]): ArrowChoice[] {
  // Per side: the indices of the other side's segments that tell what had arrived (those with an
  // ack, and SYNs without one: sent from a state that has received nothing), with the running
  // maximum of their acks. A SYN without ACK counts as acknowledging nothing.
  const replies: [number[], number[]] = [[], []];
  const runningMax: [number[], number[]] = [[], []];
  for (let j = 0; j < items.length; j++) {
    const it = items[j];
    const ack = it.ackExt ?? (it.flags & TCP_SYN ? -Infinity : undefined);
    if (ack === undefined) continue; // a RST without ACK says nothing about what arrived
    const to = (1 - it.side) as 0 | 1;
    const list = runningMax[to];
    replies[to].push(j);
    list.push(Math.max(list.length ? list[list.length - 1] : -Infinity, ack));
  }
  // The next segment of the same side with the same seq (and SYN/ACK flags): a retransmission.
  // Only seqs that are sent again matter: find them first (few), then their earlier copies.
  const resent: [Set<number>, Set<number>] = [new Set(), new Set()];
  const highest: [number, number] = [-Infinity, -Infinity];
  for (const it of items) {
    if (it.seqExt <= highest[it.side]) resent[it.side].add(it.seqExt);
    highest[it.side] = Math.max(highest[it.side], it.seqExt);
  }
  const nextSame = new Int32Array(items.length).fill(-1);
  const lastByKey: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i];
    if (!resent[it.side].has(it.seqExt)) continue;
    if (!(it.len > 0 || it.flags & (TCP_SYN | TCP_FIN)) || it.flags & TCP_RST) continue;
    const key = it.seqExt * 4 + (it.flags & TCP_SYN ? 2 : 0) + (it.flags & TCP_ACK ? 1 : 0);
    nextSame[i] = lastByKey[it.side].get(key) ?? -1;
    if (!it.notCaptured) lastByKey[it.side].set(key, i);
  }

  return items.map((it, i) => {
    if (it.flags & TCP_RST) return { arrow: '->', inFlightUntil: -1 };
    const occupies = it.len > 0 || (it.flags & (TCP_SYN | TCP_FIN)) !== 0;
    // Covered by an ack that reaches its end; a segment without length by one at or past its seq.
    const needed = occupies ? it.seqExt + it.len + (it.flags & TCP_SYN ? 1 : 0) + (it.flags & TCP_FIN ? 1 : 0) : it.seqExt;
    const list = replies[it.side];
    const max = runningMax[it.side];
    const k = firstAfter(list, i);
    let p = k; // position in `list` of the first reply covering this segment
    if (k < list.length) {
      if (k === 0 || max[k - 1] < needed) p = firstAtLeast(max, needed, k);
      else while (p < list.length && items[list[p]].ackExt! < needed) p++; // acked before: rare
    }
    const coveredAt = p < list.length ? list[p] : items.length;
    // Sent again before the receiver acknowledged it: the first copy was lost.
    if (occupies && nextSame[i] >= 0 && nextSame[i] < coveredAt) return { arrow: '-x', inFlightUntil: -1 };
    if (p === k) return { arrow: '->', inFlightUntil: -1 };
    return { arrow: '~>', inFlightUntil: list[p - 1] };
  });
}

/** The first position in the sorted `list` whose value is greater than `i`. */
function firstAfter(list: readonly number[], i: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] > i) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** The first position from `from` in the non-decreasing `values` that is at least `wanted`. */
function firstAtLeast(values: readonly number[], wanted: number, from: number): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] >= wanted) hi = mid; else lo = mid + 1;
  }
  return lo;
}

const FLAG_ORDER: readonly [number, string][] = [
  [TCP_SYN, 'SYN'], [TCP_FIN, 'FIN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'], [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'],
];

const flagTexts = new Map<number, string>();

function flagText(flags: number): string {
  let text = flagTexts.get(flags);
  if (text === undefined) flagTexts.set(flags, (text = flagTextOf(flags)));
  return text;
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

function formatTime(seconds: number): string {
  return `+${seconds.toFixed(6)} s`;
}
