// Capture import: pcap/pcapng bytes -> TCP segments -> a tcpseq document.
// Pure TypeScript on Uint8Array; the callers (command line, editor command) do the file reading.
import { walkFrames } from './reader';
import type { CaptureFormat, FrameAt } from './reader';
import { decodeFrameInto, skipResult } from './decode';
import type { SkipReason, TcpPacket } from './decode';
import { Segments } from './segments';

export {
  TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK, TCP_URG, TCP_ECE, TCP_CWR, decodeFrame, decodeFrameAt, ipv6Text,
} from './decode';
export type { TcpPacket, SkipReason, DecodeResult } from './decode';
export { readFrames } from './reader';
export type { Frame, FrameAt, FrameReadResult, CaptureFormat } from './reader';
export * from './convert';
export type { Segments, SegmentOptions } from './segments';

/**
 * What readCapture found. The segments are kept in columns (`segments`, see segments.ts); give the
 * whole result to splitConnections or convertCapture, which read the columns. `packets` makes a
 * TcpPacket object per segment on first use: only ask for it when the objects themselves are wanted.
 */
export class CaptureReadResult {
  readonly format?: CaptureFormat;
  /** Every TCP segment read, in file order, a row each. */
  readonly segments: Segments;
  /** Frames read in all (TCP or not). */
  readonly frameCount: number;
  /** Things skipped or odd, one line each (counted, not repeated per frame). */
  readonly warnings: string[];
  /** Why reading stopped early (naming the byte offset); what came before is in `segments`. */
  readonly error?: string;
  private packetList: TcpPacket[] | undefined;

  constructor(fields: { format?: CaptureFormat; segments: Segments; frameCount: number; warnings: string[]; error?: string }) {
    this.format = fields.format;
    this.segments = fields.segments;
    this.frameCount = fields.frameCount;
    this.warnings = fields.warnings;
    this.error = fields.error;
  }

  /** How many TCP segments were read (without making their objects). */
  get packetCount(): number {
    return this.segments.count;
  }

  /** Every TCP segment read, in file order, as objects: made on first use, the same ones after. */
  get packets(): TcpPacket[] {
    return (this.packetList ??= this.segments.packetsAt());
  }
}

const SKIP_TEXT: Record<SkipReason, string> = {
  'not-ip': 'frames with neither IPv4 nor IPv6, skipped',
  'not-tcp': 'frames without TCP, skipped',
  fragment: 'non-first IP fragments, ignored (TCP headers are in first fragments)',
  truncated: 'frames cut by the snapshot length before their TCP flags, skipped',
  'bad-header': 'frames with a damaged IP or TCP header, skipped',
  'unknown-link-type': 'frames of a link type this reader does not know, skipped',
};

/** Room for the segments of a capture of `size` bytes: one per 64 bytes (grown if need be). */
function initialRows(size: number): number {
  return Math.min(size >> 6, 1 << 22) + 16;
}

function skipFrame(skipped: Map<SkipReason, { count: number; details: Set<string> }>, result: { skip: SkipReason; detail?: string }): void {
  let entry = skipped.get(result.skip);
  if (!entry) skipped.set(result.skip, (entry = { count: 0, details: new Set() }));
  entry.count++;
  if (result.detail && entry.details.size < 5) entry.details.add(result.detail);
}

/** Reads every TCP segment of a pcap or pcapng file. Never throws. */
export function readCapture(bytes: Uint8Array): CaptureReadResult {
  try {
    // A row per segment, in columns (segments.ts): no object per segment.
    const segments = new Segments(initialRows(bytes.length));
    const skipped = new Map<SkipReason, { count: number; details: Set<string> }>();
    // Each frame is decoded where it lies in `bytes`: no frame objects in between.
    const read = walkFrames(bytes, (frame: FrameAt) => {
      const skip = decodeFrameInto(frame, segments);
      if (skip !== 0) skipFrame(skipped, skipResult(skip, frame.linkType));
    });
    const warnings = [...read.warnings];
    for (const [reason, { count, details }] of skipped) {
      // Non-TCP traffic is normal in a capture; only say so when nothing else is there.
      if ((reason === 'not-tcp' || reason === 'not-ip') && segments.count > 0) continue;
      const extra = details.size ? ` (${reason === 'unknown-link-type' ? 'link type ' : ''}${[...details].join(', ')})` : '';
      warnings.push(`${SKIP_TEXT[reason]}: ${count}${extra}`);
    }
    return new CaptureReadResult({ format: read.format, segments, frameCount: read.frameCount, warnings, error: read.error || undefined });
  } catch (err) {
    // A bug, not bad input: bad input is reported above with its offset.
    return new CaptureReadResult({ segments: new Segments(0), frameCount: 0, warnings: [], error: `internal error while reading the capture: ${String(err)}` });
  }
}
