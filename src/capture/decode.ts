// Link layer -> IPv4/IPv6 -> TCP. Frames that carry no TCP are skipped and counted, never fatal.
import type { Frame, FrameAt } from './reader';
import { Segments } from './segments';
import type { SegmentOptions } from './segments';

/** TCP header flags (RFC 9293 section 3.1, plus ECE/CWR of RFC 3168). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** One TCP segment as seen on the wire. */
export interface TcpPacket {
  /** Frame number in the file (1-based). */
  readonly frame: number;
  readonly seconds: number;
  readonly nanos: number;
  readonly ipVersion: 4 | 6;
  /** Printable addresses: dotted quad, or RFC 5952 text for IPv6. */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** TCP_* bits. */
  readonly flags: number;
  /** The window field as sent (not scaled); -1 where the snapshot length cut it. */
  readonly window: number;
  /** Payload octets, from the IP lengths (so a short snaplen does not shorten it). */
  readonly payloadLength: number;
  readonly mss?: number;
  readonly wscale?: number;
  readonly sackPermitted?: boolean;
}

/** Why a frame gave no TCP segment; counted and reported once per reason. */
export type SkipReason =
  | 'not-ip' | 'not-tcp' | 'fragment' | 'truncated' | 'bad-header' | 'unknown-link-type';

export type DecodeResult = TcpPacket | { readonly skip: SkipReason; readonly detail?: string };

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const IPPROTO_TCP = 6;

// What decodeFrameInto returns for a frame that gives no segment: a reason (SkipReason, by its
// index in SKIP_REASONS) times 16, plus a detail (by its index in SKIP_DETAILS). 0: a row was added.
const SKIP_REASONS: readonly SkipReason[] = ['not-ip', 'not-ip', 'not-tcp', 'fragment', 'truncated', 'bad-header', 'unknown-link-type'];
const NOT_IP = 1 << 4;
const NOT_TCP = 2 << 4;
const FRAGMENT = 3 << 4;
const TRUNCATED = 4 << 4;
const BAD_HEADER = 5 << 4;
const UNKNOWN_LINK_TYPE = 6 << 4;
const SKIP_DETAILS = [
  undefined, 'IPv4 version', 'IPv4 header length', 'IPv4 total length', 'TCP data offset',
  'IPv6 extension headers longer than the payload', 'too many IPv6 extension headers',
];
/** The detail of UNKNOWN_LINK_TYPE: the link type itself. */
const DETAIL_LINK_TYPE = 15;

/** Decodes one frame down to its TCP header. */
export function decodeFrame(frame: Frame): DecodeResult {
  return decodeFrameAt({
    number: frame.number, linkType: frame.linkType, seconds: frame.seconds, nanos: frame.nanos,
    originalLength: frame.originalLength, bytes: frame.data, start: 0, end: frame.data.length, interfaceId: 0,
  });
}

/** Decodes a frame in place in the file's bytes. */
export function decodeFrameAt(f: FrameAt): DecodeResult {
  const segments = new Segments(1);
  const skip = decodeFrameInto(f, segments);
  return skip === 0 ? segments.packetAt(0) : skipResult(skip, f.linkType);
}

/** What a code returned by decodeFrameInto says. */
export function skipResult(code: number, linkType: number): { readonly skip: SkipReason; readonly detail?: string } {
  const skip = SKIP_REASONS[code >> 4];
  const detail = (code & 15) === DETAIL_LINK_TYPE ? String(linkType) : SKIP_DETAILS[code & 15];
  return detail === undefined ? { skip } : { skip, detail };
}

/**
 * Decodes a frame in place in the file's bytes (positions below are indexes into `f.bytes`) into a
 * row of `into`. Returns 0, or why the frame gives no segment (see skipResult).
 */
