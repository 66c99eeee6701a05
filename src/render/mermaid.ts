// Timeline -> Mermaid `sequenceDiagram` source. Pure: used by the preview page, the Markdown
// preview and `tcpseq render`. All user text is escaped here, once.
//
// Drawing conventions (also in the project's documentation):
// - `->` segment: solid arrow `->>`. `-x` (lost): solid arrow ending in a cross `-x`.
// - `~>` segment (in flight): dotted open arrow `--)` at the line where it is sent; where it
//   arrives, a note over the receiver `⤷ arrives: FLAGS seq=...`. Mermaid has no slanted arrows,
//   so the pair (send arrow, arrival note) shows that segments crossed.
// - Values the document left out are shown as computed, in parentheses: `ack=(x+1)`.
// - A written value that is wrong shows what it should be: `ack=x+2 [expected x+1]`.
// - State changes: a note over the endpoint's lifeline (`note over C: SYN-SENT`) where they
//   happen: a sender's before its arrow, a receiver's after it, and at the arrival note for `~>`.
// - A line with an error sits in a red `rect` with a note giving the diagnostic; warnings amber.
// - `par` blocks: Mermaid `par` / `and` / `end`, one segment per section.
// - `wait`: a note across all lifelines.
import type {
  Diagnostic, Participant, SegmentEvent, SegmentRemark, ShownValue, Timeline, TimelineEvent, Transition,
} from '../core/types';
import { ENGLISH } from '../core/messages';
import type { Localizer } from '../core/messages';
import type { DiagramSource } from '../../webview/protocol';

export type { DiagramSource, DiagramSourceMap } from '../../webview/protocol';

export interface MermaidOptions {
  /**
   * All diagnostics of the document. Errors and warnings on lines that have no timeline event
   * (a line the parser could not read) are then drawn as notes too, so every error line is marked.
   */
  readonly diagnostics?: readonly Diagnostic[];
  /**
   * Added to line numbers shown in problem notes (a Markdown block's first line), so that they
   * read as the file's lines. The source map stays relative to the document.
   */
  readonly lineOffset?: number;
  /** The language of the diagram's own words and problem notes (English by default). */
  readonly l10n?: Localizer;
  /**
   * Draw at most this many segments (undefined or 0: all). Mermaid takes about a second and a
   * half per thousand messages, so a long capture is drawn up to here, with a note saying so.
   */
  readonly maxSegments?: number;
  /** Appended to that note: how to draw more (the preview names its setting, the CLI its flag). */
  readonly moreHint?: string;
  /**
   * The line the reader is at (the editor's cursor). When the document has more segments than
   * maxSegments, the diagram draws the ones around this line's segment instead of the first ones,
   * with a note at the top saying where it starts.
   */
  readonly around?: number;
}

/** How many segments a diagram draws unless told otherwise. */
export const DEFAULT_MAX_SEGMENTS = 1000;

/** Background colours of the boxes that mark problem lines; translucent so both themes work. */
export const ERROR_RECT = 'rgba(229, 57, 53, 0.18)';
export const WARNING_RECT = 'rgba(240, 170, 0, 0.2)';

/** Notes longer than this are broken into lines, so that a long message does not widen the diagram. */
const NOTE_WIDTH = 56;

/**
 * Words the Mermaid sequence lexer treats as keywords (case-insensitive): an endpoint with such a
 * name gets an alias id.
 */
const MERMAID_KEYWORDS = new Set([
  'participant', 'actor', 'create', 'destroy', 'box', 'as', 'loop', 'rect', 'opt', 'alt', 'else',
  'par', 'par_over', 'and', 'critical', 'option', 'break', 'end', 'left', 'right', 'of', 'over',
  'note', 'links', 'link', 'properties', 'details', 'activate', 'deactivate', 'title', 'acctitle',
  'accdescr', 'sequencediagram', 'autonumber', 'off', 'x', 'o',
]);

