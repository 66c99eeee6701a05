// The tcpseq parser: one statement per line, every token with its exact range. A bad line gets a
// syntax diagnostic and is left out; it never hides the lines after it.
import { msg, quoted, renderMessage } from './messages';
import {
  FIELD_NAME, LineRange, SegmentTable, fieldWord, segmentPlaces, LineToken, SegmentLine, WIDE_COLON, WORD_OLD, WORD_SACKOK, WORD_SEQ, WORD_WSCALE, plainRange, wordAt,
} from './syntax';
import { FLAGS, TCP_STATES } from './types';
import type { SegmentPlaces } from './syntax';
import type {
  Diagnostic, Duration, Fix, Message, ParsedDocument, Range, SegmentField, Statement, TcpState, Token,
} from './types';

const TWO_32 = 4294967296;
const KEYWORDS = new Set(['title', 'participant', 'par', 'end', 'wait', 'msl', 'note']);

/** Accepted spellings of state names, after upper-casing and `_` -> `-`. */
const STATE_ALIASES: Readonly<Record<string, TcpState>> = {
  'SYN-RCVD': 'SYN-RECEIVED',
  'SYN-RECV': 'SYN-RECEIVED',
  ESTAB: 'ESTABLISHED',
  'FIN-WAIT1': 'FIN-WAIT-1',
  'FIN-WAIT2': 'FIN-WAIT-2',
};
/** Common misspellings: accepted with a warning that offers the canonical name. */
const STATE_MISSPELLINGS: Readonly<Record<string, TcpState>> = {
  'SYN-SEND': 'SYN-SENT',
};

/** Resolves a written state name: the canonical state, whether it is a misspelling, or nothing. */
export function resolveStateName(written: string): { state: TcpState; misspelt: boolean } | undefined {
  const key = written.toUpperCase().replace(/_/g, '-');
  if ((TCP_STATES as readonly string[]).includes(key)) return { state: key as TcpState, misspelt: false };
  if (STATE_ALIASES[key]) return { state: STATE_ALIASES[key], misspelt: false };
  if (STATE_MISSPELLINGS[key]) return { state: STATE_MISSPELLINGS[key], misspelt: true };
  return undefined;
}

export { plainRange };

/** Builds a diagnostic from a message. */
export function diagnostic(
  range: Range, severity: Diagnostic['severity'], code: string, message: Message, fix?: Fix,
): Diagnostic {
  const r = plainRange(range);
  return fix
    ? { range: r, severity, code, message: renderMessage(message), messageData: message, fix: { ...fix, range: plainRange(fix.range) } }
    : { range: r, severity, code, message: renderMessage(message), messageData: message };
}

/** Splits text into lines the way editors count them (\r\n, \r or \n). */
export function splitLines(text: string): string[] {
  // Without a \r, a plain split (several times faster than the pattern).
  return text.indexOf('\r') < 0 ? text.split('\n') : text.split(/\r\n|\r|\n/);
}

/** Where the comment starts on a line (or the line's length): `#` outside a paired `"..."`. */
export function commentStart(line: string): number {
  return commentIn(line, 0, line.length);
}

/** Where the comment starts in text[start, end), or end (see commentStart). */
function commentIn(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) return i;
    if (c === 34 /* " */) {
      let close = i + 1;
      while (close < end && text.charCodeAt(close) !== 34) close++;
      if (close < end) i = close; // a paired string: skip it; an unpaired quote is a plain character
    }
  }
  return end;
}

/**
 * What a parse keeps for the next one: the text, the statements in order (a segment line as its
 * row in `table`) and the syntax diagnostics; `byLine` holds the same per line, made when an
 * edit first needs it.
 */
interface LineCache {
  readonly firstLine: number;
  readonly text: string;
  readonly order: readonly (Statement | number)[];
  readonly diagnostics: readonly Diagnostic[];
  readonly table: SegmentTable;
  readonly lineCount: number;
  byLine?: LineView;
}

/** A parse line by line: each line's text, statement and syntax diagnostics. */
interface LineView {
  readonly lines: readonly string[];
  readonly statements: readonly (Statement | number | undefined)[];
  readonly diagnostics: readonly (readonly Diagnostic[] | undefined)[];
  /** The table the statements' rows belong to. */
  readonly table: SegmentTable;
}

const lineCaches = new WeakMap<ParsedDocument, LineCache>();

/** A cached parse, line by line (made once, from its statements and diagnostics). */
function lineView(cache: LineCache): LineView {
  if (cache.byLine) return cache.byLine;
  const statements: (Statement | number | undefined)[] = new Array(cache.lineCount);
  const diagnostics: Diagnostic[][] = new Array(cache.lineCount);
  for (const st of cache.order) {
    const line = typeof st === 'number' ? cache.table.lineOf(st) : st.range.start.line;
    statements[line - cache.firstLine] = st;
  }
  // Syntax diagnostics stand on the line they are about.
  for (const d of cache.diagnostics) (diagnostics[d.range.start.line - cache.firstLine] ??= []).push(d);
  return (cache.byLine = { lines: splitLines(cache.text), statements, diagnostics, table: cache.table });
}

