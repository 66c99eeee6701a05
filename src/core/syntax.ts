// The syntax tree's compact forms. A long document has a segment on nearly every line and the
// model reads only a few numbers of each; token and range objects are made when something (a
// diagnostic, the hover, the formatter) reads them.
import { FLAGS } from './types';
import type { Arrow, Expr, Flag, Position, Range, SegmentField, SegmentStatement, Token } from './types';

/** A range on one line whose positions are made when read. */
export class LineRange implements Range {
  constructor(private readonly ln: number, private readonly from: number, private readonly to: number) {}
  get start(): Position { return { line: this.ln, character: this.from }; }
  get end(): Position { return { line: this.ln, character: this.to }; }
  toJSON(): Range { return plainRange(this); }
}

/** A token whose range is made when read. */
export class LineToken<T extends string> implements Token<T> {
  constructor(readonly value: T, private readonly ln: number, private readonly from: number, private readonly to: number) {}
  get range(): Range { return new LineRange(this.ln, this.from, this.to); }
  toJSON(): Token<T> { return { value: this.value, range: plainRange(this.range) }; }
}

/** A range as a plain object (safe to clone, post to a webview or compare). */
export function plainRange(r: Range): Range {
  return r instanceof LineRange ? { start: r.start, end: r.end } : r;
}

// -- words ---------------------------------------------------------------------------------------

/**
 * Words a segment line may hold, recognised without making a string: a word of at most six letters
 * has a number (`letterCode`), looked up here. Flags are their index in FLAGS (0-7).
 */
export const WORD_SEQ = 8, WORD_ACK = 9, WORD_LEN = 10, WORD_WIN = 11, WORD_MSS = 12, WORD_WSCALE = 13,
  WORD_SACKOK = 14, WORD_OLD = 15, WORD_UNKNOWN = -1;
const FIELD_WORDS = ['seq', 'ack', 'len', 'win', 'mss', 'wscale', 'sackok', 'old'] as const;
// Every word of three letters has a slot here (27^3 codes); the two of six letters are compared.
const WORDS3 = new Int8Array(27 * 27 * 27).fill(WORD_UNKNOWN);
FLAGS.forEach((f, i) => { WORDS3[codeOf(f)] = i; });
// `ack` is both a flag and a field: the flag's number stands for both (see fieldWord).
FIELD_WORDS.forEach((w, i) => { if (w.length === 3 && WORDS3[codeOf(w)] === WORD_UNKNOWN) WORDS3[codeOf(w)] = WORD_SEQ + i; });
const WSCALE = codeOf('wscale');
const SACKOK = codeOf('sackok');

function codeOf(word: string): number {
  return letterCode(word, 0, word.length);
}

/** A case-blind number for a word of 1-6 ASCII letters (-1 for anything else). */
export function letterCode(s: string, from: number, to: number): number {
  if (to - from > 6) return -1;
  let h = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) | 32; // lower case for letters
    if (c < 97 || c > 122) return -1;
    h = h * 27 + (c - 96);
  }
  return h;
}

/** Which word of a segment line `s[from, to)` is (a flag index, a WORD_ constant, or WORD_UNKNOWN). */
export function wordAt(s: string, from: number, to: number): number {
  const n = to - from;
  if (n !== 3 && n !== 6) return WORD_UNKNOWN;
  const h = letterCode(s, from, to);
  if (h < 0) return WORD_UNKNOWN;
  if (n === 3) return WORDS3[h];
  return h === WSCALE ? WORD_WSCALE : h === SACKOK ? WORD_SACKOK : WORD_UNKNOWN;
}

/** A word read before `=`: the ACK flag's number there means the ack field. */
export function fieldWord(word: number): number {
  return word === FLAGS.indexOf('ACK') ? WORD_ACK : word;
}

export const FIELD_NAME: readonly SegmentField['name'][] = FIELD_WORDS;

// -- segment lines -------------------------------------------------------------------------------