/**
 * Characters that Mermaid's sequence grammar gives a meaning (`;` and newline end a statement,
 * `#` and `%%` start comments or entities, `:` starts a message text, `<br>` breaks a line,
 * `wrap:` changes layout, `$$...$$` is KaTeX maths, which the page's Mermaid does not bundle),
 * written as Mermaid entity codes, which it decodes after layout.
 */
const ESCAPED = /[;#%<>"&:`{}\\$]/g;

/** Escapes user text for any Mermaid text position (title, participant name, message, note). */
export function escapeMermaidText(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(ESCAPED, (c) => `#${c.charCodeAt(0)};`)
    .trim();
}

/** Builds the Mermaid diagram for a checked timeline, with a map back to source lines. */
export function timelineToMermaid(timeline: Timeline, options: MermaidOptions = {}): DiagramSource {
  return new MermaidWriter(timeline, options).write();
}

class MermaidWriter {
  private readonly out: string[] = ['sequenceDiagram'];
  private readonly messages: number[] = [];
  private readonly notes: number[] = [];
  private readonly ids = new Map<string, string>();
  private readonly order: string[] = [];
  private readonly segmentsByLine = new Map<number, SegmentEvent>();
  private readonly arrivalsDrawn = new Set<number>();
  private indent = 1;
  /** The open `par` block: its index, whether its header is written, segments drawn in it. */
  private par: { block: number | undefined; opened: boolean; segments: number; deferred: [Transition, number][] } | undefined;
  private sawSegment = false;

  constructor(private readonly timeline: Timeline, private readonly options: MermaidOptions) {}

  private get l10n(): Localizer {
    return this.options.l10n ?? ENGLISH;
  }

  write(): DiagramSource {
    const { timeline } = this;
    if (timeline.title?.trim()) this.line(`title ${escapeMermaidText(timeline.title)}`);
    this.declareParticipants();
    for (const e of timeline.events) if (e.segment) this.segmentsByLine.set(e.line, e.segment);

    const eventLines = new Set(timeline.events.map((e) => e.line));
    const orphans = (this.options.diagnostics ?? [])
      .filter((d) => d.severity !== 'information' && !eventLines.has(d.range.start.line))
      .sort((a, b) => a.range.start.line - b.range.start.line);
    const max = this.options.maxSegments || Infinity;
    const total = timeline.events.reduce((n, e) => n + (e.segment ? 1 : 0), 0);
    const first = this.firstDrawn(total, max);
    let seen = 0;
    let drawn = 0;
    let firstLine: number | undefined;
    let cutAt: number | undefined;
    let o = 0;
    for (const event of timeline.events) {
      // Events before the first segment drawn are left out, those between it and the one before are not.
      if (event.segment ? seen++ < first : seen < first) continue;
      if (event.segment && drawn++ === max) {
        cutAt = event.line;
        break;
      }
      if (firstLine === undefined) {
        firstLine = first > 0 ? event.line : 0;
        if (first > 0) this.startNote(event, first, Math.min(first + max, total), total);
        while (o < orphans.length && orphans[o].range.start.line < firstLine) o++;
      }
      while (o < orphans.length && orphans[o].range.start.line < event.line) this.orphanProblem(orphans[o++]);
      this.event(event);
    }
    this.closePar();
    if (cutAt === undefined) {
      this.lateArrivals();
      while (o < orphans.length) this.orphanProblem(orphans[o++]);
    } else {
      // What is in flight at the cut arrives after it: not drawn, like everything from there on.
      const line = cutAt + 1 + (this.options.lineOffset ?? 0);
      const text = this.l10n.t('The diagram stops here, before line {line}: it draws {drawn} of {total} segments.', { drawn: max, total, line });
      this.noteAcross(this.options.moreHint ? `${text} ${this.options.moreHint}` : text, cutAt);
    }
    const source = { source: this.out.join('\n') + '\n', map: { messages: this.messages, notes: this.notes } };
    if (total <= max) return source;
    return { ...source, drawn: cutAt === undefined ? { firstLine: firstLine ?? 0 } : { firstLine: firstLine ?? 0, endLine: cutAt } };
  }

  /**
   * Which segment the diagram starts at (0-based, in document order): the first, unless there are
   * more than `max` and the options say which line the reader is at; then `max` segments with the
   * one at that line (or the next after it) in the middle.
   */
  private firstDrawn(total: number, max: number): number {
    const around = this.options.around;
    if (total <= max || around === undefined) return 0;
    let k = 0;
    for (const e of this.timeline.events) {
      if (!e.segment) continue;
      if (e.line >= around) break;
      k++;
    }
    return Math.max(0, Math.min(k - Math.floor(max / 2), total - max));
  }

  /** The note at the top of a diagram that starts after the document's first segments. */
  private startNote(event: TimelineEvent, first: number, end: number, total: number): void {
    const states = event.before.map((t) => `${t.endpoint} ${t.state}`).join(', ');
    const line = event.line + 1 + (this.options.lineOffset ?? 0);
    this.noteAcross(this.l10n.t('The diagram starts here, at line {line} ({states}): it draws segments {from} to {to} of {total}.', {
      line, states, from: first + 1, to: end, total,
    }), event.line);
  }

  // ------------------------------------------------------------------------------------------
  // Participants

  private declareParticipants(): void {
    const labels = new Map<string, string>();
    for (const p of this.timeline.participants) labels.set(p.id, p.label);
    const seen: Participant[] = [...this.timeline.participants];
    const add = (id: string | undefined, line: number) => {
      if (id !== undefined && !labels.has(id)) {
        labels.set(id, id);
        seen.push({ id, label: id, line });
      }
    };
    for (const e of this.timeline.events) {
      add(e.segment?.from, e.line);
      add(e.segment?.to, e.line);
      for (const id of e.note?.endpoints ?? []) add(id, e.line);
      add(e.state?.endpoint, e.line);
      for (const t of e.transitions) add(t.endpoint, e.line);
    }
    const used = new Set<string>();
    for (const p of seen) {
      const id = this.uniqueId(p.id, used);
      used.add(id.toLowerCase());
      this.ids.set(p.id, id);
      this.order.push(p.id);
      this.line(`participant ${id} as ${escapeMermaidText(p.label || p.id) || id}`);
    }
  }

  /** A Mermaid-safe id for an endpoint: its own name unless that is a keyword or not plain. */
  private uniqueId(name: string, used: ReadonlySet<string>): string {
    let id = /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !MERMAID_KEYWORDS.has(name.toLowerCase())
      ? name
      : `p_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${id.replace(/_\d+$/, '')}_${n}`;
    return id;
  }

  private id(endpoint: string): string {
    return this.ids.get(endpoint) ?? this.uniqueId(endpoint, new Set());
  }

  // ------------------------------------------------------------------------------------------
  // Events

  private event(e: TimelineEvent): void {
    switch (e.kind) {
      case 'par':
        // A nested `par` is an error the core reports and ignores: keep the open block.
        if (!this.par) this.par = { block: undefined, opened: false, segments: 0, deferred: [] };
        this.problemsOnly(e);
        return;
      case 'end':
        // The block's segments arrive at its end, after all were sent: below the block.
        this.closePar();
        this.arrivals(e);
        this.transitionsAfter(e, new Set());
        this.problemsOnly(e);
        return;
      case 'segment':
        if (e.segment) return this.segment(e, e.segment);
        return this.problemsOnly(e);
      case 'wait':
        return this.wait(e);
      case 'note':
        return this.note(e);
      case 'state':
        return this.state(e);
      default:
        // title, participant, msl: nothing to draw but what happened there.
        this.arrivals(e);
        this.transitionsAfter(e, new Set());
        this.problemsOnly(e);
    }
  }

  private segment(e: TimelineEvent, s: SegmentEvent): void {
    this.arrivals(e);
    this.enterParSection(s);
    const severity = worst(e.problems);
    if (severity) this.open(`rect ${severity === 'error' ? ERROR_RECT : WARNING_RECT}`);

    const shown = new Set<Transition>();
    for (const t of e.transitions) {
      if (t.causeLine === e.line && t.endpoint === s.from) {
        this.transition(t, e.line);
        shown.add(t);
      }
    }
    const arrow = s.arrow === '-x' ? '-x' : s.arrow === '~>' ? '--)' : '->>';
    this.line(`${this.id(s.from)}${arrow}${this.id(s.to)}: ${segmentLabel(s, true, this.l10n)}`);
    this.messages.push(e.line);
    this.problemNotes(e, [s.from, s.to]);
    if (severity) this.close();
    // A `~>` segment changes its receiver's state where it arrives, not here. Inside `par`,
    // every segment is sent before any arrives: arrivals' changes go after the block.
    if (this.par) {
      const arrived = new Set(e.arrivals);
      for (const t of e.transitions) {
        if (!shown.has(t) && !(arrived.has(t.causeLine) && t.causeLine !== e.line)) this.par.deferred.push([t, e.line]);
      }
    } else {
      this.transitionsAfter(e, shown);
    }
    this.sawSegment = true;
  }

  private wait(e: TimelineEvent): void {
    this.arrivals(e);
    const ms = e.waitMs ?? 0;
    this.wrapProblems(e, this.order, () => {
      this.noteAcross(this.l10n.t('wait {duration}', { duration: formatDuration(ms, this.timeline.mslMs) }), e.line);
    });
    this.transitionsAfter(e, new Set());
  }

  private note(e: TimelineEvent): void {
    const n = e.note;
    this.arrivals(e);
    if (n && n.endpoints.length > 0) {
      this.enterParSection(undefined);
      const ids = n.endpoints.slice(0, 2).map((p) => this.id(p)).join(',');
      const placement = n.placement === 'over' ? 'over' : n.placement;
      this.wrapProblems(e, n.endpoints, () => {
        this.line(`note ${placement} ${ids}${noteText(escapeMermaidText(n.text), ids.includes(','))}`);
        this.notes.push(e.line);
      });
    } else {
      this.problemsOnly(e);
    }
    this.transitionsAfter(e, new Set());
  }

  private state(e: TimelineEvent): void {
    this.arrivals(e);
    const st = e.state;
    const drawn = new Set<Transition>();
    this.wrapProblems(e, st ? [st.endpoint] : [], () => {
      for (const t of e.transitions) { this.transition(t, e.line); drawn.add(t); }
      // A starting state set before the exchange: show it at the top of the lifeline.
      if (st && drawn.size === 0 && !this.sawSegment && e.problems.length === 0) {
        this.line(`note over ${this.id(st.endpoint)}: ${escapeMermaidText(st.computed)}`);
        this.notes.push(e.line);
      }
    });
  }

  /** Earlier `~>` segments that arrive at this line: a marker at the receiver, then what it changed. */
  private arrivals(e: TimelineEvent): void {
    for (const line of e.arrivals) this.arrival(line, e);
  }

  private arrival(line: number, at: TimelineEvent | undefined): void {
    const s = this.segmentsByLine.get(line);
    if (!s || this.arrivalsDrawn.has(line)) return;
    this.arrivalsDrawn.add(line);
    // Only a `~>` arrow needs a marker: a `->` arrow (in a `par` block too) shows its arrival.
    if (s.arrow === '~>') {
      // Beside the receiver's lifeline, on the side the arrow came from.
      const side = this.order.indexOf(s.to) > this.order.indexOf(s.from) ? 'left of' : 'right of';
      const segment = `${s.flags.join(', ')} seq=${s.seq.text}`;
      const text = at
        ? this.l10n.t('arrives: {segment}', { segment })
        : this.l10n.t('arrives at the end: {segment}', { segment });
      this.line(`note ${side} ${this.id(s.to)}: ⤷ ${escapeMermaidText(text)}`);
      this.notes.push(line);
    }
    for (const t of at?.transitions ?? []) {
      if (t.causeLine === line) this.transition(t, line);
    }
  }

  /** `~>` segments still in flight when the document ends arrive there. */
  private lateArrivals(): void {
    for (const [line, s] of this.segmentsByLine) {
      if (s.arrow === '~>' && s.inModel && !this.arrivalsDrawn.has(line)) this.arrival(line, undefined);
    }
  }

  /** State changes of this line not drawn yet (arrivals' changes were drawn with their marker). */
  private transitionsAfter(e: TimelineEvent, shown: ReadonlySet<Transition>): void {
    const arrived = new Set(e.arrivals);
    for (const t of e.transitions) {
      if (shown.has(t) || (arrived.has(t.causeLine) && t.causeLine !== e.line)) continue;
      this.transition(t, e.line);
    }
  }

  private transition(t: Transition, line: number): void {
    this.line(`note over ${this.id(t.endpoint)}: ${escapeMermaidText(t.to)}`);
    this.notes.push(line);
  }

  // ------------------------------------------------------------------------------------------
  // Problems

  private wrapProblems(e: TimelineEvent, endpoints: readonly string[], draw: () => void): void {
    const severity = worst(e.problems);
    if (severity) this.open(`rect ${severity === 'error' ? ERROR_RECT : WARNING_RECT}`);
    draw();
    if (severity) {
      this.problemNotes(e, endpoints);
      this.close();
    }
  }

  private problemsOnly(e: TimelineEvent): void {
    if (worst(e.problems)) this.wrapProblems(e, this.order, () => {});
  }

  /** One note per error or warning of the line, spanning the endpoints concerned. */
  private problemNotes(e: TimelineEvent, endpoints: readonly string[]): void {
    for (const d of e.problems) {
      if (d.severity === 'information') continue;
      this.problemNote(d, endpoints, e.line);
    }
  }

  private orphanProblem(d: Diagnostic): void {
    if (this.order.length === 0) return;
    this.enterParSection(undefined);
    this.open(`rect ${d.severity === 'error' ? ERROR_RECT : WARNING_RECT}`);
    this.problemNote(d, this.order, d.range.start.line);
    this.close();
  }

  private problemNote(d: Diagnostic, endpoints: readonly string[], line: number): void {
    const span = endpoints.length > 0 ? endpoints : this.order;
    const ids = [...new Set([span[0], span[span.length - 1]])].map((p) => this.id(p)).join(',');
    const mark = d.severity === 'error' ? '✗' : '⚠';
    const shownLine = line + 1 + (this.options.lineOffset ?? 0);
    const l10n = this.l10n;
    const message = this.options.l10n ? l10n.message(d.messageData) : d.message;
    const text = l10n.t('line {line}: {message}', { line: shownLine, message });
    this.line(`note over ${ids}${noteText(`${mark} ${escapeMermaidText(text)}`, ids.includes(','))}`);
    this.notes.push(line);
  }

  // ------------------------------------------------------------------------------------------
  // par blocks

  /**
   * Inside a `par` block each segment gets a section of its own (`par` ... `and` ... `end`);
   * notes and markers stay in the current section. The `par` header is written lazily, so an
   * empty block draws nothing.
   */
  private enterParSection(s: SegmentEvent | undefined): void {
    if (s?.parBlock !== undefined) {
      if (this.par && this.par.block !== undefined && this.par.block !== s.parBlock) this.closePar();
      if (!this.par) this.par = { block: s.parBlock, opened: false, segments: 0, deferred: [] };
      if (this.par.block === undefined) this.par.block = s.parBlock;
    }
    const par = this.par;
    if (!par) return;
    if (!par.opened) {
      this.open('par');
      par.opened = true;
    }
    if (!s) return;
    if (par.segments > 0) {
      this.indent--;
      this.line('and');
      this.indent++;
    }
    par.segments++;
  }

  private closePar(): void {
    const par = this.par;
    if (!par) return;
    if (par.opened) this.close();
    this.par = undefined;
    for (const [t, line] of par.deferred) this.transition(t, line);
  }

  // ------------------------------------------------------------------------------------------
  // Output

  private noteAcross(text: string, line: number): void {
    if (this.order.length === 0) return;
    const first = this.id(this.order[0]);
    const last = this.id(this.order[this.order.length - 1]);
    this.line(`note over ${first === last ? first : `${first},${last}`}: ${escapeMermaidText(text)}`);
    this.notes.push(line);
  }

  private open(header: string): void {
    this.line(header);
    this.indent++;
  }

  private close(): void {
    this.indent--;
    this.line('end');
  }

  private line(text: string): void {
    this.out.push('  '.repeat(this.indent) + text);
  }
}

/** A message (`C->>S: ...`) or note (`note over C: ...`) line, up to the colon before its text. */
const TEXT_LINE = /^(\s*(?:[A-Za-z][\w]*(?:->>|-x|--\))[A-Za-z][\w]*|note (?:over|left of|right of) [\w,]+)):(?!(?:no)?wrap:)/gm;

