// The document's outline as the model sees it: the title, then the phases of each connection
// (handshake, data transfer, teardown, reset), each with its segments; and the `par` blocks that
// an editor can fold.
import type { Analysis, Range, SegmentEvent, TcbSnapshot, TimelineEvent } from './types';

export type PhaseKind = 'handshake' | 'data' | 'teardown' | 'reset';

export interface OutlineSegment {
  readonly line: number;
  readonly range: Range;
  /** `C->S SYN ACK seq=y ack=x+1`: the segment with its numbers as shown in the diagram. */
  readonly name: string;
  readonly label?: string;
}

export interface OutlinePhase {
  readonly kind: PhaseKind;
  /** From the start of its first segment to the end of the last line before the next phase. */
  readonly range: Range;
  /** The first segment's range: where the phase begins. */
  readonly selectionRange: Range;
  readonly segments: readonly OutlineSegment[];
}

export interface Outline {
  readonly title?: { readonly text: string; readonly range: Range };
  readonly phases: readonly OutlinePhase[];
}

/** A folding range over whole lines (0-based, inclusive). */
export interface FoldingLines {
  readonly startLine: number;
  readonly endLine: number;
}

/** `C->S SYN ACK seq=y ack=x+1 len=100`. */
export function segmentName(s: SegmentEvent): string {
  const parts = [`${s.from}${s.arrow}${s.to}`, s.flags.join(' '), `seq=${s.seq.text}`];
  if (s.ack) parts.push(`ack=${s.ack.text}`);
  if (s.len > 0) parts.push(`len=${s.len}`);
  if (s.old) parts.push('old');
  return parts.join(' ');
}

function stateOf(snapshots: readonly TcbSnapshot[], endpoint: string): TcbSnapshot['state'] | undefined {
  return snapshots.find((t) => t.endpoint === endpoint)?.state;
}

/**
 * The phase a segment opens, or undefined when it continues the current one. A SYN opens a
 * handshake, a FIN the teardown, a RST a reset; data starts with the first payload, or with the
 * first segment after both sides are ESTABLISHED (a document that starts mid-connection starts
 * with data). Payload during the teardown (a half-close) stays in the teardown.
 */
function opens(event: TimelineEvent, s: SegmentEvent, current: PhaseKind | undefined): PhaseKind | undefined {
  const has = (flag: string): boolean => s.flags.includes(flag as SegmentEvent['flags'][number]);
  if (has('RST')) return current === 'reset' ? undefined : 'reset';
  if (has('SYN')) return current === 'handshake' ? undefined : 'handshake';
  if (has('FIN')) return current === 'teardown' ? undefined : 'teardown';
  if (current === undefined || current === 'reset') return 'data';
  if (current === 'handshake') {
    const bothEstablished =
      stateOf(event.before, s.from) === 'ESTABLISHED' && stateOf(event.before, s.to) === 'ESTABLISHED';
    return s.len > 0 || bothEstablished ? 'data' : undefined;
  }
  return undefined;
}

/** The title and the phases, from the checked timeline. */
export function buildOutline(analysis: Analysis): Outline {
  const events = analysis.timeline.events;
  const titleEvent = events.find((e) => e.kind === 'title');
  const title =
    titleEvent && analysis.timeline.title !== undefined
      ? { text: analysis.timeline.title, range: titleEvent.range }
      : undefined;

  interface Draft { kind: PhaseKind; segments: OutlineSegment[]; first: TimelineEvent; last: TimelineEvent }
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  for (const event of events) {
    const s = event.segment;
    if (event.kind !== 'segment' || !s) {
      // Lines between segments (state assertions, waits, notes) belong to the phase they follow;
      // a `par` line belongs to the segments it opens, so it does not extend the phase before.
      if (current && event.kind !== 'par' && event.kind !== 'title' && event.kind !== 'participant') current.last = event;
      continue;
    }
    const kind = opens(event, s, current?.kind);
    if (kind !== undefined) {
      current = { kind, segments: [], first: event, last: event };
      drafts.push(current);
    }
    current!.segments.push({ line: event.line, range: event.range, name: segmentName(s), label: s.label });
    current!.last = event;
  }
  const phases = drafts.map((d) => ({
    kind: d.kind,
    range: { start: d.first.range.start, end: d.last.range.end },
    selectionRange: d.first.range,
    segments: d.segments,
  }));
  return { title, phases };
}

/**
 * `par` ... `end` blocks as folding ranges. A `par` inside a `par` is an error and is ignored,
 * so the next `end` closes the outer block; an unclosed `par` folds to the last statement.
 */
export function parFoldingRanges(analysis: Analysis): FoldingLines[] {
  const ranges: FoldingLines[] = [];
  let open: number | undefined;
  let lastLine = -1;
  for (const s of analysis.parsed.statements) {
    lastLine = s.range.end.line;
    if (s.kind === 'par') {
      if (open === undefined) open = s.range.start.line;
    } else if (s.kind === 'end' && open !== undefined) {
      if (s.range.start.line > open) ranges.push({ startLine: open, endLine: s.range.start.line });
      open = undefined;
    }
  }
  if (open !== undefined && lastLine > open) ranges.push({ startLine: open, endLine: lastLine });
  return ranges;
}
