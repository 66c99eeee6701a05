// TCP segments in columns (typed arrays), a row per segment, rather than as an object each: a long
// capture has 100,000 segments, and that many objects cost more to make and to collect (in a
// fresh process above all) than the rest of reading and converting them.
//
// splitConnections and convertConnection work on these columns. TcpPacket objects are made only
// when a caller asks for them (packetAt, packetsAt: `packets` of a read result or a connection),
// once per row, so that every list that holds a row holds the same object.
import type { TcpPacket } from './decode';

/** The TCP options a segment carried that the document writes. */
export interface SegmentOptions {
  mss?: number;
  wscale?: number;
  sackPermitted?: boolean;
  /** The capture's snapshot length cut the options (of a SYN): those above are what was left. */
  cut?: boolean;
  /**
   * SACK blocks (RFC 2018) as sent, [left, right) pairs: the octets past a hole that the receiver
   * holds. Not written; the conversion asks them which segments the receiver never held.
   */
  sack?: number[];
}

type MutablePacket = { -readonly [K in keyof TcpPacket]: TcpPacket[K] };

export class Segments {
  count = 0;
  frame: Float64Array;
  seconds: Float64Array;
  nanos: Float64Array;
  ipVersion: Uint8Array;
  /** Address ids: indexes into `addresses`. */
  src: Int32Array;
  dst: Int32Array;
  srcPort: Int32Array;
  dstPort: Int32Array;
  seq: Float64Array;
  ack: Float64Array;
  flags: Uint8Array;
  window: Int32Array;
  payloadLength: Float64Array;
  /**
   * What tells one packet captured twice (on two interfaces: `tcpdump -i any` on a bridge) from
   * two packets alike (duplicate ACKs): the IPv4 identification and the TCP checksum (IPv6: the
   * checksum). NaN when unknown (rows made from packet objects).
   */
  copyKey: Float64Array;
  /**
   * Where a packet was seen: its pcapng interface, its Linux cooked v2 interface index, or (Linux
   * cooked v1) -1 - its packet type (in or out). Two captures of one packet differ in it.
   */
  seenAt: Int32Array;
  /** The options of the rows that had any (SYNs, mostly), with their keys in the order met. */
  readonly options = new Map<number, SegmentOptions>();
  /** Address texts by id. */
  readonly addresses: string[] = [];
  private readonly idByText = new Map<string, number>();
  // For the decoder: ids by address bytes. The two addresses met last (the two ends of a
  // connection, usually) are checked first, then IPv4 addresses by their 32 bits.
  readonly recentV4 = new Float64Array([-1, -1]);
  readonly recentV4Ids = new Int32Array(2);
  readonly v4Ids = new Map<number, number>();
  readonly recentV6 = [new Uint8Array(16), new Uint8Array(16)];
  readonly recentV6Ids = new Int32Array([-1, -1]);
  /** Each row's object, once made (or given: fromPackets). */
  private readonly objects: (TcpPacket | undefined)[] = [];

  constructor(capacity: number) {
    this.frame = new Float64Array(capacity);
    this.seconds = new Float64Array(capacity);
    this.nanos = new Float64Array(capacity);
    this.ipVersion = new Uint8Array(capacity);
    this.src = new Int32Array(capacity);
    this.dst = new Int32Array(capacity);
    this.srcPort = new Int32Array(capacity);
    this.dstPort = new Int32Array(capacity);
    this.seq = new Float64Array(capacity);
    this.ack = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.window = new Int32Array(capacity);
    this.payloadLength = new Float64Array(capacity);
    this.copyKey = new Float64Array(capacity);
    this.seenAt = new Int32Array(capacity);
  }

