// Link layer -> IPv4/IPv6 -> TCP. Frames that carry no TCP are skipped and counted, never fatal.
import type { Frame } from './reader';

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
  /** The window field as sent (not scaled). */
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
const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8, 0x9100]);
const IPPROTO_TCP = 6;

/** Decodes one frame down to its TCP header. */
export function decodeFrame(frame: Frame): DecodeResult {
  const d = frame.data;
  const ip = ipStart(frame.linkType, d);
  if (typeof ip === 'string') return ip === 'unknown-link-type' ? { skip: ip, detail: String(frame.linkType) } : { skip: ip };
  if (ip.offset >= d.length) return { skip: 'truncated' };
  const version = d[ip.offset] >> 4;
  if (ip.kind === 4 || (ip.kind === 0 && version === 4)) return decodeIPv4(frame, d, ip.offset);
  if (ip.kind === 6 || (ip.kind === 0 && version === 6)) return decodeIPv6(frame, d, ip.offset);
  return { skip: 'not-ip' };
}

/** Where the IP header starts; kind 0 means "look at the version nibble". */
function ipStart(linkType: number, d: Uint8Array): { offset: number; kind: 0 | 4 | 6 } | SkipReason {
  switch (linkType) {
    case 1: { // Ethernet, with any number of 802.1Q / 802.1ad tags
      let p = 12;
      for (;;) {
        if (p + 2 > d.length) return 'truncated';
        const type = (d[p] << 8) | d[p + 1];
        if (ETHERTYPE_VLAN.has(type)) { p += 4; continue; }
        return etherKind(type, p + 2);
      }
    }
    case 113: { // Linux cooked capture v1: protocol at offset 14
      if (d.length < 16) return 'truncated';
      return etherKind((d[14] << 8) | d[15], 16);
    }
    case 276: { // Linux cooked capture v2: protocol at offset 0
      if (d.length < 20) return 'truncated';
      return etherKind((d[0] << 8) | d[1], 20);
    }
    case 101: case 12: case 14: // raw IP (12 and 14 are DLT_RAW on some systems)
      return { offset: 0, kind: 0 };
    case 228: return { offset: 0, kind: 4 };
    case 229: return { offset: 0, kind: 6 };
    case 0: case 108: { // BSD loopback: a 4-byte address family, host order (0) or network order (108)
      if (d.length < 4) return 'truncated';
      const family = linkType === 108
        ? ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0
        : Math.min(d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24), ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0);
      if (family === 2) return { offset: 4, kind: 4 };
      if (family === 10 || family === 24 || family === 28 || family === 30) return { offset: 4, kind: 6 };
      return 'not-ip';
    }
    default:
      return 'unknown-link-type';
  }
}

function etherKind(type: number, offset: number): { offset: number; kind: 4 | 6 } | SkipReason {
  if (type === ETHERTYPE_IPV4) return { offset, kind: 4 };
  if (type === ETHERTYPE_IPV6) return { offset, kind: 6 };
  return 'not-ip';
}

function decodeIPv4(frame: Frame, d: Uint8Array, p: number): DecodeResult {
  if (p + 20 > d.length) return { skip: 'truncated' };
  if (d[p] >> 4 !== 4) return { skip: 'bad-header', detail: 'IPv4 version' };
  const ihl = (d[p] & 0x0f) * 4;
  if (ihl < 20) return { skip: 'bad-header', detail: 'IPv4 header length' };
  const totalLength = (d[p + 2] << 8) | d[p + 3];
  const fragmentOffset = ((d[p + 6] & 0x1f) << 8) | d[p + 7];
  if (fragmentOffset !== 0) return { skip: 'fragment' };
  if (d[p + 9] !== IPPROTO_TCP) return { skip: 'not-tcp' };
  if (p + ihl > d.length) return { skip: 'truncated' };
  // Total length 0 happens with TCP segmentation offload: the frame's length is the truth then.
  const ipLength = totalLength === 0 ? frame.originalLength - p : totalLength;
  if (ipLength < ihl) return { skip: 'bad-header', detail: 'IPv4 total length' };
  return decodeTcp(frame, d, p + ihl, ipLength - ihl, 4, ipv4Text(d, p + 12), ipv4Text(d, p + 16));
}