export function decodeFrameInto(f: FrameAt, into: Segments): number {
  const d = f.bytes;
  const s = f.start;
  const length = f.end - s;
  // Where the IP header starts, and its version: 4, 6, 0 ("look at the version nibble") or -1 (not IP).
  let ip: number;
  let version: number;
  // Where the frame was seen: its interface (Linux cooked v2: its index), or for Linux cooked v1,
  // which names none, whether it came in or went out (see Segments.seenAt).
  let seenAt = f.interfaceId;
  switch (f.linkType) {
    case 1: { // Ethernet, with any number of 802.1Q / 802.1ad tags
      let p = 12;
      let type: number;
      for (;;) {
        if (p + 2 > length) return TRUNCATED;
        type = (d[s + p] << 8) | d[s + p + 1];
        if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100) break; // VLAN tags
        p += 4;
      }
      ip = s + p + 2;
      version = etherIpVersion(type);
      break;
    }
    case 113: // Linux cooked capture v1: protocol at offset 14
      if (length < 16) return TRUNCATED;
      ip = s + 16;
      version = etherIpVersion((d[s + 14] << 8) | d[s + 15]);
      seenAt = -1 - ((d[s] << 8) | d[s + 1]); // the packet type
      break;
    case 276: // Linux cooked capture v2: protocol at offset 0
      if (length < 20) return TRUNCATED;
      ip = s + 20;
      version = etherIpVersion((d[s] << 8) | d[s + 1]);
      seenAt = (d[s + 4] << 24) | (d[s + 5] << 16) | (d[s + 6] << 8) | d[s + 7]; // the interface index
      break;
    case 101: case 12: case 14: // raw IP (12 and 14 are DLT_RAW on some systems)
      ip = s;
      version = 0;
      break;
    case 228: ip = s; version = 4; break;
    case 229: ip = s; version = 6; break;
    case 0: case 108: { // BSD loopback: a 4-byte address family, host order (0) or network order (108)
      if (length < 4) return TRUNCATED;
      const family = f.linkType === 108
        ? ((d[s] << 24) | (d[s + 1] << 16) | (d[s + 2] << 8) | d[s + 3]) >>> 0
        : Math.min(d[s] | (d[s + 1] << 8) | (d[s + 2] << 16) | (d[s + 3] << 24), ((d[s] << 24) | (d[s + 1] << 16) | (d[s + 2] << 8) | d[s + 3]) >>> 0);
      ip = s + 4;
      if (family === 2) version = 4;
      else if (family === 10 || family === 24 || family === 28 || family === 30) version = 6;
      else return NOT_IP;
      break;
    }
    default:
      return UNKNOWN_LINK_TYPE | DETAIL_LINK_TYPE;
  }
  if (version === -1) return NOT_IP;
  if (ip >= f.end) return TRUNCATED;
  if (version === 0) version = d[ip] >> 4;
  const code = version === 4 ? decodeIPv4(f, ip, into) : version === 6 ? decodeIPv6(f, ip, into) : NOT_IP;
  if (code === 0) into.seenAt[into.count - 1] = seenAt;
  return code;
}

/** The IP version an EtherType carries: 4, 6, or -1 (not IP). */
function etherIpVersion(type: number): number {
  if (type === ETHERTYPE_IPV4) return 4;
  if (type === ETHERTYPE_IPV6) return 6;
  return -1;
}

function decodeIPv4(f: FrameAt, p: number, into: Segments): number {
  const d = f.bytes;
  const end = f.end;
  if (p + 20 > end) return TRUNCATED;
  if (d[p] >> 4 !== 4) return BAD_HEADER | 1;
  const ihl = (d[p] & 0x0f) * 4;
  if (ihl < 20) return BAD_HEADER | 2;
  const totalLength = (d[p + 2] << 8) | d[p + 3];
  const fragmentOffset = ((d[p + 6] & 0x1f) << 8) | d[p + 7];
  if (fragmentOffset !== 0) return FRAGMENT;
  if (d[p + 9] !== IPPROTO_TCP) return NOT_TCP;
  if (p + ihl > end) return TRUNCATED;
  // Total length 0 happens with TCP segmentation offload: the frame's length is the truth then.
  const ipLength = totalLength === 0 ? f.originalLength - (p - f.start) : totalLength;
  if (ipLength < ihl) return BAD_HEADER | 3;
  return decodeTcp(f, p + ihl, ipLength - ihl, 4, p + 12, into);
}

function decodeIPv6(f: FrameAt, p: number, into: Segments): number {
  const d = f.bytes;
  const end = f.end;
  if (p + 40 > end) return TRUNCATED;
  const payloadLength = (d[p + 4] << 8) | d[p + 5];
  let next = d[p + 6];
  let q = p + 40;
  // Remaining octets after the fixed header; 0 with a jumbo payload or offload: trust the frame.
  let remaining = payloadLength === 0 ? f.originalLength - (q - f.start) : payloadLength;
  for (let guard = 0; guard < 16; guard++) {
    if (next === IPPROTO_TCP) return decodeTcp(f, q, remaining, 6, p + 8, into);
    if (next === 0 || next === 43 || next === 60) { // hop-by-hop, routing, destination options
      if (q + 2 > end) return TRUNCATED;
      const length = (d[q + 1] + 1) * 8;
      next = d[q];
      q += length;
      remaining -= length;
    } else if (next === 44) { // fragment
      if (q + 8 > end) return TRUNCATED;
      const fragmentOffset = ((d[q + 2] << 8) | d[q + 3]) >> 3;
      if (fragmentOffset !== 0) return FRAGMENT;
      next = d[q];
      q += 8;
      remaining -= 8;
    } else if (next === 51) { // authentication header: length in 4-octet units, minus 2
      if (q + 2 > end) return TRUNCATED;
      const length = (d[q + 1] + 2) * 4;
      next = d[q];
      q += length;
      remaining -= length;
    } else {
      return NOT_TCP;
    }
    if (remaining < 0) return BAD_HEADER | 5;
  }
  return BAD_HEADER | 6;
}

