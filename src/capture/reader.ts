// pcap and pcapng files -> link-layer frames. Pure TypeScript on a Uint8Array: no fs, no native
// modules, so the same code runs in the command line, the extension host and tests.
//
// Damaged input never throws: reading stops at the first block or record that cannot be right,
// the error names its byte offset, and every frame read before it is kept.

/** One captured frame, still with its link-layer header. */
export interface Frame {
  /** 1-based frame number in the file, as Wireshark counts. */
  readonly number: number;
  /** LINKTYPE_* value of the interface that captured it. */
  readonly linkType: number;
  /** Whole seconds since the epoch (or since an unknown origin, for SPB frames: 0). */
  readonly seconds: number;
  /** Nanoseconds within the second. */
  readonly nanos: number;
  /** The captured bytes (a view into the file's buffer). */
  readonly data: Uint8Array;
  /** The length on the wire (may exceed data.length when the snaplen cut it). */
  readonly originalLength: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface FrameReadResult {
  readonly format?: CaptureFormat;
  readonly frames: Frame[];
  readonly warnings: string[];
  /** Why reading stopped early, naming the byte offset; frames before it are still in `frames`. */
  readonly error?: string;
}

/**
 * A frame where it lies in the file: `bytes[start..end)`. The walk below passes one such object,
 * refilled for every frame, so that decoding a large capture makes no view and no object per frame.
 */
export interface FrameAt {
  number: number;
  linkType: number;
  seconds: number;
  nanos: number;
  originalLength: number;
  bytes: Uint8Array;
  start: number;
  end: number;
  /** The pcapng interface that captured it (0 in a pcap file). */
  interfaceId: number;
}

/** What a walk over the frames found, besides the frames themselves. */
export interface FrameWalkResult {
  readonly format?: CaptureFormat;
  readonly frameCount: number;
  readonly warnings: string[];
  readonly error?: string;
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 0x00000001;
const BLOCK_OBSOLETE_PACKET = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** No real frame is larger than this; a bigger length means the file is damaged. */
const MAX_FRAME = 256 * 1024;

/** Reads a pcap or pcapng file; never throws. */
export function readFrames(bytes: Uint8Array): FrameReadResult {
  const frames: Frame[] = [];
  const walk = walkFrames(bytes, (f) => {
    frames.push({
      number: f.number, linkType: f.linkType, seconds: f.seconds, nanos: f.nanos,
      data: bytes.subarray(f.start, f.end), originalLength: f.originalLength,
    });
  });
  const { format, warnings, error } = walk;
  if (format === undefined) return { frames, warnings, error };
  return error === undefined ? { format, frames, warnings } : { format, frames, warnings, error };
}

/**
 * Calls `visit` for each frame of a pcap or pcapng file, in file order; never throws (unless
 * `visit` does). The object passed to `visit` is reused for the next frame: copy what you keep.
 */
export function walkFrames(bytes: Uint8Array, visit: (frame: FrameAt) => void): FrameWalkResult {
  if (bytes.length < 4) {
    return { frameCount: 0, warnings: [], error: `not a capture file: only ${bytes.length} bytes` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBE = view.getUint32(0, false);
  if (magicBE === PCAPNG_SHB) return readPcapng(bytes, view, visit);
  const magicLE = view.getUint32(0, true);
  if (magicLE === PCAP_MAGIC_US || magicLE === PCAP_MAGIC_NS) return readPcap(bytes, view, true, magicLE === PCAP_MAGIC_NS, visit);
  if (magicBE === PCAP_MAGIC_US || magicBE === PCAP_MAGIC_NS) return readPcap(bytes, view, false, magicBE === PCAP_MAGIC_NS, visit);
  const compression = COMPRESSED.find(([magic]) => (magicBE >>> (32 - 8 * magic.length)) === magic.reduce((n, b) => n * 256 + b, 0))?.[1];
  return {
    frameCount: 0, warnings: [],
    error: compression
      ? `a ${compression}-compressed file, not a pcap or pcapng file: decompress it first`
      : `not a pcap or pcapng file: unknown magic number 0x${magicBE.toString(16).padStart(8, '0')} at byte offset 0`,
  };
}

/** Magic numbers of compressed files (captures are often kept so; Wireshark reads several of them). */
const COMPRESSED: readonly [readonly number[], string][] = [
  [[0x1f, 0x8b], 'gzip'], [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'], [[0x04, 0x22, 0x4d, 0x18], 'lz4'],
  [[0xfd, 0x37, 0x7a, 0x58], 'xz'], [[0x42, 0x5a, 0x68], 'bzip2'],
];

function newFrameAt(bytes: Uint8Array): FrameAt {
  return { number: 0, linkType: 0, seconds: 0, nanos: 0, originalLength: 0, bytes, start: 0, end: 0, interfaceId: 0 };
}

function readPcap(bytes: Uint8Array, view: DataView, le: boolean, nanoResolution: boolean, visit: (frame: FrameAt) => void): FrameWalkResult {
  const warnings: string[] = [];
  let number = 0;
  const done = (error?: string): FrameWalkResult => (error === undefined
    ? { format: 'pcap', frameCount: number, warnings }
    : { format: 'pcap', frameCount: number, warnings, error });
  if (bytes.length < 24) {
    return done(`pcap file header truncated at byte offset ${bytes.length} (needs 24 bytes)`);
  }
  // The top bits of the link type field may carry FCS information (pcap-savefile(5)).
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  const snaplen = view.getUint32(16, le);
  const limit = Math.max(snaplen, MAX_FRAME);
  const fractionLimit = nanoResolution ? 1e9 : 1e6;
  const frame = newFrameAt(bytes);
  frame.linkType = linkType;
  let offset = 24;
  while (offset < bytes.length) {
    if (offset + 16 > bytes.length) {
      return done(`record header truncated at byte offset ${offset} (frame ${number + 1})`);
    }
    const seconds = view.getUint32(offset, le);
    const fraction = view.getUint32(offset + 4, le);
    const capturedLength = view.getUint32(offset + 8, le);
    const originalLength = view.getUint32(offset + 12, le);
    if (capturedLength > limit) {
      return done(`absurd captured length ${capturedLength} in the record at byte offset ${offset} (frame ${number + 1})`);
    }
    if (fraction >= fractionLimit) {
      return done(`impossible timestamp fraction ${fraction} in the record at byte offset ${offset} (frame ${number + 1})`);
    }
    const start = offset + 16;
    if (start + capturedLength > bytes.length) {
      return done(`frame ${number + 1} truncated: the record at byte offset ${offset} needs ${capturedLength} bytes, the file has ${bytes.length - start}`);
    }
    number++;
    frame.number = number;
    frame.seconds = seconds;
    frame.nanos = nanoResolution ? fraction : fraction * 1000;
    frame.start = start;
    frame.end = start + capturedLength;
    frame.originalLength = Math.max(originalLength, capturedLength);
    visit(frame);
    offset = start + capturedLength;
  }
  return done();
}

/** An interface described by an IDB: link type and timestamp units. */
interface PcapngInterface {
  readonly linkType: number;
  readonly snaplen: number;
  /** Timestamp units per second (10^6 unless if_tsresol says otherwise). */
  readonly unitsPerSecond: number;
  readonly offsetSeconds: number;
}

function readPcapng(bytes: Uint8Array, view: DataView, visit: (frame: FrameAt) => void): FrameWalkResult {
  const warnings: string[] = [];
  let number = 0;
  const done = (error?: string): FrameWalkResult => ({ format: 'pcapng', frameCount: number, warnings, ...(error && { error }) });
  const frame = newFrameAt(bytes);
  let interfaces: PcapngInterface[] = [];
  let le = true;
  let offset = 0;
  let warnedSimplePackets = false;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return done(`block header truncated at byte offset ${offset}`);
    let type = view.getUint32(offset, le);
    if (view.getUint32(offset, false) === PCAPNG_SHB) {
      // A section header block sets the byte order for its whole section.
      type = PCAPNG_SHB;
      const bom = view.getUint32(offset + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true;
      else if (view.getUint32(offset + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
      else return done(`section header block at byte offset ${offset} has no valid byte-order magic`);
      interfaces = [];
    }
    const length = view.getUint32(offset + 4, le);
    if (length < 12 || length % 4 !== 0) {
      return done(`block at byte offset ${offset} has an impossible length ${length} (must be a multiple of 4, at least 12)`);
    }
    if (offset + length > bytes.length) {
      return done(`block at byte offset ${offset} truncated: its length is ${length}, the file has ${bytes.length - offset} bytes left`);
    }
    if (view.getUint32(offset + length - 4, le) !== length) {
      return done(`block at byte offset ${offset}: the trailing length does not repeat the leading length ${length}`);
    }
    const body = offset + 8;
    const bodyEnd = offset + length - 4;
    switch (type) {
      case PCAPNG_SHB:
        if (bodyEnd - body < 16) return done(`section header block at byte offset ${offset} is too short`);
        break;
      case BLOCK_IDB: {
        if (bodyEnd - body < 8) return done(`interface description block at byte offset ${offset} is too short`);
        const idb = readInterface(view, body, bodyEnd, le);
        if (typeof idb === 'string') return done(`${idb} in the interface description block at byte offset ${offset}`);
        interfaces.push(idb);
        break;
      }
      case BLOCK_EPB:
      case BLOCK_OBSOLETE_PACKET: {
        if (bodyEnd - body < 20) return done(`packet block at byte offset ${offset} is too short`);
        const interfaceId = type === BLOCK_EPB ? view.getUint32(body, le) : view.getUint16(body, le);
        const iface = interfaces[interfaceId];
        if (!iface) return done(`packet block at byte offset ${offset} names interface ${interfaceId}, which no interface description block declared`);
        const high = view.getUint32(body + 4, le);
        const low = view.getUint32(body + 8, le);
        const capturedLength = view.getUint32(body + 12, le);
        const originalLength = view.getUint32(body + 16, le);
        const start = body + 20;
        if (capturedLength > bodyEnd - start) {
          return done(`packet block at byte offset ${offset}: captured length ${capturedLength} exceeds the block's ${bodyEnd - start} bytes of data`);
        }
        number++;
        frame.number = number;
        frame.linkType = iface.linkType;
        frame.interfaceId = interfaceId;
        splitTimestamp(high, low, iface.unitsPerSecond, frame);
        frame.seconds += iface.offsetSeconds;
        frame.start = start;
        frame.end = start + capturedLength;
        frame.originalLength = Math.max(originalLength, capturedLength);
        visit(frame);
        break;
      }
      case BLOCK_SPB: {
        // A simple packet block belongs to interface 0 and has no timestamp.
        const iface = interfaces[0];
        if (!iface) return done(`simple packet block at byte offset ${offset} comes before any interface description block`);
        if (bodyEnd - body < 4) return done(`simple packet block at byte offset ${offset} is too short`);
        const originalLength = view.getUint32(body, le);
        const room = bodyEnd - body - 4;
        const capturedLength = Math.min(originalLength, iface.snaplen || originalLength, room);
        number++;
        frame.number = number;
        frame.linkType = iface.linkType;
        frame.interfaceId = 0;
        frame.seconds = 0;
        frame.nanos = 0;
        frame.start = body + 4;
        frame.end = body + 4 + capturedLength;
        frame.originalLength = originalLength;
        visit(frame);
        if (!warnedSimplePackets) {
          warnedSimplePackets = true;
          warnings.push('simple packet blocks carry no timestamps: their frames have time 0');
        }
        break;
      }
      default:
        // Name resolution, statistics, custom blocks...: nothing a TCP exchange needs.
        break;
    }
    offset += length;
  }
  return done();
}

function readInterface(view: DataView, body: number, end: number, le: boolean): PcapngInterface | string {
  const linkType = view.getUint16(body, le);
  const snaplen = view.getUint32(body + 4, le);
  let unitsPerSecond = 1e6;
  let offsetSeconds = 0;
  let p = body + 8;
  while (p + 4 <= end) {
    const code = view.getUint16(p, le);
    const length = view.getUint16(p + 2, le);
    if (code === OPT_END) break;
    const value = p + 4;
    if (value + length > end) return `option ${code} at byte offset ${p} runs past the block`;
    if (code === OPT_IF_TSRESOL && length >= 1) {
      const r = view.getUint8(value);
      // High bit clear: 10^-r seconds; set: 2^-r seconds.
      const exponent = r & 0x7f;
      unitsPerSecond = r & 0x80 ? 2 ** exponent : 10 ** exponent;
      if (!Number.isFinite(unitsPerSecond) || unitsPerSecond < 1 || exponent > 63) {
        return `unusable timestamp resolution 0x${r.toString(16)} at byte offset ${value}`;
      }
    } else if (code === OPT_IF_TSOFFSET && length >= 8) {
      // A 64-bit signed count of seconds added to every timestamp of this interface.
      offsetSeconds = Number(view.getBigInt64(value, le));
    }
    p = value + ((length + 3) & ~3);
  }
  return { linkType, snaplen, unitsPerSecond, offsetSeconds };
}

/**
 * A 64-bit timestamp in `unitsPerSecond` units -> seconds and nanoseconds (written into `into`),
 * exactly when it matters.
 */
function splitTimestamp(high: number, low: number, unitsPerSecond: number, into: { seconds: number; nanos: number }): void {
  const units = high * 2 ** 32 + low;
  if (units <= Number.MAX_SAFE_INTEGER && Number.isInteger(unitsPerSecond)) {
    const seconds = Math.floor(units / unitsPerSecond);
    const rest = units - seconds * unitsPerSecond;
    into.seconds = seconds;
    into.nanos = Math.floor((rest * 1e9) / unitsPerSecond);
    return;
  }
  // Nanosecond timestamps after 2255 or odd resolutions: exact integer arithmetic.
  if (Number.isInteger(unitsPerSecond) && unitsPerSecond <= Number.MAX_SAFE_INTEGER) {
    const big = (BigInt(high) << 32n) | BigInt(low);
    const per = BigInt(unitsPerSecond);
    const seconds = big / per;
    into.seconds = Number(seconds);
    into.nanos = Number(((big - seconds * per) * 1_000_000_000n) / per);
    return;
  }
  const seconds = Math.floor(units / unitsPerSecond);
  into.seconds = seconds;
  into.nanos = Math.floor(((units / unitsPerSecond) - seconds) * 1e9);
}