/**
 * The same diagram with `nowrap:` written on every message and note that does not say `wrap:`.
 * The picture is identical (wrapping is off by default), but Mermaid then skips a deep copy of
 * its whole configuration per message that it otherwise makes to look the default up: about a
 * quarter of a 50-segment render. Only for drawing: the source users copy stays plain. Safe
 * because user text never holds a `:` (escapeMermaidText writes it as `#58;`).
 */
export function withExplicitNoWrap(source: string): string {
  return source.replace(TEXT_LINE, '$1:nowrap:');
}

/** The arrow's text: flags and numbers, then remarks and the user's label on a second line. */
export function segmentLabel(s: SegmentEvent, withSecondLine = true, l10n: Localizer = ENGLISH): string {
  const parts: string[] = [s.flags.length > 0 ? s.flags.join(', ') : l10n.t('(no flags)')];
  parts.push(`seq=${shown(s.seq, l10n)}`);
  if (s.ack) parts.push(`ack=${shown(s.ack, l10n)}`);
  if (s.len > 0) parts.push(`len=${s.len}`);
  if (s.win !== undefined) parts.push(`win=${s.win}`);
  if (s.options.mss !== undefined) parts.push(`mss=${s.options.mss}`);
  if (s.options.wscale !== undefined) parts.push(`wscale=${s.options.wscale}`);
  if (s.options.sackok) parts.push('sackok');
  let label = escapeMermaidText(parts.join(' '));
  if (!withSecondLine) return label;
  const userLabel = s.label?.toLowerCase() ?? '';
  const second = [
    ...(s.old ? [remarkText('old-duplicate', l10n)] : []),
    // A remark the user's label already says, in English or in the diagram's language, is left
    // out (`: retransmission`).
    ...s.remarks.filter((r) => r !== 'old-duplicate' || !s.old)
      .filter((r) => !userLabel.includes(r.replace(/-/g, ' ')) && !userLabel.includes(remarkText(r, l10n).toLowerCase()))
      .map((r) => remarkText(r, l10n)),
    ...(s.label?.trim() ? [s.label] : []),
  ];
  if (second.length > 0) label += `<br>${escapeMermaidText(second.join(' · '))}`;
  return label;
}