/** Bits of SegmentLine.flagBits, by flag. */
export const SYN_BIT = 1 << FLAGS.indexOf('SYN');
export const ACK_BIT = 1 << FLAGS.indexOf('ACK');
export const FIN_BIT = 1 << FLAGS.indexOf('FIN');
export const RST_BIT = 1 << FLAGS.indexOf('RST');

/** The full-width colon (U+FF1A) that Chinese input methods type for ':'; it may start a label. */
export const WIDE_COLON = '\uff1a';

/** flagOrder's place for the flag written k-th (16^k). */
const FLAG_PLACE = [1, 16, 256, 4096, 65536, 1048576, 16777216, 268435456];

/** Where the tokens of a segment line stand (made by parsing the line again, when first asked for). */
export interface SegmentPlaces {
  readonly start: number;
  readonly senderEnd: number;
  readonly arrowStart: number;
  readonly receiverStart: number;
  readonly receiverEnd: number;
  /** -1 when the line has no flag. */
  readonly flagsStart: number;
  readonly flagsEnd: number;
  readonly seqStart: number;
  readonly ackStart: number;
  readonly lenStart: number;
  readonly lenEnd: number;
  readonly winStart: number;
  readonly winEnd: number;
}

/** Parses a segment line again for its places (set by the parser, which is the only maker of SegmentLines). */
export const segmentPlaces: { locate: (text: string, line: number) => SegmentPlaces } = {
  locate: () => { throw new Error('the parser is not loaded'); },
};

/** A segment line's values while the parser reads it (one per parse, reused line after line). */
export class SegmentRow {
  /** Where the statement starts, and ends (before trailing spaces and the comment). */
  start = 0;
  end = 0;
  /** Endpoint and variable names as ids in the table's `names` (-1: none). */
  sender = -1;
  arrowKind: Arrow = '->';
  receiver = -1;
  /** One bit per flag (bit i: FLAGS[i]); flagOrder keeps the written order, 4 bits per flag. */
  flagBits = 0;
  flagOrder = 0;
  flagCount = 0;
  /** seq=: whether written, its terms, and where its expression stands. */
  seqWritten = false;
  seqVar = -1;
  seqOffset = 0;
  seqExprStart = 0;
  seqEnd = 0;
  ackWritten = false;
  ackVar = -1;
  ackOffset = 0;
  ackExprStart = 0;
  ackEnd = 0;
  /** len= and win=: value, or -1 when absent. */
  lenValue = -1;
  winValue = -1;
  mss: SegmentField | undefined = undefined;
  wscale: SegmentField | undefined = undefined;
  sackok: SegmentField | undefined = undefined;
  old: SegmentField | undefined = undefined;
  /** Where the label's text starts (-1 when none). */
  labelStart = -1;

  /** Adds flag `word` (its index in FLAGS) after the ones already read. */
  addFlag(word: number): void {
    this.flagBits |= 1 << word;
    this.flagOrder += (word + 1) * FLAG_PLACE[this.flagCount];
    this.flagCount++;
  }

  reset(): void {
    this.start = 0; this.end = 0; this.sender = -1; this.arrowKind = '->'; this.receiver = -1;
    this.flagBits = 0; this.flagOrder = 0; this.flagCount = 0;
    this.seqWritten = false; this.seqVar = -1; this.seqOffset = 0; this.seqExprStart = 0; this.seqEnd = 0;
    this.ackWritten = false; this.ackVar = -1; this.ackOffset = 0; this.ackExprStart = 0; this.ackEnd = 0;
    this.lenValue = -1; this.winValue = -1;
    this.mss = this.wscale = this.sackok = this.old = undefined;
    this.labelStart = -1;
  }
}

/** Options and `old`: rare, kept aside. */
export interface RareFields {
  readonly mss?: SegmentField;
  readonly wscale?: SegmentField;
  readonly sackok?: SegmentField;
  readonly old?: SegmentField;
}