/**
 * A parse. Its statements are kept in line order with each segment line as a row of the table; the
 * list of statement objects is made when first read (a check reads the rows through a cursor).
 */
class ParsedText implements ParsedDocument {
  private list?: readonly Statement[];

  constructor(
    readonly order: readonly (Statement | number)[],
    readonly table: SegmentTable,
    readonly diagnostics: readonly Diagnostic[],
    readonly lineCount: number,
  ) {}

  get statements(): readonly Statement[] {
    return (this.list ??= this.order.map((s) => (typeof s === 'number' ? new SegmentLine(this.table, s) : s)));
  }

  toJSON(): ParsedDocument {
    return { statements: this.statements, diagnostics: this.diagnostics, lineCount: this.lineCount };
  }
}

/** A parse's statements in line order, a segment line as a row of `table` (undefined for a parse made elsewhere). */
export function statementOrder(parsed: ParsedDocument): { order: readonly (Statement | number)[]; table: SegmentTable } | undefined {
  return parsed instanceof ParsedText ? { order: parsed.order, table: parsed.table } : undefined;
}

/**
 * Parses a whole document; `firstLine` numbers its lines inside a larger file (a Markdown block).
 * With `previous` (the parse of an earlier version), lines whose text did not change and that stand at
 * the same line reuse its statements: typing on one line re-parses that line only.
 */
export function parse(text: string, firstLine = 0, previous?: ParsedDocument): ParsedDocument {
  const prev = previous && lineCaches.get(previous);
  if (prev && prev.firstLine === firstLine) return parseEdited(text, firstLine, lineView(prev));
  return parseWhole(text, firstLine);
}

/**
 * The parse of `text`, a document whose writer put its segment lines into `table` as it wrote
 * them (the capture importer): rows 0, 1, 2... in line order, each keeping where its line starts in
 * `text`, with no syntax error. The other lines (and any segment line the writer left out) are read
 * as `parse` reads them, so the result is the same as `parse(text)`, without reading every line again.
 */
export function parseWritten(text: string, table: SegmentTable): ParsedDocument {
  table.source = text;
  return parseWhole(text, 0, table);
}

/**
 * A parse from nothing: the text is read in one piece, line after line, without a string per
 * line (a long document is mostly segment lines, which become rows of the table). With `written`,
 * the lines of its rows are already read (see parseWritten).
 */
