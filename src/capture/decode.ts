// Link layer -> IPv4/IPv6 -> TCP. Frames that carry no TCP are skipped and counted, never fatal.
import type { Frame, FrameAt } from './reader';

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
const IPPROTO_TCP = 6;

/** Decodes one frame down to its TCP header. */
export function decodeFrame(frame: Frame): DecodeResult {
  return decodeFrameAt({
    number: frame.number, linkType: frame.linkType, seconds: frame.seconds, nanos: frame.nanos,
    originalLength: frame.originalLength, bytes: frame.data, start: 0, end: frame.data.length,
  });
}

/** Decodes a frame in place in the file's bytes (positions below are indexes into `f.bytes`). */
export function decodeFrameAt(f: FrameAt): DecodeResult {
  const d = f.bytes;
  const s = f.start;
  const length = f.end - s;
  // Where the IP header starts, and its version: 4, 6, 0 ("look at the version nibble") or -1 (not IP).
  let ip: number;
  let version: number;
  switch (f.linkType) {
    case 1: { // Ethernet, with any number of 802.1Q / 802.1ad tags
      let p = 12;
      let type: number;
      for (;;) {
        if (p + 2 > length) return { skip: 'truncated' };
        type = (d[s + p] << 8) | d[s + p + 1];
        if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100) break; // VLAN tags
        p += 4;
      }
      ip = s + p + 2;
      version = etherIpVersion(type);
      break;
    }
    case 113: // Linux cooked capture v1: protocol at offset 14
      if (length < 16) return { skip: 'truncated' };
      ip = s + 16;
      version = etherIpVersion((d[s + 14] << 8) | d[s + 15]);
      break;
    case 276: // Linux cooked capture v2: protocol at offset 0
      if (length < 20) return { skip: 'truncated' };
      ip = s + 20;
      version = etherIpVersion((d[s] << 8) | d[s + 1]);
      break;
    case 101: case 12: case 14: // raw IP (12 and 14 are DLT_RAW on some systems)
      ip = s;
      version = 0;
      break;
    case 228: ip = s; version = 4; break;
    case 229: ip = s; version = 6; break;
    case 0: case 108: { // BSD loopback: a 4-byte address family, host order (0) or network order (108)
      if (length < 4) return { skip: 'truncated' };
      const family = f.linkType === 108
        ? ((d[s] << 24) | (d[s + 1] << 16) | (d[s + 2] << 8) | d[s + 3]) >>> 0
        : Math.min(d[s] | (d[s + 1] << 8) | (d[s + 2] << 16) | (d[s + 3] << 24), ((d[s] << 24) | (d[s + 1] << 16) | (d[s + 2] << 8) | d[s + 3]) >>> 0);
      ip = s + 4;
      if (family === 2) version = 4;
      else if (family === 10 || family === 24 || family === 28 || family === 30) version = 6;
      else return { skip: 'not-ip' };
      break;
    }
    default:
      return { skip: 'unknown-link-type', detail: String(f.linkType) };
  }
  if (version === -1) return { skip: 'not-ip' };
  if (ip >= f.end) return { skip: 'truncated' };
  if (version === 0) version = d[ip] >> 4;
  if (version === 4) return decodeIPv4(f, ip);
  if (version === 6) return decodeIPv6(f, ip);
  return { skip: 'not-ip' };
}

/** The IP version an EtherType carries: 4, 6, or -1 (not IP). */
function etherIpVersion(type: number): number {
  if (type === ETHERTYPE_IPV4) return 4;
  if (type === ETHERTYPE_IPV6) return 6;
  return -1;
}

function decodeIPv4(f: FrameAt, p: number): DecodeResult {
  const d = f.bytes;
  const end = f.end;
  if (p + 20 > end) return { skip: 'truncated' };
  if (d[p] >> 4 !== 4) return { skip: 'bad-header', detail: 'IPv4 version' };
  const ihl = (d[p] & 0x0f) * 4;
  if (ihl < 20) return { skip: 'bad-header', detail: 'IPv4 header length' };
  const totalLength = (d[p + 2] << 8) | d[p + 3];
  const fragmentOffset = ((d[p + 6] & 0x1f) << 8) | d[p + 7];
  if (fragmentOffset !== 0) return { skip: 'fragment' };
  if (d[p + 9] !== IPPROTO_TCP) return { skip: 'not-tcp' };
  if (p + ihl > end) return { skip: 'truncated' };
  // Total length 0 happens with TCP segmentation offload: the frame's length is the truth then.
  const ipLength = totalLength === 0 ? f.originalLength - (p - f.start) : totalLength;
  if (ipLength < ihl) return { skip: 'bad-header', detail: 'IPv4 total length' };
  return decodeTcp(f, p + ihl, ipLength - ihl, 4, ipv4Text(d, p + 12), ipv4Text(d, p + 16));
}

