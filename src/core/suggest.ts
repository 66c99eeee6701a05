// What comes next: the segment that would be correct, for completion.
import { suggestNext } from './model';
import type { Analysis, AnalyzeOptions } from './types';

/**
 * The flags and fields of the correct next segment from `from` to `to` after the whole document
 * (`SYN ACK seq=y ack=x+1` after `C->S SYN seq=x`), or undefined when `from` has nothing to send.
 */
export function suggestSegment(analysis: Analysis, from: string, to: string, options: AnalyzeOptions = {}): string | undefined {
  return suggestNext(analysis.parsed.statements, analysis.parsed.lineCount, from, to, options.defaultMslMs);
}
