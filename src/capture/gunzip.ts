// Captures kept gzip-compressed (`capture.pcap.gz`, as tcpdump piped to gzip writes them and as
// Wireshark reads and writes them) are decompressed before reading. The one file of the capture
// import that needs Node (zlib): the callers that read files use it, the reader stays on bytes.
import { constants, gunzipSync } from 'node:zlib';

/** More than this, decompressed, is refused: a file that expands without end must not take the editor's memory. */
export const MAX_DECOMPRESSED = 1 << 30;

export interface Decompressed {
  readonly bytes: Uint8Array;
  /** Set when the bytes were gzip-compressed: what to tell the user (cut short, too large). */
  readonly note?: string;
  /** Nothing usable came out. */
  readonly error?: string;
}

/** The gzip magic number (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * `bytes` decompressed if they are gzip, else as they are. A compressed file cut short gives what
 * came before the cut (the reader then names where its last frame broke off), as an uncompressed one does.
 */
export function gunzipCapture(bytes: Uint8Array, limit = MAX_DECOMPRESSED): Decompressed {
  if (!isGzip(bytes)) return { bytes };
  try {
    return { bytes: gunzipSync(bytes, { maxOutputLength: limit }) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { bytes: new Uint8Array(0), error: `a gzip-compressed capture of more than ${Math.round(limit / (1 << 20))} MB decompressed: decompress it, then cut it (editcap -r)` };
    }
    // Damaged or cut short: keep what decompresses up to the damage.
    let partial: Uint8Array;
    try {
      partial = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limit });
    } catch {
      partial = new Uint8Array(0);
    }
    const reason = err instanceof Error ? err.message : String(err);
    if (partial.length === 0) return { bytes: partial, error: `a gzip-compressed file that does not decompress (${reason})` };
    return { bytes: partial, note: `the gzip compression is damaged or cut short (${reason}): ${partial.length} bytes decompressed before it are read` };
  }
}