function decodeIPv6(f: FrameAt, p: number): DecodeResult {
  const d = f.bytes;
  const end = f.end;
  if (p + 40 > end) return { skip: 'truncated' };
  const payloadLength = (d[p + 4] << 8) | d[p + 5];
  let next = d[p + 6];
  let q = p + 40;
  // Remaining octets after the fixed header; 0 with a jumbo payload or offload: trust the frame.
  let remaining = payloadLength === 0 ? f.originalLength - (q - f.start) : payloadLength;
  for (let guard = 0; guard < 16; guard++) {
    if (next === IPPROTO_TCP) {
      return decodeTcp(f, q, remaining, 6, ipv6TextCached(d, p + 8), ipv6TextCached(d, p + 24));
    }
    if (next === 0 || next === 43 || next === 60) { // hop-by-hop, routing, destination options
      if (q + 2 > end) return { skip: 'truncated' };
      const length = (d[q + 1] + 1) * 8;
      next = d[q];
      q += length;
      remaining -= length;
    } else if (next === 44) { // fragment
      if (q + 8 > end) return { skip: 'truncated' };
      const fragmentOffset = ((d[q + 2] << 8) | d[q + 3]) >> 3;
      if (fragmentOffset !== 0) return { skip: 'fragment' };
      next = d[q];
      q += 8;
      remaining -= 8;
    } else if (next === 51) { // authentication header: length in 4-octet units, minus 2
      if (q + 2 > end) return { skip: 'truncated' };
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
  f: FrameAt, p: number, segmentLength: number, ipVersion: 4 | 6, src: string, dst: string,
): DecodeResult {
  const d = f.bytes;
  if (p + 20 > f.end) return { skip: 'truncated' };
  const dataOffset = (d[p + 12] >> 4) * 4;
  if (dataOffset < 20 || dataOffset > segmentLength) return { skip: 'bad-header', detail: 'TCP data offset' };
  const packet: {
    -readonly [K in keyof TcpPacket]: TcpPacket[K];
  } = {
    frame: f.number,
    seconds: f.seconds,
    nanos: f.nanos,
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
  const end = Math.min(p + dataOffset, f.end);
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

/**
 * Addresses repeat on every packet of a connection: build each text once. The two met last (the
 * two ends of a connection, usually) are checked before the map.
 */
const ipv4Texts = new Map<number, string>();
const recentV4Keys = new Float64Array([-1, -1]);
const recentV4Texts = ['', ''];

function ipv4Text(d: Uint8Array, p: number): string {
  const key = ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;
  if (key === recentV4Keys[0]) return recentV4Texts[0];
  if (key === recentV4Keys[1]) return recentV4Texts[1];
  let text = ipv4Texts.get(key);
  if (text === undefined) {
    text = `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
    if (ipv4Texts.size > 100_000) ipv4Texts.clear();
    ipv4Texts.set(key, text);
  }
  recentV4Keys[1] = recentV4Keys[0];
  recentV4Texts[1] = recentV4Texts[0];
  recentV4Keys[0] = key;
  recentV4Texts[0] = text;
  return text;
}

/** The IPv6 addresses met last, with their text (as for IPv4 above, without a map behind). */
const recentV6 = [new Uint8Array(16), new Uint8Array(16)];
const recentV6Texts = ['', ''];

function ipv6TextCached(d: Uint8Array, p: number): string {
  for (let k = 0; k < 2; k++) {
    if (recentV6Texts[k] === '') continue;
    const a = recentV6[k];
    let i = 0;
    while (i < 16 && a[i] === d[p + i]) i++;
    if (i === 16) return recentV6Texts[k];
  }
  const text = ipv6Text(d, p);
  recentV6[1].set(recentV6[0]);
  recentV6Texts[1] = recentV6Texts[0];
  recentV6[0].set(d.subarray(p, p + 16));
  recentV6Texts[0] = text;
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