function decodeIPv6(frame: Frame, d: Uint8Array, p: number): DecodeResult {
  if (p + 40 > d.length) return { skip: 'truncated' };
  const payloadLength = (d[p + 4] << 8) | d[p + 5];
  let next = d[p + 6];
  let q = p + 40;
  // Remaining octets after the fixed header; 0 with a jumbo payload or offload: trust the frame.
  let remaining = payloadLength === 0 ? frame.originalLength - q : payloadLength;
  for (let guard = 0; guard < 16; guard++) {
    if (next === IPPROTO_TCP) {
      return decodeTcp(frame, d, q, remaining, 6, ipv6Text(d, p + 8), ipv6Text(d, p + 24));
    }
    if (next === 0 || next === 43 || next === 60) { // hop-by-hop, routing, destination options
      if (q + 2 > d.length) return { skip: 'truncated' };
      const length = (d[q + 1] + 1) * 8;
      next = d[q];
      q += length;
      remaining -= length;
    } else if (next === 44) { // fragment
      if (q + 8 > d.length) return { skip: 'truncated' };
      const fragmentOffset = ((d[q + 2] << 8) | d[q + 3]) >> 3;
      if (fragmentOffset !== 0) return { skip: 'fragment' };
      next = d[q];
      q += 8;
      remaining -= 8;
    } else if (next === 51) { // authentication header: length in 4-octet units, minus 2
      if (q + 2 > d.length) return { skip: 'truncated' };
      const length = (d[q + 1] + 2) * 4;
      next = d[q];
      q += length;
      remaining -= length;
    } else {
      return { skip: 'not-tcp' };
    }
    if (remaining < 0) return { skip: 'bad-header', detail: 'IPv6 extension headers longer than the payload' };
  }
  return { skip: 'bad-header', detail: 'too many IPv6 extension headers' };
}

function decodeTcp(
  frame: Frame, d: Uint8Array, p: number, segmentLength: number, ipVersion: 4 | 6, src: string, dst: string,
): DecodeResult {
  if (p + 20 > d.length) return { skip: 'truncated' };
  const dataOffset = (d[p + 12] >> 4) * 4;
  if (dataOffset < 20 || dataOffset > segmentLength) return { skip: 'bad-header', detail: 'TCP data offset' };
  const packet: {
    -readonly [K in keyof TcpPacket]: TcpPacket[K];
  } = {
    frame: frame.number,
    seconds: frame.seconds,
    nanos: frame.nanos,
    ipVersion, src, dst,
    srcPort: (d[p] << 8) | d[p + 1],
    dstPort: (d[p + 2] << 8) | d[p + 3],
    seq: ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0,
    ack: ((d[p + 8] << 24) | (d[p + 9] << 16) | (d[p + 10] << 8) | d[p + 11]) >>> 0,
    flags: d[p + 13],
    window: (d[p + 14] << 8) | d[p + 15],
    payloadLength: segmentLength - dataOffset,
  };
  // Options: only those the language writes; the rest are skipped by their length.
  const end = Math.min(p + dataOffset, d.length);
  let q = p + 20;
  while (q < end) {
    const kind = d[q];
    if (kind === 0) break; // end of option list
    if (kind === 1) { q++; continue; } // no-operation
    if (q + 1 >= end) break;
    const length = d[q + 1];
    if (length < 2 || q + length > end) break; // malformed: stop reading options
    if (kind === 2 && length === 4) packet.mss = (d[q + 2] << 8) | d[q + 3];
    else if (kind === 3 && length === 3) packet.wscale = d[q + 2];
    else if (kind === 4 && length === 2) packet.sackPermitted = true;
    q += length;
  }
  return packet;
}

/** Addresses repeat on every packet of a connection: build each text once. */
const ipv4Texts = new Map<number, string>();

function ipv4Text(d: Uint8Array, p: number): string {
  const key = ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;
  let text = ipv4Texts.get(key);
  if (text === undefined) {
    text = `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
    if (ipv4Texts.size > 100_000) ipv4Texts.clear();
    ipv4Texts.set(key, text);
  }
  return text;
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