function parseWhole(text: string, firstLine: number, written?: SegmentTable): ParsedDocument {
  const diagnostics: Diagnostic[] = [];
  const n = text.length;
  // A statement and a row for every line at most: counted first, so that nothing grows. (A written
  // text has a row on nearly every line: its rows are counted instead.)
  let lines = 1;
  if (written) lines = written.rowCount + 64;
  else for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const order: (Statement | number)[] = new Array(lines);
  let statements = 0;
  const table = written ?? new SegmentTable(lines, [], text);
  const parser = new LineParser(diagnostics, table);
  parser.begin(text);
  // The rows already read, and the line of the next one (-1: none left).
  const known = written ? written.rowCount : 0;
  let row = 0;
  let rowLine = known > 0 ? table.lineOf(0) : -1;
  // Where the next \n and \r stand (n when there is none): each is searched for once per line end.
  let nl = -1;
  let cr = -1;
  let start = 0;
  let line = 0;
  for (;;) {
    const isRow = firstLine + line === rowLine;
    // A row's line ends after its statement: the search for its end starts there.
    if (nl < start) { nl = text.indexOf('\n', isRow ? start + table.endOf(row) : start); if (nl < 0) nl = n; }
    if (cr < start) { cr = text.indexOf('\r', start); if (cr < 0) cr = n; }
    const end = nl < cr ? nl : cr;
    let st: Statement | number | undefined;
    if (isRow) {
      st = row++;
      rowLine = row < known ? table.lineOf(row) : -1;
    } else {
      st = parser.readAt(start, end, firstLine + line, start);
    }
    if (st !== undefined) {
      if (statements < order.length) order[statements] = st;
      else order.push(st); // more than counted: lines broken by a lone \r, or a written text's lines without a row
      statements++;
    }
    line++;
    if (end >= n) break;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  order.length = statements;
  const parsed = new ParsedText(order, table, diagnostics, line);
  lineCaches.set(parsed, { firstLine, text, order, diagnostics, table, lineCount: line });
  return parsed;
}

/** A parse after an edit: line by line, taking on the statements of lines that did not change. */
function parseEdited(text: string, firstLine: number, reuse: LineView): ParsedDocument {
  const lines = splitLines(text);
  const order: (Statement | number)[] = [];
  const diagnostics: Diagnostic[] = [];
  const byLine: (Statement | number | undefined)[] = new Array(lines.length);
  const diagsByLine: (readonly Diagnostic[] | undefined)[] = new Array(lines.length);
  // Segment lines go into one table; only the lines that changed are added to it.
  const table = new SegmentTable(16, lines);
  const parser = new LineParser(diagnostics, table);
  for (let i = 0; i < lines.length; i++) {
    let st: Statement | number | undefined;
    if (reuse.lines[i] === lines[i]) {
      const old = reuse.statements[i];
      // A segment line of the earlier parse is a row of its table: taken on as an object.
      st = typeof old === 'number' ? new SegmentLine(reuse.table, old) : old;
      const ds = reuse.diagnostics[i];
      if (ds) {
        diagnostics.push(...ds);
        diagsByLine[i] = ds;
      }
    } else {
      const before = diagnostics.length;
      st = parser.read(lines[i], firstLine + i, i);
      if (diagnostics.length > before) diagsByLine[i] = diagnostics.slice(before);
    }
    byLine[i] = st;
    if (st !== undefined) order.push(st);
  }
  const parsed = new ParsedText(order, table, diagnostics, lines.length);
  lineCaches.set(parsed, {
    firstLine, text, order, diagnostics, table, lineCount: lines.length,
    byLine: { lines, statements: byLine, diagnostics: diagsByLine, table },
  });
  return parsed;
}

/**
 * Parses lines, one at a time: a line string (`read`), or the next line of one text (`begin`, then
 * `readAt`). Positions are in `text`; ranges count from the line's start, `base`. Errors go to
 * `out`; a line with an error yields no statement. After a segment line read on its own (base 0),
 * the parser holds where its tokens stand (SegmentPlaces).
 */
class LineParser implements SegmentPlaces {
  private text = '';
  private base = 0;
  /** Where the line ends (before its line break). */
  private lineEnd = 0;
  private line = 0;
  private index = 0;
  private pos = 0;
  /**
   * The next `#`, `"` and `:` at or after where they were last looked for (text.length: none).
   * Lines are read in order, so each stretch of the text is searched once: a text with no `#`
   * at all costs one search, not one per line.
   */
  private nextHash = -1;
  private nextQuote = -1;
  private nextColon = -1;
  /** The next full-width colon (U+FF1A), which Chinese input methods type for ':'. */
  private nextWideColon = -1;
  end = 0;
  start = 0;
  senderEnd = 0;
  arrowStart = 0;
  receiverStart = 0;
  receiverEnd = 0;
  flagsStart = -1;
  flagsEnd = -1;
  seqStart = -1;
  ackStart = -1;
  lenStart = 0;
  lenEnd = 0;
  winStart = 0;
  winEnd = 0;

  constructor(private readonly out: Diagnostic[], private readonly table: SegmentTable) {}

  /** Parses the line `text`, numbered `line`, which is item `index` of the table's lines. */
  read(text: string, line: number, index: number): Statement | number | undefined {
    this.begin(text);
    return this.readAt(0, text.length, line, index);
  }

  /** Starts reading `text` (the searches for `#`, `"` and `:` start again). */
  begin(text: string): void {
    this.text = text;
    this.nextHash = this.nextQuote = this.nextColon = this.nextWideColon = -1;
  }

  /**
   * Parses text[start, lineEnd), the line numbered `line`, which the table knows by `index` (its
   * place in the table's lines, or its start in the table's source). Lines are read in order.
   */
  readAt(start: number, lineEnd: number, line: number, index: number): Statement | number | undefined {
    const text = this.text;
    this.base = start;
    this.lineEnd = lineEnd;
    this.line = line;
    this.index = index;
    this.pos = start;
    this.flagsStart = this.seqStart = this.ackStart = -1;
    let end = this.commentAt(start, lineEnd);
    // Trailing spaces before the comment are not part of the statement.
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    this.end = end;
    this.skipSpaces();
    if (this.pos >= this.end) return undefined;
    try {
      return this.statement();
    } catch (e) {
      if (e instanceof SyntaxFailure) {
        this.out.push(e.diagnostic);
        return undefined;
      }
      throw e;
    }
  }

  // -- helpers ---------------------------------------------------------------------------------

  /** Where the comment starts on the line text[start, lineEnd) (or lineEnd): see commentStart. */
  private commentAt(start: number, lineEnd: number): number {
    const text = this.text;
    if (this.nextQuote < start) {
      this.nextQuote = text.indexOf('"', start);
      if (this.nextQuote < 0) this.nextQuote = text.length;
    }
    // Most lines have no quote: the next `#` is the comment, if it is on this line.
    if (this.nextQuote >= lineEnd) {
      if (this.nextHash < start) {
        this.nextHash = text.indexOf('#', start);
        if (this.nextHash < 0) this.nextHash = text.length;
      }
      return this.nextHash < lineEnd ? this.nextHash : lineEnd;
    }
    return commentIn(text, start, lineEnd);
  }

  /** The first `:` in text[from, limit), or limit. */
  private colonIn(from: number, limit: number): number {
    if (this.nextColon < from) {
      this.nextColon = this.text.indexOf(':', from);
      if (this.nextColon < 0) this.nextColon = this.text.length;
    }
    if (this.nextWideColon < from) {
      this.nextWideColon = this.text.indexOf(WIDE_COLON, from);
      if (this.nextWideColon < 0) this.nextWideColon = this.text.length;
    }
    const colon = this.nextColon < this.nextWideColon ? this.nextColon : this.nextWideColon;
    return colon < limit ? colon : limit;
  }

  private range(start: number, end: number): Range {
    return new LineRange(this.line, start - this.base, end - this.base);
  }

  private token<T extends string>(value: T, start: number, end: number): Token<T> {
    return new LineToken(value, this.line, start - this.base, end - this.base);
  }

  private fail(start: number, end: number, id: string, args?: Message['args'], code = 'syntax', fix?: Fix): never {
    // Never an empty range where there is a character to point at.
    const stop = end > start ? end : Math.min(start + 1, this.lineEnd);
    const r = this.range(start, stop);
    throw new SyntaxFailure(diagnostic(r, 'error', code, msg(id, args), fix));
  }

  private report(start: number, end: number, severity: Diagnostic['severity'], code: string, id: string, args?: Message['args'], fix?: Fix): void {
    this.out.push(diagnostic(this.range(start, end), severity, code, msg(id, args), fix));
  }

  private skipSpaces(): void {
    while (this.pos < this.end && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private ident(): Token | undefined {
    const start = this.pos;
    const end = identEnd(this.text, start, this.end);
    if (end === start) return undefined;
    this.pos = end;
    return this.token(this.text.slice(start, end), start, end);
  }

  private rest(): Token {
    const start = this.pos;
    this.pos = this.end;
    return this.token(this.text.slice(start, this.end), start, this.end);
  }

  private wordEnd(from: number): number {
    let i = from;
    while (i < this.end && !isSpace(this.text.charCodeAt(i))) i++;
    return i;
  }

  // -- statements ------------------------------------------------------------------------------

  private statement(): Statement | number {
    const start = this.pos;
    const firstEnd = identEnd(this.text, start, this.end);
    if (firstEnd === start) {
      this.fail(start, this.wordEnd(start), 'syntax.expectedStatement', { found: quoted(this.text.slice(start, this.wordEnd(start))) });
    }
    this.pos = firstEnd;
    // Keywords start with one of t p e w m n; other words (most lines: a sender) skip the lookup.
    const c0 = this.text.charCodeAt(start) | 32;
    const maybeKeyword = firstEnd - start <= 11 && (c0 === 116 || c0 === 112 || c0 === 101 || c0 === 119 || c0 === 109 || c0 === 110);
    const keyword = maybeKeyword ? wordCase(this.text.slice(start, firstEnd)).lower : '';
    const afterIdent = this.pos;
    // A keyword followed by the end of the statement or a space; anything else (`title->S`,
    // `end: CLOSED`) makes the word an endpoint name.
    if (KEYWORDS.has(keyword) && (afterIdent === this.end || isSpace(this.text.charCodeAt(afterIdent)))) {
      this.skipSpaces();
      const lineRange = this.range(start, this.end);
      switch (keyword) {
        case 'title': {
          if (this.pos >= this.end) this.fail(start, afterIdent, 'syntax.titleText');
          return { kind: 'title', range: lineRange, text: this.rest() };
        }
        case 'participant': return this.participant(lineRange);
        case 'par':
        case 'end':
          if (this.pos < this.end) this.fail(this.pos, this.end, 'syntax.nothingAfter', { keyword });
          return { kind: keyword, range: lineRange };
        case 'wait': {
          const d = this.duration(true);
          return { kind: 'wait', range: lineRange, duration: d.duration, durationRange: d.range };
        }
        case 'msl': {
          const d = this.duration(false);
          return { kind: 'msl', range: lineRange, ms: (d.duration as { ms: number }).ms, durationRange: d.range };
        }
        case 'note': return this.note(lineRange);
      }
    }
    this.skipSpaces();
    // `ID: STATE`
    const colon = this.text.charCodeAt(this.pos);
    if (colon === 58 /* : */ || colon === WIDE_COLON_CODE) {
      if (colon === WIDE_COLON_CODE) this.fullWidth(this.pos, ':');
      this.pos++;
      this.skipSpaces();
      return this.stateLine(this.token(this.text.slice(start, firstEnd), start, firstEnd), start);
    }
    return this.segment(start, firstEnd);
  }

  private participant(lineRange: Range): Statement {
    const id = this.ident();
    if (!id) this.fail(this.pos, this.wordEnd(this.pos), 'syntax.participantId');
    this.skipSpaces();
    if (this.pos >= this.end) return { kind: 'participant', range: lineRange, id };
    const asStart = this.pos;
    const kw = this.ident();
    if (!kw || kw.value.toLowerCase() !== 'as') this.fail(asStart, this.wordEnd(asStart), 'syntax.participantAs', { found: quoted(this.text.slice(asStart, this.wordEnd(asStart))) });
    this.skipSpaces();
    if (this.pos >= this.end) this.fail(asStart, this.pos, 'syntax.participantLabel');
    return { kind: 'participant', range: lineRange, id, label: this.rest() };
  }

  private note(lineRange: Range): Statement {
    const placeStart = this.pos;
    const w1 = this.ident();
    let placement: 'over' | 'left of' | 'right of' | undefined;
    if (w1 && w1.value.toLowerCase() === 'over') placement = 'over';
    else if (w1 && (w1.value.toLowerCase() === 'left' || w1.value.toLowerCase() === 'right')) {
      this.skipSpaces();
      const w2 = this.ident();
      if (w2 && w2.value.toLowerCase() === 'of') placement = w1.value.toLowerCase() === 'left' ? 'left of' : 'right of';
    }
    if (!placement) this.fail(placeStart, this.wordEnd(placeStart), 'syntax.notePlacement');
    const endpoints: Token[] = [];
    for (;;) {
      this.skipSpaces();
      const id = this.ident();
      if (!id) this.fail(this.pos, this.wordEnd(this.pos), 'syntax.noteEndpoint');
      endpoints.push(id);
      this.skipSpaces();
      if (this.text.charCodeAt(this.pos) === 44 /* , */ && endpoints.length < 2 && placement === 'over') {
        this.pos++;
        continue;
      }
      break;
    }
    const colon = this.text.charCodeAt(this.pos);
    if (colon !== 58 /* : */ && colon !== WIDE_COLON_CODE) this.fail(this.pos, this.wordEnd(this.pos), 'syntax.noteColon');
    if (colon === WIDE_COLON_CODE) this.fullWidth(this.pos, ':');
    this.pos++;
    this.skipSpaces();
    return { kind: 'note', range: lineRange, placement, endpoints, text: this.rest() };
  }

  private duration(allowMsl: boolean): { duration: Duration; range: Range } {
    const start = this.pos;
    const raw = this.text.slice(start, this.end);
    this.pos = this.end;
    const m = /^(\d+(?:\.\d+)?)?\s*(\*)?\s*(ms|s|sec|min|h|msl)$/i.exec(raw);
    const r = this.range(start, this.end);
    if (!m || (m[2] && (!m[1] || m[3].toLowerCase() !== 'msl')) || (!m[1] && m[3].toLowerCase() !== 'msl')) {
      this.fail(start, this.end, allowMsl ? 'syntax.waitDuration' : 'syntax.mslDuration', { found: quoted(raw) });
    }
    const n = m[1] === undefined ? 1 : Number(m[1]);
    const unit = m[3].toLowerCase();
    if (unit === 'msl') {
      if (!allowMsl) this.fail(start, this.end, 'syntax.mslInMsl');
      return { duration: { msl: n }, range: r };
    }
    const factor = unit === 'ms' ? 1 : unit === 's' || unit === 'sec' ? 1000 : unit === 'min' ? 60000 : 3600000;
    return { duration: { ms: n * factor }, range: r };
  }

  private stateLine(endpoint: Token, start: number): Statement {
    const sStart = this.pos;
    if (sStart >= this.end) this.fail(start, this.end, 'syntax.stateMissing', { endpoint: endpoint.value });
    const sEnd = this.wordEnd(sStart);
    const written = this.text.slice(sStart, sEnd);
    const stateToken: Token = this.token(written, sStart, sEnd);
    this.pos = sEnd;
    this.skipSpaces();
    if (this.pos < this.end) this.fail(this.pos, this.end, 'syntax.stateExtra');
    const resolved = resolveStateName(written);
    const range = this.range(start, this.end);
    if (!resolved) {
      const suggestion = closestState(written);
      const fix = suggestion ? changeTo(stateToken.range, suggestion) : undefined;
      this.report(sStart, sEnd, 'error', 'unknown-state', suggestion ? 'state.unknownSuggest' : 'state.unknown', { written: quoted(written), suggestion: suggestion ?? '' }, fix);
      return { kind: 'state', range, endpoint, stateToken };
    }
    return { kind: 'state', range, endpoint, stateToken, state: resolved.state, misspelt: resolved.misspelt || undefined };
  }

  /** Reads a segment line into the table; returns its row. */
  private segment(start: number, senderEnd: number): number {
    const body = this.text;
    const seg = this.table.scratch;
    seg.reset();
    this.start = start;
    seg.start = start;
    seg.end = this.end;
    seg.sender = this.table.nameIdAt(body, start, senderEnd);
    this.senderEnd = senderEnd;
    const arrowStart = this.pos;
    const a0 = body.charCodeAt(arrowStart);
    const a1 = arrowStart + 1 < this.end ? body.charCodeAt(arrowStart + 1) : 0;
    if (a0 === 45 /* - */ && a1 === 62 /* > */) seg.arrowKind = '->';
    else if (a0 === 126 /* ~ */ && a1 === 62) seg.arrowKind = '~>';
    else if (a0 === 45 && (a1 === 120 || a1 === 88) /* x X */) seg.arrowKind = '-x';
    else {
      this.fail(arrowStart, this.wordEnd(arrowStart), 'syntax.expectedArrow', { found: quoted(body.slice(arrowStart, this.wordEnd(arrowStart)) || '') });
    }
    this.arrowStart = arrowStart;
    this.pos += 2;
    this.skipSpaces();
    const toStart = this.pos;
    const toEnd = identEnd(body, toStart, this.end);
    if (toEnd === toStart) this.fail(this.pos, this.wordEnd(this.pos), 'syntax.expectedReceiver');
    seg.receiver = this.table.nameIdAt(body, toStart, toEnd);
    this.receiverStart = toStart;
    this.receiverEnd = toEnd;
    this.pos = toEnd;
    this.skipSpaces();
    // Mermaid's `C->S: SYN` form.
    const afterReceiver = body.charCodeAt(this.pos);
    if (afterReceiver === 58 /* : */ || afterReceiver === WIDE_COLON_CODE) {
      if (afterReceiver === WIDE_COLON_CODE) this.fullWidth(this.pos, ':');
      this.pos++;
      this.skipSpaces();
    }
    // The label starts at the first `:` of what remains.
    const bodyEnd = this.colonIn(this.pos, this.end);
    if (bodyEnd < this.end) {
      let ls = bodyEnd + 1;
      while (ls < this.end && isSpace(body.charCodeAt(ls))) ls++;
      seg.labelStart = ls;
    }

    let i = this.pos;
    while (i < bodyEnd) {
      const c = body.charCodeAt(i);
      // Flag separators and spaces.
      if (isSpace(c) || c === 44 || c === 43 || c === 124 || c === 45) { i++; continue; }
      if (c === WIDE_COMMA_CODE) { this.fullWidth(i, ','); i++; continue; }
      const wStart = i;
      const wEnd = identEnd(body, i, bodyEnd);
      if (wEnd === i) {
        const we = wordEndIn(body, i, bodyEnd);
        this.fail(i, we, 'syntax.unexpected', { found: quoted(body.slice(i, we)) });
      }
      const word = wordAt(body, wStart, wEnd);
      // `name=`: a field.
      let j = wEnd;
      while (j < bodyEnd && isSpace(body.charCodeAt(j))) j++;
      if (body.charCodeAt(j) === 61 /* = */) {
        if (word >= 0 && word < 8) {
          const end = this.flagValue(word, wStart, wEnd, j + 1, bodyEnd);
          if (end > 0) { i = end; continue; }
        }
        const fw = fieldWord(word);
        if (fw < WORD_SEQ || fw > WORD_WSCALE) {
          this.fail(wStart, wEnd, 'syntax.unknownField', { found: quoted(body.slice(wStart, wEnd)) });
        }
        const name = FIELD_NAME[fw - WORD_SEQ];
        j++;
        while (j < bodyEnd && isSpace(body.charCodeAt(j))) j++;
        if (name === 'seq' || name === 'ack') {
          const end = this.expr(j, bodyEnd, name);
          i = end;
          if (name === 'seq' ? seg.seqWritten : seg.ackWritten) {
            this.report(wStart, end, 'error', 'duplicate-field', 'syntax.duplicateField', { field: name });
          } else if (name === 'seq') {
            seg.seqWritten = true; this.seqStart = wStart; seg.seqExprStart = j; seg.seqEnd = end; seg.seqVar = this.exprVar; seg.seqOffset = this.exprOffset;
          } else {
            seg.ackWritten = true; this.ackStart = wStart; seg.ackExprStart = j; seg.ackEnd = end; seg.ackVar = this.exprVar; seg.ackOffset = this.exprOffset;
          }
          continue;
        }
        const n = this.number(j, bodyEnd);
        const numEnd = this.numberEnd;
        if (numEnd === j) this.fail(j, wordEndIn(body, j, bodyEnd), 'syntax.expectedNumber', { field: name });
        i = numEnd;
        if (name === 'wscale' && n > 14) this.report(j, numEnd, 'error', 'wscale-range', 'syntax.wscaleRange', { value: n });
        const taken = name === 'len' ? seg.lenValue >= 0 : name === 'win' ? seg.winValue >= 0 : seg[name as 'mss' | 'wscale'] !== undefined;
        if (taken) this.report(wStart, numEnd, 'error', 'duplicate-field', 'syntax.duplicateField', { field: name });
        else if (name === 'len') { seg.lenValue = n; this.lenStart = wStart; this.lenEnd = numEnd; }
        else if (name === 'win') { seg.winValue = n; this.winStart = wStart; this.winEnd = numEnd; }
        else seg[name as 'mss' | 'wscale'] = { name, range: this.range(wStart, numEnd), number: n };
        continue;
      }
      if (word === WORD_SACKOK || word === WORD_OLD) {
        const name = word === WORD_SACKOK ? 'sackok' : 'old';
        if (seg[name]) this.report(wStart, wEnd, 'error', 'duplicate-field', 'syntax.duplicateField', { field: name });
        else seg[name] = { name, range: this.range(wStart, wEnd) };
        i = wEnd;
        continue;
      }
      if (word >= 0 && word < 8) {
        const bit = 1 << word;
        if (seg.flagBits & bit) {
          this.report(wStart, wEnd, 'error', 'duplicate-flag', 'syntax.duplicateFlag', { flag: FLAGS[word] });
        } else {
          seg.addFlag(word);
        }
        if (this.flagsStart < 0) this.flagsStart = wStart;
        this.flagsEnd = wEnd;
        i = wEnd;
        continue;
      }
      const we = wordEndIn(body, wStart, bodyEnd);
      this.fail(wStart, we, 'syntax.unknownWord', { found: quoted(body.slice(wStart, we)) });
    }
    // (Said after the line's other warnings, in the order of the line.)
    if (bodyEnd < this.end && body.charCodeAt(bodyEnd) === WIDE_COLON_CODE) this.fullWidth(bodyEnd, ':');
    return this.table.add(this.index, this.line, this.base);
  }

  /**
   * The textbook's `SYN=1, ACK=1, seq=y, ack=x+1`: a flag written with the value of its bit. `=1`
   * sets the flag, `=0` leaves it out; either is a warning whose fix writes the line the tcpseq way.
   * `ACK=1` is read so only beside another `ack=` or another flag written so: alone, `ack=1` is the
   * acknowledgment number.
   * Returns where the notation ends, or 0 when `word=` is not it.
   */
  private flagValue(word: number, wStart: number, wEnd: number, from: number, limit: number): number {
    const body = this.text;
    let v = from;
    while (v < limit && isSpace(body.charCodeAt(v))) v++;
    const digit = body.charCodeAt(v);
    if ((digit !== 48 && digit !== 49) /* 0 1 */ || (v + 1 < limit && !isFlagSeparator(body.charCodeAt(v + 1)))) return 0;
    const end = v + 1;
    const seg = this.table.scratch;
    if (word === WORD_ACK_FLAG && !seg.ackWritten && !/\back\s*=/i.test(body.slice(end, limit)) &&
      !/\b(?:syn|fin|rst|psh|urg|ece|cwr)\s*=\s*[01](?![^\s,|\uff0c])/i.test(body.slice(this.receiverEnd, limit))) return 0;
    const flag = FLAGS[word];
    const written = body.slice(wStart, end);
    if (digit === 49) {
      if (seg.flagBits & (1 << word)) {
        this.report(wStart, end, 'error', 'duplicate-flag', 'syntax.duplicateFlag', { flag });
      } else {
        seg.addFlag(word);
      }
      if (this.flagsStart < 0) this.flagsStart = wStart;
      this.flagsEnd = wEnd;
      this.report(wStart, end, 'warning', 'flag-value', 'syntax.flagSet', { written: quoted(written), flag }, changeTo(this.range(wStart, end), flag));
    } else {
      // Removed with the separators after it, so that `ACK=0, seq=x` becomes `seq=x`.
      let after = end;
      while (after < limit && isFlagSeparator(body.charCodeAt(after))) after++;
      this.report(wStart, end, 'warning', 'flag-value', 'syntax.flagUnset', { written: quoted(written), flag },
        { range: this.range(wStart, after), newText: '', title: 'Remove', titleMessage: msg('fix.remove') });
    }
    return end;
  }

  /**
   * A full-width comma or colon, as a Chinese input method types them: read as `,` or `:`, with a
   * warning whose fix writes the ASCII one.
   */
  private fullWidth(at: number, ascii: string): void {
    this.report(at, at + 1, 'warning', 'full-width-punctuation', 'syntax.fullWidth', { written: this.text[at], ascii }, changeTo(this.range(at, at + 1), ascii));
  }

  /** The variable and offset of the expression `expr` read last. */
  private exprVar = -1;
  private exprOffset = 0;

  /**
   * Parses `EXPR`: terms joined by + or -, at most one variable, with a plus sign. Returns where it
   * ends; its variable (a name id, -1 for none) and offset are left in exprVar and exprOffset.
   */
  private expr(from: number, limit: number, field: string): number {
    const body = this.text;
    let i = from;
    let variable = -1;
    let offset = 0;
    let sign = 1;
    let lastEnd = from;
    let expectTerm = true;
    for (;;) {
      while (i < limit && isSpace(body.charCodeAt(i))) i++;
      if (expectTerm) {
        const c = body.charCodeAt(i);
        if (i < limit && c >= 48 && c <= 57) {
          const n = this.number(i, limit);
          const e = this.numberEnd;
          // Kept in [0, 2^32) by a subtraction or an addition: faster than % on numbers this large.
          offset += sign * n;
          if (offset >= TWO_32) offset -= TWO_32;
          else if (offset < 0) offset += TWO_32;
          i = lastEnd = e;
        } else {
          const e = identEnd(body, i, limit);
          if (e === i) {
            this.fail(lastEnd === from ? from : i, wordEndIn(body, i, limit), 'syntax.expectedTerm', { field });
          }
          if (variable >= 0) this.fail(i, e, 'syntax.twoVariables', { field });
          if (sign < 0) this.fail(i, e, 'syntax.negativeVariable', { name: quoted(body.slice(i, e)) });
          variable = this.table.nameIdAt(body, i, e);
          i = lastEnd = e;
        }
        expectTerm = false;
        continue;
      }
      // After a term: `+` or `-` continues the sum only when a term follows.
      const c = body.charCodeAt(i);
      if (i < limit && (c === 43 || c === 45)) {
        let k = i + 1;
        while (k < limit && isSpace(body.charCodeAt(k))) k++;
        const d = body.charCodeAt(k);
        const startsTerm = k < limit && ((d >= 48 && d <= 57) || (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || d === 95);
        // `seq=x+1 len=5`: a field name after the operator is not a term.
        if (startsTerm && !looksLikeFieldOrFlag(body, k, limit)) {
          sign = c === 43 ? 1 : -1;
          i = k;
          expectTerm = true;
          continue;
        }
      }
      break;
    }
    this.exprVar = variable;
    this.exprOffset = offset;
    return lastEnd;
  }

  /** Where the number read last ends. */
  private numberEnd = 0;

  /** Reads the digits from `start` (before `limit`): their value; where they end goes to numberEnd. */
  private number(start: number, limit: number): number {
    const text = this.text;
    let n = 0;
    let i = start;
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      // Past 2^32 it is an error: the digits are still read to the end, the value no further.
      if (n < TWO_32) n = n * 10 + (c - 48);
    }
    this.numberEnd = i;
    if (n >= TWO_32) this.fail(start, i, 'syntax.numberTooLarge', { value: text.slice(start, i) });
    return n;
  }
}

// A segment line's places: the line parsed again (only lines whose tokens someone reads).
const locateTable = new SegmentTable(1, []);
segmentPlaces.locate = (text, line) => {
  locateTable.clear();
  locateTable.lines = [text];
  const p = new LineParser([], locateTable);
  p.read(text, line, 0);
  return p;
};

class SyntaxFailure {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** Where an identifier starting at `from` ends (`from` itself when none starts there). */
function identEnd(s: string, from: number, limit: number): number {
  let i = from;
  if (i >= limit) return i;
  let c = s.charCodeAt(i);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return i;
  for (i++; i < limit; i++) {
    c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57))) break;
  }
  return i;
}

/** A word's lower- and upper-case forms, cached: documents repeat the same few words on every line. */
interface WordCase { readonly lower: string; readonly upper: string }
const wordCases = new Map<string, WordCase>();
function wordCase(word: string): WordCase {
  let w = wordCases.get(word);
  if (!w) {
    w = { lower: word.toLowerCase(), upper: word.toUpperCase() };
    if (wordCases.size < 4096) wordCases.set(word, w);
  }
  return w;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0xfeff;
}

/** What may follow the textbook's `SYN=1`: a space, a comma (also full-width) or a bar. */
function isFlagSeparator(c: number): boolean {
  return isSpace(c) || c === 44 /* , */ || c === 124 /* | */ || c === WIDE_COMMA_CODE;
}

/** Full-width punctuation (U+FF0C, U+FF1A), read as `,` and `:`. */
const WIDE_COLON_CODE = WIDE_COLON.charCodeAt(0);
const WIDE_COMMA_CODE = 0xff0c;

/** The quick fix that writes `value` over `range`. */
function changeTo(range: Range, value: string): Fix {
  return { range, newText: value, title: `Change to ${value}`, titleMessage: msg('fix.changeTo', { value }) };
}

/** The ACK flag's word (`ACK=1` may be the flag; `ack=` is also a field). */
const WORD_ACK_FLAG = FLAGS.indexOf('ACK');

function wordEndIn(s: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && !isSpace(s.charCodeAt(i))) i++;
  return Math.max(i, Math.min(from + 1, limit));
}

/** True where an identifier at `at` is a field (`len=`), `old`, `sackok` or a flag, not a variable. */
function looksLikeFieldOrFlag(s: string, at: number, limit: number): boolean {
  const e = identEnd(s, at, limit);
  if (e === at) return false;
  let j = e;
  while (j < limit && isSpace(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) === 61) return true;
  const w = wordAt(s, at, e);
  return w === WORD_OLD || w === WORD_SACKOK || (w >= 0 && w < 8);
}

/** The canonical state closest to a misspelt name (edit distance at most 3), if any. */
export function closestState(written: string): TcpState | undefined {
  const key = written.toUpperCase().replace(/_/g, '-');
  if (key.length > 20) return undefined;
  let best: TcpState | undefined;
  let bestD = 4;
  for (const s of TCP_STATES) {
    const d = editDistance(key, s);
    if (d < bestD) { bestD = d; best = s; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