const ARROWS: readonly Arrow[] = ['->', '~>', '-x'];
// Columns of SegmentTable.ints (one row of INTS per segment line).
const I_LINE = 0, I_END = 1, I_ARROW = 2, I_FLAG_BITS = 3, I_FLAG_ORDER = 4, I_FLAG_COUNT = 5, I_WRITTEN = 6,
  I_SEQ_START = 7, I_SEQ_END = 8, I_ACK_START = 9, I_ACK_END = 10, I_LABEL = 11, I_TEXT = 12, I_SENDER = 13,
  I_RECEIVER = 14, I_SEQ_VAR = 15, I_ACK_VAR = 16, I_START = 17, INTS = 18;
// I_TEXT: the index of the row's line in `lines`, or, in a table over a whole `source`, where
// the line starts in it.
// Columns of SegmentTable.numbers: values that may need all 32 bits unsigned (or -1 for absent).
const N_SEQ = 0, N_ACK = 1, N_LEN = 2, N_WIN = 3, NUMBERS = 4;
const SEQ_WRITTEN = 1, ACK_WRITTEN = 2;

/**
 * The segment lines of one parse, column by column: a long document has a segment on nearly
 * every line, and a line's values in typed arrays cost the garbage collector nothing, where an
 * object per line with thirty fields cost it a third of a check.
 */
export class SegmentTable {
  ints: Int32Array;
  numbers: Float64Array;
  /** Endpoint and variable names, each once (the columns hold their index, or -1). */
  readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  readonly rare = new Map<number, RareFields>();
  readonly places = new Map<number, SegmentPlaces>();
  readonly scratch = new SegmentRow();
  private rows = 0;

  /**
   * `lines`: the parse's lines, when it went line by line (a row keeps the index of its line's
   * text); `source`: the whole text, when it was read in one piece (a row keeps where its line starts).
   */
  constructor(capacity: number, public lines: readonly string[], public source?: string) {
    const n = Math.max(16, capacity);
    this.ints = new Int32Array(n * INTS);
    this.numbers = new Float64Array(n * NUMBERS);
  }

  /**
   * Adds the scratch row as the segment line `line`, whose text is lines[index] (or starts at
   * `index` in the source); the scratch's positions count from `base`. Returns the row.
   */
  add(index: number, line: number, base: number): number {
    const r = this.rows++;
    if (r * INTS >= this.ints.length) this.grow();
    const s = this.scratch;
    const i = r * INTS;
    const ints = this.ints;
    ints[i + I_LINE] = line;
    ints[i + I_START] = s.start - base;
    ints[i + I_END] = s.end - base;
    ints[i + I_ARROW] = s.arrowKind === '->' ? 0 : s.arrowKind === '~>' ? 1 : 2;
    ints[i + I_FLAG_BITS] = s.flagBits;
    ints[i + I_FLAG_ORDER] = s.flagOrder;
    ints[i + I_FLAG_COUNT] = s.flagCount;
    ints[i + I_WRITTEN] = (s.seqWritten ? SEQ_WRITTEN : 0) | (s.ackWritten ? ACK_WRITTEN : 0);
    ints[i + I_SEQ_START] = s.seqExprStart - base;
    ints[i + I_SEQ_END] = s.seqEnd - base;
    ints[i + I_ACK_START] = s.ackExprStart - base;
    ints[i + I_ACK_END] = s.ackEnd - base;
    ints[i + I_LABEL] = s.labelStart < 0 ? -1 : s.labelStart - base;
    ints[i + I_TEXT] = index;
    ints[i + I_SENDER] = s.sender;
    ints[i + I_RECEIVER] = s.receiver;
    ints[i + I_SEQ_VAR] = s.seqVar;
    ints[i + I_ACK_VAR] = s.ackVar;
    const k = r * NUMBERS;
    this.numbers[k + N_SEQ] = s.seqOffset;
    this.numbers[k + N_ACK] = s.ackOffset;
    this.numbers[k + N_LEN] = s.lenValue;
    this.numbers[k + N_WIN] = s.winValue;
    if (s.mss || s.wscale || s.sackok || s.old) this.rare.set(r, { mss: s.mss, wscale: s.wscale, sackok: s.sackok, old: s.old });
    return r;
  }