/** A value as written; computed ones in parentheses; wrong ones with what was expected. */
function shown(v: ShownValue, l10n: Localizer): string {
  const text = v.written ? v.text : `(${v.text})`;
  return v.expected !== undefined && v.expected !== v.text
    ? `${text} ${l10n.t('[expected {value}]', { value: v.expected })}`
    : text;
}

/**
 * A segment's remark in the diagram's language. Each is a literal `l10n.t` call, so that
 * `npm run l10n` finds it; the English is the remark's name with spaces.
 */
function remarkText(r: SegmentRemark, l10n: Localizer): string {
  switch (r) {
    case 'retransmission': return l10n.t('retransmission');
    case 'spurious-retransmission': return l10n.t('spurious retransmission');
    case 'keep-alive': return l10n.t('keep alive');
    case 'out-of-order': return l10n.t('out of order');
    case 'duplicate-ack': return l10n.t('duplicate ack');
    case 'old-duplicate': return l10n.t('old duplicate');
    case 'window-probe': return l10n.t('window probe');
    case 'challenge-ack': return l10n.t('challenge ack');
    case 'reset': return l10n.t('reset');
    case 'refused': return l10n.t('refused');
    case 'dropped': return l10n.t('dropped');
    case 'not-allowed': return l10n.t('not allowed');
    case 'reincarnation': return l10n.t('reincarnation');
  }
}