  /** The columns of packets that are objects already (each row's object is the packet itself). */
  static fromPackets(packets: readonly TcpPacket[]): Segments {
    const s = new Segments(packets.length);
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i];
      s.frame[i] = p.frame;
      s.seconds[i] = p.seconds;
      s.nanos[i] = p.nanos;
      s.ipVersion[i] = p.ipVersion;
      s.src[i] = s.addressId(p.src);
      s.dst[i] = s.addressId(p.dst);
      s.srcPort[i] = p.srcPort;
      s.dstPort[i] = p.dstPort;
      s.seq[i] = p.seq;
      s.ack[i] = p.ack;
      s.flags[i] = p.flags;
      s.window[i] = p.window;
      s.payloadLength[i] = p.payloadLength;
      s.copyKey[i] = NaN;
      if (p.mss !== undefined || p.wscale !== undefined || p.sackPermitted !== undefined) {
        s.options.set(i, { mss: p.mss, wscale: p.wscale, sackPermitted: p.sackPermitted });
      }
      s.objects[i] = p;
    }
    s.count = packets.length;
    return s;
  }

  /** Room for one more row; returns its index (the caller fills it, then counts it). */
  room(): number {
    if (this.count === this.flags.length) this.grow();
    return this.count;
  }

  /** The id of an address text, made on first use. */
  addressId(text: string): number {
    let id = this.idByText.get(text);
    if (id === undefined) {
      id = this.addresses.length;
      this.addresses.push(text);
      this.idByText.set(text, id);
    }
    return id;
  }

  /** The id of an address text, or -1 when no row has it. */
  findAddress(text: string): number {
    return this.idByText.get(text) ?? -1;
  }

  /** The packet object of a row, made once. */
  packetAt(row: number): TcpPacket {
    let p = this.objects[row];
    if (p === undefined) {
      const made: MutablePacket = {
        frame: this.frame[row],
        seconds: this.seconds[row],
        nanos: this.nanos[row],
        ipVersion: this.ipVersion[row] as 4 | 6,
        src: this.addresses[this.src[row]],
        dst: this.addresses[this.dst[row]],
        srcPort: this.srcPort[row],
        dstPort: this.dstPort[row],
        seq: this.seq[row],
        ack: this.ack[row],
        flags: this.flags[row],
        window: this.window[row],
        payloadLength: this.payloadLength[row],
      };
      const options = this.options.get(row);
      if (options?.mss !== undefined) made.mss = options.mss;
      if (options?.wscale !== undefined) made.wscale = options.wscale;
      if (options?.sackPermitted !== undefined) made.sackPermitted = options.sackPermitted;
      this.objects[row] = p = made;
    }
    return p;
  }

  /** The packet objects of `rows` (all rows when not given), in that order. */
  packetsAt(rows?: Int32Array): TcpPacket[] {
    const n = rows ? rows.length : this.count;
    const list: TcpPacket[] = [];
    for (let k = 0; k < n; k++) list.push(this.packetAt(rows ? rows[k] : k));
    return list;
  }

  private grow(): void {
    const capacity = 2 * this.flags.length + 64;
    this.frame = grown(this.frame, capacity);
    this.seconds = grown(this.seconds, capacity);
    this.nanos = grown(this.nanos, capacity);
    this.ipVersion = grown(this.ipVersion, capacity);
    this.src = grown(this.src, capacity);
    this.dst = grown(this.dst, capacity);
    this.srcPort = grown(this.srcPort, capacity);
    this.dstPort = grown(this.dstPort, capacity);
    this.seq = grown(this.seq, capacity);
    this.ack = grown(this.ack, capacity);
    this.flags = grown(this.flags, capacity);
    this.window = grown(this.window, capacity);
    this.payloadLength = grown(this.payloadLength, capacity);
    this.copyKey = grown(this.copyKey, capacity);
    this.seenAt = grown(this.seenAt, capacity);
  }
}

/** A copy of a column with room for `capacity` rows (columns grow by doubling as rows come in). */
export function grown<T extends Uint8Array | Int32Array | Float64Array>(column: T, capacity: number): T {
  const bigger = new (column.constructor as new (n: number) => T)(capacity);
  bigger.set(column);
  return bigger;
}