  /** One SegmentLine moved from row to row (`at`), for a reader that keeps none of them. */
  readonly cursor: SegmentLine = new SegmentLine(this, 0);

  /**
   * The id of the name text[start, end): compared in place with the first few names (a document
   * has a handful: `C`, `S`, `x`, `y`), so that no string is made for it on every line.
   */
  nameIdAt(text: string, start: number, end: number): number {
    const names = this.names;
    const length = end - start;
    const n = names.length < 8 ? names.length : 8;
    for (let k = 0; k < n; k++) {
      const name = names[k];
      if (name.length !== length) continue;
      let i = 0;
      while (i < length && name.charCodeAt(i) === text.charCodeAt(start + i)) i++;
      if (i === length) return k;
    }
    return this.nameId(text.slice(start, end));
  }

  /** The id of an endpoint or variable name (given one if new). */
  nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  /** How many rows the table has. */
  get rowCount(): number {
    return this.rows;
  }

  /** The line a row stands on. */
  lineOf(row: number): number {
    return this.ints[row * INTS + I_LINE];
  }

  /** Where a row's statement ends on its line. */
  endOf(row: number): number {
    return this.ints[row * INTS + I_END];
  }

  /** A row's statement text, from the start of its line to the end of the statement. */
  textOf(row: number): string {
    const i = row * INTS;
    if (this.source === undefined) return this.lines[this.ints[i + I_TEXT]];
    const base = this.ints[i + I_TEXT];
    return this.source.slice(base, base + this.ints[i + I_END]);
  }

  /** The text of a row's line from `start` to `end`. */
  sliceOf(row: number, start: number, end: number): string {
    const i = row * INTS;
    if (this.source === undefined) return this.lines[this.ints[i + I_TEXT]].slice(start, end);
    const base = this.ints[i + I_TEXT];
    return this.source.slice(base + start, base + end);
  }

  /** The name in column `column` of row `row` (undefined for -1). */
  name(row: number, column: number): string | undefined {
    const id = this.ints[row * INTS + column];
    return id < 0 ? undefined : this.names[id];
  }

  /** Forgets every row (a table used over and over for one line at a time). */
  clear(): void {
    this.rows = 0;
    this.names.length = 0;
    this.nameIds.clear();
    this.rare.clear();
    this.places.clear();
  }

  private grow(): void {
    const ints = new Int32Array(this.ints.length * 2);
    ints.set(this.ints);
    this.ints = ints;
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }
}

/**
 * A segment line: a row of its parse's SegmentTable. What the model reads on every line is a
 * getter on a column (`sender`, `flagBits`, `seqVar`/`seqOffset`, `lenValue`...); the
 * SegmentStatement view (tokens, fields, ranges) is made when read, from places found by parsing
 * the line again: most lines never need them.
 */
export class SegmentLine implements SegmentStatement {
  constructor(private readonly table: SegmentTable, private row: number) {}

  /** Moves a cursor to another row of its table (see SegmentTable.cursor). */
  at(row: number): this {
    this.row = row;
    return this;
  }