function worst(problems: readonly Diagnostic[]): 'error' | 'warning' | undefined {
  if (problems.some((d) => d.severity === 'error')) return 'error';
  if (problems.some((d) => d.severity === 'warning')) return 'warning';
  return undefined;
}

/**
 * `: text` for a note. A note over two lifelines is as wide as the space between them, which
 * Mermaid does not widen for its text: it wraps the text (`wrap:`) instead. A note over one
 * lifeline grows with its text, so long text is broken into lines here.
 */
function noteText(escaped: string, spansTwo: boolean): string {
  if (!escaped) return ': #32;';
  return spansTwo ? `:wrap: ${escaped}` : `: ${breakLines(escaped)}`;
}

/** Chinese characters and full-width punctuation: two columns wide, and a line may break beside them. */
const WIDE = '\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef';
const WIDE_CHARS = new RegExp(`[${WIDE}]`, 'g');
const BESIDE_WIDE = new RegExp(`(?=[${WIDE}])|(?<=[${WIDE}])`);
/** Punctuation that does not start a line in Chinese. */
const NO_LINE_START = /^[，。、；：！？）》」』]/;

/**
 * Breaks escaped text into `<br>`-separated lines at spaces, never inside an entity code. Chinese
 * is written without spaces, so a line may also break before or after a Chinese character.
 */
