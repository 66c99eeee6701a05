// Format Document: canonical spacing and case, never a change of meaning.
//
// What changes:
//   - spacing: `C -> S  SYN+ACK seq = x + 1` becomes `C->S SYN ACK seq=x+1`; no trailing spaces;
//   - case of keywords, flags, field names, arrows and state names (`syn_sent` -> `SYN_SENT`);
//   - flags are joined by single spaces, in the order written (`SYN+ACK`, `SYN,ACK`,
//     `SYN-ACK` -> `SYN ACK`), and so are fields (`SYN, seq=y, ack=x+1` -> `SYN seq=y ack=x+1`);
//   - the body of a `par` block is indented by two spaces, everything else starts at column 0;
//   - within each run of consecutive segment lines, the labels (`: text`) line up in one column,
//     and so do trailing comments.
// What stays as written:
//   - endpoint names, variables, numbers, labels, notes, titles and comments;
//   - the spelling of state names (`SYN_RCVD` stays `SYN_RCVD`, only its case changes: the writer
//     chose netstat's spelling) and of durations (`2*MSL` stays `2*MSL`);
//   - field order, the Mermaid-style colon after the receiver (`C->S: SYN`);
//   - every line the parser reports a syntax error on, and every line this formatter does not
//     fully recognise: it is left exactly as it is.
import { parse } from './parser';
import { FLAGS } from './types';
import type { ParsedDocument, Statement } from './types';

export interface FormatOptions {
  /** Spaces per `par` level (default 2). */
  readonly indent?: number;
}

/** One replaced line (0-based), for editors that apply edits rather than whole texts. */
export interface LineEdit {
  readonly line: number;
  readonly newText: string;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const FLAG_SET: ReadonlySet<string> = new Set(FLAGS);
const SEGMENT_HEAD = new RegExp(`^(${IDENT})\\s*(->|~>|-[xX])\\s*(${IDENT})(\\s*:)?\\s*(.*)$`);
const STATE_LINE = new RegExp(`^(${IDENT})\\s*:\\s*([A-Za-z][A-Za-z0-9_-]*)$`);
const NUMBER_FIELDS = new Set(['len', 'win', 'mss', 'wscale']);
const EXPR = `${IDENT}|\\d+`;
const EXPR_FIELD = new RegExp(`^(seq|ack)\\s*=\\s*((?:${EXPR})(?:\\s*[+-]\\s*(?:${EXPR}))*)`, 'i');
const NUMBER_FIELD = /^(len|win|mss|wscale)\s*=\s*(\d+)/i;
const WORD_FIELD = /^(sackok|old)(?![A-Za-z0-9_=])/i;

/** A line split into its statement text and its trailing comment. */
interface SplitLine {
  readonly body: string;
  readonly comment: string;
}

/** A formatted line before alignment: its parts, so that labels and comments can line up. */
interface Shaped {
  readonly kind: 'segment' | 'other' | 'keep';
  readonly indent: string;
  /** The statement without its label, for segments; the whole statement otherwise. */
  readonly body: string;
  /** For segments with a label: the label text (may be empty when only `:` was written). */
  readonly label?: string;
  readonly comment: string;
  /** For `keep` lines: the line exactly as written. */
  readonly original: string;
}

/**
 * Splits off a `#` comment. A `#` inside a double-quoted string is text; a `"` without a partner
 * later on the line is a plain character (there are no escapes).
 */
export function splitComment(line: string): SplitLine {
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      const close = line.indexOf('"', i + 1);
      if (close >= 0) i = close;
    } else if (ch === '#') {
      return { body: line.slice(0, i), comment: line.slice(i).trimEnd() };
    }
  }
  return { body: line, comment: '' };
}

/** Collapses runs of blanks to one space. */
function squash(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** `seq = x + 1` -> `seq=x+1`; undefined when the flags or fields are not what the language allows. */
function formatFlagsAndFields(text: string): string | undefined {
  let rest = text.trim();
  const flags: string[] = [];
  for (;;) {
    const m = /^([A-Za-z]+)(?![A-Za-z0-9_=])/.exec(rest);
    if (!m || !FLAG_SET.has(m[1].toUpperCase())) break;
    flags.push(m[1].toUpperCase());
    rest = rest.slice(m[0].length);
    const sep = /^[\s,+|-]*/.exec(rest)![0];
    rest = rest.slice(sep.length);
    // A separator other than blanks and commas must be followed by another flag (the parser reads
    // a comma anywhere as a separator: `SYN, ACK, seq=y`, as textbook notes write it).
    if (/[+|-]/.test(sep) && !/^[A-Za-z]+(?![A-Za-z0-9_=])/.test(rest)) return undefined;
  }
  if (flags.length === 0) return undefined;
  const fields: string[] = [];
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = EXPR_FIELD.exec(rest))) {
      fields.push(`${m[1].toLowerCase()}=${m[2].replace(/\s+/g, '')}`);
    } else if ((m = NUMBER_FIELD.exec(rest))) {
      fields.push(`${m[1].toLowerCase()}=${m[2]}`);
    } else if ((m = WORD_FIELD.exec(rest))) {
      fields.push(m[1].toLowerCase());
    } else {
      return undefined;
    }
    rest = rest.slice(m[0].length);
    // Fields are separated by blanks or commas; anything else glued on is not ours to reinterpret.
    if (rest.length > 0 && !/^[\s,]/.test(rest)) return undefined;
    rest = rest.replace(/^[\s,]+/, '');
  }
  return [flags.join(' '), ...fields].join(' ');
}