/** The TCP header at `p`; the addresses are at `addresses` (source, then destination). */
function decodeTcp(f: FrameAt, p: number, segmentLength: number, ipVersion: 4 | 6, addresses: number, into: Segments): number {
  const d = f.bytes;
  // Ports, seq, ack and flags are what the conversion needs: the old default snapshot length of
  // 68 octets leaves an IPv6 packet exactly those (14 of its 20 octets).
  if (p + 14 > f.end) return TRUNCATED;
  const dataOffset = (d[p + 12] >> 4) * 4;
  if (dataOffset < 20 || dataOffset > segmentLength) return BAD_HEADER | 4;
  const row = into.room();
  into.frame[row] = f.number;
  into.seconds[row] = f.seconds;
  into.nanos[row] = f.nanos;
  into.ipVersion[row] = ipVersion;
  if (ipVersion === 4) {
    into.src[row] = ipv4Id(into, d, addresses);
    into.dst[row] = ipv4Id(into, d, addresses + 4);
  } else {
    into.src[row] = ipv6Id(into, d, addresses);
    into.dst[row] = ipv6Id(into, d, addresses + 16);
  }
  into.srcPort[row] = (d[p] << 8) | d[p + 1];
  into.dstPort[row] = (d[p + 2] << 8) | d[p + 3];
  into.seq[row] = ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0;
  into.ack[row] = ((d[p + 8] << 24) | (d[p + 9] << 16) | (d[p + 10] << 8) | d[p + 11]) >>> 0;
  into.flags[row] = d[p + 13];
  into.payloadLength[row] = segmentLength - dataOffset;
  if (p + 18 <= f.end) {
    into.window[row] = (d[p + 14] << 8) | d[p + 15];
    const checksum = (d[p + 16] << 8) | d[p + 17];
    // The IPv4 identification is 8 octets before the addresses.
    into.copyKey[row] = ipVersion === 4 ? ((d[addresses - 8] << 8) | d[addresses - 7]) * 65536 + checksum : checksum;
  } else {
    // Cut before the window and checksum: the window is unknown (-1; no win= is written), and the
    // packet is never taken for a second capture of another (see withoutCopies).
    into.window[row] = -1;
    into.copyKey[row] = NaN;
  }
  into.count = row + 1;
  // Options: those the language writes, and SACK blocks; the rest are skipped by their length.
  const end = Math.min(p + dataOffset, f.end);
  // A snapshot length that cuts a SYN's options hides its window scale: said, so that the window
  // is not taken unscaled.
  const cut = p + dataOffset > f.end && (into.flags[row] & TCP_SYN) !== 0;
  if (p + 20 < end || cut) readOptions(d, p + 20, end, into, row, cut);
  return 0;
}

function readOptions(d: Uint8Array, q: number, end: number, into: Segments, row: number, cut: boolean): void {
  let options: SegmentOptions | undefined = cut ? { cut } : undefined;
  while (q < end) {
    const kind = d[q];
    if (kind === 0) break; // end of option list
    if (kind === 1) { q++; continue; } // no-operation
    if (q + 1 >= end) break;
    const length = d[q + 1];
    if (length < 2 || q + length > end) break; // malformed: stop reading options
    if (kind === 2 && length === 4) (options ??= {}).mss = (d[q + 2] << 8) | d[q + 3];
    else if (kind === 3 && length === 3) (options ??= {}).wscale = d[q + 2];
    else if (kind === 4 && length === 2) (options ??= {}).sackPermitted = true;
    else if (kind === 5 && length >= 10 && (length - 2) % 8 === 0) {
      const blocks: number[] = [];
      for (let b = q + 2; b < q + length; b += 4) blocks.push(((d[b] << 24) | (d[b + 1] << 16) | (d[b + 2] << 8) | d[b + 3]) >>> 0);
      (options ??= {}).sack = blocks;
    }
    q += length;
  }
  if (options) into.options.set(row, options);
}

/** The id of the IPv4 address at `p`: addresses repeat on every packet, their text is made once. */
function ipv4Id(s: Segments, d: Uint8Array, p: number): number {
  const key = ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;
  const recent = s.recentV4;
  if (key === recent[0]) return s.recentV4Ids[0];
  if (key === recent[1]) return s.recentV4Ids[1];
  let id = s.v4Ids.get(key);
  if (id === undefined) {
    id = s.addressId(`${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`);
    s.v4Ids.set(key, id);
  }
  recent[1] = recent[0];
  s.recentV4Ids[1] = s.recentV4Ids[0];
  recent[0] = key;
  s.recentV4Ids[0] = id;
  return id;
}

/** The id of the IPv6 address at `p` (as for IPv4 above, with the text as the key behind). */
function ipv6Id(s: Segments, d: Uint8Array, p: number): number {
  for (let k = 0; k < 2; k++) {
    if (s.recentV6Ids[k] < 0) continue;
    const a = s.recentV6[k];
    let i = 0;
    while (i < 16 && a[i] === d[p + i]) i++;
    if (i === 16) return s.recentV6Ids[k];
  }
  const id = s.addressId(ipv6Text(d, p));
  s.recentV6[1].set(s.recentV6[0]);
  s.recentV6Ids[1] = s.recentV6Ids[0];
  s.recentV6[0].set(d.subarray(p, p + 16));
  s.recentV6Ids[0] = id;
  return id;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run of two or more zero groups as `::`. */
export function ipv6Text(d: Uint8Array, p: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((d[p + 2 * i] << 8) | d[p + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