  get kind(): 'segment' { return 'segment'; }
  /** Every endpoint and variable name its document writes (on any segment line). */
  get documentNames(): readonly string[] { return this.table.names; }
  get line(): number { return this.table.ints[this.row * INTS + I_LINE]; }
  /** Where the statement ends (before trailing spaces and the comment). */
  get end(): number { return this.table.ints[this.row * INTS + I_END]; }
  get sender(): string { return this.table.name(this.row, I_SENDER)!; }
  get receiver(): string { return this.table.name(this.row, I_RECEIVER)!; }
  get arrowKind(): Arrow { return ARROWS[this.table.ints[this.row * INTS + I_ARROW]]; }
  /** One bit per flag (bit i: FLAGS[i]). */
  get flagBits(): number { return this.table.ints[this.row * INTS + I_FLAG_BITS]; }
  /** The flags in written order, 4 bits each (FLAGS index + 1). */
  get flagOrder(): number { return this.table.ints[this.row * INTS + I_FLAG_ORDER] >>> 0; }
  get flagCount(): number { return this.table.ints[this.row * INTS + I_FLAG_COUNT]; }
  get seqWritten(): boolean { return (this.table.ints[this.row * INTS + I_WRITTEN] & SEQ_WRITTEN) !== 0; }
  get seqVar(): string | undefined { return this.table.name(this.row, I_SEQ_VAR); }
  get seqOffset(): number { return this.table.numbers[this.row * NUMBERS + N_SEQ]; }
  get ackWritten(): boolean { return (this.table.ints[this.row * INTS + I_WRITTEN] & ACK_WRITTEN) !== 0; }
  get ackVar(): string | undefined { return this.table.name(this.row, I_ACK_VAR); }
  get ackOffset(): number { return this.table.numbers[this.row * NUMBERS + N_ACK]; }
  /** len= and win=: value, or -1 when absent. */
  get lenValue(): number { return this.table.numbers[this.row * NUMBERS + N_LEN]; }
  get winValue(): number { return this.table.numbers[this.row * NUMBERS + N_WIN]; }
  get mss(): SegmentField | undefined { return this.rareFields?.mss; }
  get wscale(): SegmentField | undefined { return this.rareFields?.wscale; }
  get sackok(): SegmentField | undefined { return this.rareFields?.sackok; }
  get old(): SegmentField | undefined { return this.rareFields?.old; }
  /** Options and `old`, when the line has any (rare). */
  get rareFields(): RareFields | undefined {
    const rare = this.table.rare;
    return rare.size === 0 ? undefined : rare.get(this.row);
  }
  /** Where the label's text starts (-1 when none). */
  get labelStart(): number { return this.table.ints[this.row * INTS + I_LABEL]; }
  /** The line's text up to the end of the statement. */
  private get text(): string { return this.table.textOf(this.row); }
  private get seqExprStart(): number { return this.table.ints[this.row * INTS + I_SEQ_START]; }
  private get seqEnd(): number { return this.table.ints[this.row * INTS + I_SEQ_END]; }
  private get ackExprStart(): number { return this.table.ints[this.row * INTS + I_ACK_START]; }
  private get ackEnd(): number { return this.table.ints[this.row * INTS + I_ACK_END]; }

  private get places(): SegmentPlaces {
    let p = this.table.places.get(this.row);
    if (!p) this.table.places.set(this.row, (p = segmentPlaces.locate(this.text, this.line)));
    return p;
  }

  get range(): Range { return new LineRange(this.line, this.start, this.end); }
  /** Where the statement starts. */
  get start(): number { return this.table.ints[this.row * INTS + I_START]; }
  get from(): Token { return new LineToken(this.sender, this.line, this.start, this.places.senderEnd); }
  get to(): Token { return new LineToken(this.receiver, this.line, this.places.receiverStart, this.places.receiverEnd); }
  get arrow(): Token<Arrow> { return new LineToken(this.arrowKind, this.line, this.places.arrowStart, this.places.arrowStart + 2); }
  get flagsRange(): Range | undefined {
    const p = this.places;
    return p.flagsStart >= 0 ? new LineRange(this.line, p.flagsStart, p.flagsEnd) : undefined;
  }
  get seq(): SegmentField | undefined {
    return this.seqWritten ? this.exprField('seq', this.places.seqStart, this.seqExprStart, this.seqEnd, this.seqVar, this.seqOffset) : undefined;
  }
  get ack(): SegmentField | undefined {
    return this.ackWritten ? this.exprField('ack', this.places.ackStart, this.ackExprStart, this.ackEnd, this.ackVar, this.ackOffset) : undefined;
  }
  get len(): SegmentField | undefined {
    return this.lenValue < 0 ? undefined : { name: 'len', range: new LineRange(this.line, this.places.lenStart, this.places.lenEnd), number: this.lenValue };
  }
  get win(): SegmentField | undefined {
    return this.winValue < 0 ? undefined : { name: 'win', range: new LineRange(this.line, this.places.winStart, this.places.winEnd), number: this.winValue };
  }
  get label(): Token | undefined {
    const value = this.labelText;
    return value === undefined ? undefined : new LineToken(value, this.line, this.labelStart, this.end);
  }
  /** The label's text (as `label.value`), without making a token. */
  get labelText(): string | undefined {
    if (this.labelStart < 0) return undefined;
    const value = this.table.sliceOf(this.row, this.labelStart, this.end);
    // A label written entirely in quotes is shown without them.
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }

  /** The flags in written order. */
  get flags(): readonly Token<Flag>[] {
    // The flags are found again by scanning the flag words.
    const out: Token<Flag>[] = [];
    const seen = new Set<number>();
    const text = this.text;
    // The label's colon: ':' or the full-width one (U+FF1A), whichever comes last before the label.
    const limit = this.labelStart >= 0 ? Math.max(text.lastIndexOf(':', this.labelStart), text.lastIndexOf(WIDE_COLON, this.labelStart)) : this.end;
    let i = this.places.receiverEnd;
    while (i < limit && out.length < this.flagCount) {
      const c = text.charCodeAt(i);
      if (!isLetter(c)) { i++; continue; }
      let e = i;
      while (e < limit && isWordChar(text.charCodeAt(e))) e++;
      // Skip the fields (their expressions may hold a variable spelt like a flag).
      const fieldEnd = this.fieldEndAt(i);
      if (fieldEnd > 0) { i = fieldEnd; continue; }
      const w = wordAt(text, i, e);
      if (w >= 0 && w < 8 && (this.flagBits & (1 << w)) && !seen.has(w)) {
        seen.add(w);
        out.push(new LineToken(FLAGS[w], this.line, i, e));
      }
      i = e;
    }
    return out;
  }

  /** The flags' names in written order, without making tokens. */
  flagNames(): Flag[] {
    const out: Flag[] = [];
    for (let k = 0, order = this.flagOrder; k < this.flagCount; k++, order = Math.floor(order / 16)) out.push(FLAGS[(order % 16) - 1]);
    return out;
  }

  /** The text of a field's expression (`x+1`). */
  exprText(which: 'seq' | 'ack'): string {
    return which === 'seq' ? this.table.sliceOf(this.row, this.seqExprStart, this.seqEnd) : this.table.sliceOf(this.row, this.ackExprStart, this.ackEnd);
  }

  /** True when the ack field is written `ACK=1`: the textbook's ACK flag, read as ack=1 where no other flag is written so. */
  ackWrittenAsFlagBit(): boolean {
    return this.ackWritten && this.table.sliceOf(this.row, this.places.ackStart, this.ackEnd).replace(/\s+/g, '') === 'ACK=1';
  }

  toJSON(): SegmentStatement {
    return {
      kind: 'segment', range: plainRange(this.range), from: this.from, to: this.to, arrow: this.arrow,
      flags: this.flags, flagsRange: this.flagsRange, seq: this.seq, ack: this.ack, len: this.len, win: this.win,
      mss: this.mss, wscale: this.wscale, sackok: this.sackok, old: this.old, label: this.label,
    };
  }

  private exprField(name: 'seq' | 'ack', s: number, xs: number, e: number, variable: string | undefined, offset: number): SegmentField {
    const expr: Expr = { variable, offset, range: new LineRange(this.line, xs, e), text: this.table.sliceOf(this.row, xs, e) };
    return { name, range: new LineRange(this.line, s, e), expr };
  }

  /** Where the field starting at `i` ends, or 0 when none starts there. */
  private fieldEndAt(i: number): number {
    const p = this.places;
    if (this.seqWritten && i === p.seqStart) return this.seqEnd;
    if (this.ackWritten && i === p.ackStart) return this.ackEnd;
    if (this.lenValue >= 0 && i === p.lenStart) return p.lenEnd;
    if (this.winValue >= 0 && i === p.winStart) return p.winEnd;
    for (const f of [this.mss, this.wscale, this.sackok, this.old]) {
      if (f && f.range.start.character === i) return f.range.end.character;
    }
    return 0;
  }
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}