/** `wait 2 * msl` -> `wait 2 * MSL`: units in their usual case, blanks collapsed. */
function formatDuration(text: string): string {
  return squash(text).toLowerCase().replace(/msl/g, 'MSL');
}

type Shape =
  | { kind: 'segment'; body: string; label?: string }
  | { kind: 'par' | 'end' | 'other'; body: string };

/** The canonical form of one statement (without comment), or undefined to keep the line as written. */
function shapeStatement(body: string): Shape | undefined {
  const text = body.trim();
  const word = /^[A-Za-z]+/.exec(text)?.[0].toLowerCase();
  const seg = SEGMENT_HEAD.exec(text);
  if (seg) {
    const [, from, arrow, to, colon, tail] = seg;
    // The label starts at the first colon after the flags and fields (they never contain one).
    const labelAt = tail.indexOf(':');
    const head = labelAt >= 0 ? tail.slice(0, labelAt) : tail;
    const flagsAndFields = formatFlagsAndFields(head);
    if (flagsAndFields === undefined) return undefined;
    const start = `${from}${arrow.toLowerCase()}${to}${colon ? ':' : ''} ${flagsAndFields}`;
    return labelAt >= 0
      ? { kind: 'segment', body: start, label: tail.slice(labelAt + 1).trim() }
      : { kind: 'segment', body: start };
  }
  const state = STATE_LINE.exec(text);
  if (state && word !== 'note') return { kind: 'other', body: `${state[1]}: ${state[2].toUpperCase()}` };
  switch (word) {
    case 'par':
    case 'end':
      return text.length === 3 ? { kind: word, body: word } : undefined;
    case 'title': {
      const m = /^title(\s+(.*))?$/i.exec(text);
      return m ? { kind: 'other', body: m[2] ? `title ${m[2].trim()}` : 'title' } : undefined;
    }
    case 'participant': {
      const m = new RegExp(`^participant\\s+(${IDENT})(?:\\s+as\\s+(.+))?$`, 'i').exec(text);
      if (!m) return undefined;
      return { kind: 'other', body: m[2] ? `participant ${m[1]} as ${m[2].trim()}` : `participant ${m[1]}` };
    }
    case 'wait':
    case 'msl': {
      const m = /^(wait|msl)\s+([0-9.]*\s*\*?\s*[A-Za-z]+)$/i.exec(text);
      return m ? { kind: 'other', body: `${word} ${formatDuration(m[2])}` } : undefined;
    }
    case 'note': {
      const m = new RegExp(
        `^note\\s+(over|left\\s+of|right\\s+of)\\s+(${IDENT}(?:\\s*,\\s*${IDENT})?)\\s*:\\s*(.*)$`, 'i',
      ).exec(text);
      if (!m) return undefined;
      const placement = squash(m[1]).toLowerCase();
      const endpoints = m[2].split(',').map((e) => e.trim()).join(',');
      return { kind: 'other', body: `note ${placement} ${endpoints}: ${m[3].trim()}`.trimEnd() };
    }
    default:
      return undefined;
  }
}

/** Lines the parser reports errors on: they are left as written. */
function errorLines(parsed: ParsedDocument): Set<number> {
  const lines = new Set<number>();
  for (const d of parsed.diagnostics) {
    if (d.severity !== 'error') continue;
    for (let l = d.range.start.line; l <= d.range.end.line; l++) lines.add(l);
  }
  return lines;
}

/** The statement kind the parser saw on each line, to cross-check our reading of it. */
function statementKinds(parsed: ParsedDocument): Map<number, Statement['kind']> {
  const kinds = new Map<number, Statement['kind']>();
  for (const s of parsed.statements) kinds.set(s.range.start.line, s.kind);
  return kinds;
}