function breakLines(text: string): string {
  const visible = (s: string) => s.replace(/#\d+;/g, '.').replace(WIDE_CHARS, '..').length;
  const lines: string[] = [];
  let current = '';
  for (const w of text.split(' ')) {
    const pieces = w.split(BESIDE_WIDE);
    pieces.forEach((piece, i) => {
      const gap = i === 0 ? 1 : 0; // the space before the word; none inside it
      if (current && visible(current) + gap + visible(piece) > NOTE_WIDTH && !NO_LINE_START.test(piece)) {
        lines.push(current);
        current = piece;
      } else {
        current = current ? `${current}${gap ? ' ' : ''}${piece}` : piece;
      }
    });
  }
  if (current) lines.push(current);
  return lines.join('<br>');
}

/** `2 MSL (4 min)`, `500 ms`, `1.5 s`. */
export function formatDuration(ms: number, mslMs: number): string {
  const plain = ms < 1000 ? `${round(ms)} ms`
    : ms < 60_000 ? `${round(ms / 1000)} s`
    : ms < 3_600_000 ? `${round(ms / 60_000)} min`
    : `${round(ms / 3_600_000)} h`;
  const msl = mslMs > 0 ? ms / mslMs : 0;
  if (msl > 0 && Number.isInteger(msl * 2) && ms >= mslMs / 2) return `${round(msl)} MSL (${plain})`;
  return plain;
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}