function kindAgrees(shape: Shape, body: string, parsedKind: Statement['kind'] | undefined): boolean {
  if (parsedKind === undefined) return true;
  if (shape.kind === 'segment' || shape.kind === 'par' || shape.kind === 'end') return parsedKind === shape.kind;
  const word = /^[A-Za-z]+/.exec(body.trim())?.[0].toLowerCase();
  if (STATE_LINE.test(body.trim()) && word !== 'note') return parsedKind === 'state';
  return parsedKind === word;
}

/** Formats each line on its own; labels and comments are aligned afterwards. */
function shapeLines(lines: readonly string[], parsed: ParsedDocument, indentUnit: string): Shaped[] {
  const errors = errorLines(parsed);
  const kinds = statementKinds(parsed);
  const shaped: Shaped[] = [];
  let inPar = false;
  lines.forEach((original, line) => {
    const keep: Shaped = { kind: 'keep', indent: '', body: '', comment: '', original };
    if (errors.has(line)) {
      shaped.push(keep);
      return;
    }
    const { body, comment } = splitComment(original);
    if (body.trim() === '') {
      // A comment-only line follows the indentation of the block it stands in.
      shaped.push({ kind: 'other', indent: comment && inPar ? indentUnit : '', body: '', comment, original });
      return;
    }
    const shape = shapeStatement(body);
    if (!shape || !kindAgrees(shape, body, kinds.get(line))) {
      shaped.push(keep);
      return;
    }
    let indent = inPar ? indentUnit : '';
    if (shape.kind === 'par') {
      // A `par` inside a `par` is an error (kept above); the first `end` closes the block.
      inPar = true;
      indent = '';
    } else if (shape.kind === 'end') {
      inPar = false;
      indent = '';
    }
    shaped.push({
      kind: shape.kind === 'segment' ? 'segment' : 'other',
      indent,
      body: shape.body,
      label: shape.kind === 'segment' ? shape.label : undefined,
      comment,
      original,
    });
  });
  return shaped;
}

/** Lines up labels within each run of consecutive segment lines, then trailing comments. */
function align(shaped: readonly Shaped[]): string[] {
  // The text of each line without its comment; undefined for lines kept as written.
  const content: (string | undefined)[] = shaped.map((s) => (s.kind === 'keep' ? undefined : s.indent + s.body));
  for (let i = 0; i < shaped.length; ) {
    if (shaped[i].kind !== 'segment') {
      i++;
      continue;
    }
    let j = i;
    while (j < shaped.length && shaped[j].kind === 'segment') j++;
    const labelColumn = Math.max(...content.slice(i, j).map((t) => t!.length)) + 1;
    for (let k = i; k < j; k++) {
      const label = shaped[k].label;
      if (label !== undefined) content[k] = `${content[k]!.padEnd(labelColumn)}:${label ? ` ${label}` : ''}`;
    }
    i = j;
  }
  // Trailing comments line up within each block of consecutive statement lines (as notes often
  // keep them: `S->C SYN ACK seq=y ack=x      #! error`), two spaces after the longest.
  const isStatement = (k: number): boolean => shaped[k].kind !== 'keep' && shaped[k].body !== '';
  const out: string[] = [];
  for (let i = 0; i < shaped.length; ) {
    if (!isStatement(i)) {
      const s = shaped[i];
      out.push(s.kind === 'keep' ? s.original : s.comment ? s.indent + s.comment : '');
      i++;
      continue;
    }
    let j = i;
    while (j < shaped.length && isStatement(j)) j++;
    const commented = content.slice(i, j).filter((_, k) => shaped[i + k].comment !== '');
    const commentColumn = Math.max(0, ...commented.map((t) => t!.length)) + 2;
    for (let k = i; k < j; k++) {
      out.push(shaped[k].comment ? content[k]!.padEnd(commentColumn) + shaped[k].comment : content[k]!);
    }
    i = j;
  }
  return out;
}

/** The document's line break (the first one found; `\n` when there is none). */
function lineBreak(text: string): string {
  const m = /\r\n|\r|\n/.exec(text);
  return m ? m[0] : '\n';
}

/** Formats a whole tcpseq document. Idempotent; never changes what the document means. */
export function formatDocument(text: string, options: FormatOptions = {}): string {
  const lines = text.split(/\r\n|\r|\n/);
  const shaped = shapeLines(lines, parse(text), ' '.repeat(options.indent ?? 2));
  return align(shaped).join(lineBreak(text));
}

/** The lines that formatting changes, with their new text. */
export function formatEdits(text: string, options: FormatOptions = {}): LineEdit[] {
  const before = text.split(/\r\n|\r|\n/);
  const after = formatDocument(text, options).split(/\r\n|\r|\n/);
  const edits: LineEdit[] = [];
  before.forEach((line, i) => {
    if (after[i] !== line) edits.push({ line: i, newText: after[i] });
  });
  return edits;
}
