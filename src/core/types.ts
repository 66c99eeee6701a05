// The core's public shapes: source ranges, the syntax tree, diagnostics and the timeline.
// Everything outside src/core (editor, preview, command line, capture import) speaks these.

/** A position in a document: 0-based line, 0-based UTF-16 column (as VS Code counts). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** A half-open range: `end` is exclusive. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

// ---------------------------------------------------------------------------------------------
// TCP vocabulary (RFC 9293)

export const TCP_STATES = [
  'CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2',
  'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

export const FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'] as const;
export type Flag = (typeof FLAGS)[number];

/** `->` arrives at once, `~>` stays in flight, `-x` is lost. */
export type Arrow = '->' | '~>' | '-x';

// ---------------------------------------------------------------------------------------------
// Syntax tree: one statement per line. Every token keeps its exact range.

/** A token's text and where it stands. */
export interface Token<T = string> {
  readonly value: T;
  readonly range: Range;
}

/** `x`, `x+1`, `100`, `u-1`: at most one variable (with a plus sign) and an integer offset. */
export interface Expr {
  readonly variable?: string;
  /** The sum of the integer terms, reduced modulo 2^32 (0 <= offset < 2^32). */
  readonly offset: number;
  readonly range: Range;
  readonly text: string;
}

export interface SegmentField {
  readonly name: 'seq' | 'ack' | 'len' | 'win' | 'mss' | 'wscale' | 'sackok' | 'old';
  readonly range: Range;
  /** For seq/ack. */
  readonly expr?: Expr;
  /** For len/win/mss/wscale. */
  readonly number?: number;
}

export interface SegmentStatement {
  readonly kind: 'segment';
  readonly range: Range;
  readonly from: Token;
  readonly to: Token;
  readonly arrow: Token<Arrow>;
  /** Flags in written order, canonical upper case; duplicates are reported and kept once. */
  readonly flags: readonly Token<Flag>[];
  /** The range covering all flags (used to insert a missing ACK, for example). */
  readonly flagsRange?: Range;
  readonly seq?: SegmentField;
  readonly ack?: SegmentField;
  readonly len?: SegmentField;
  readonly win?: SegmentField;
  readonly mss?: SegmentField;
  readonly wscale?: SegmentField;
  readonly sackok?: SegmentField;
  readonly old?: SegmentField;
  readonly label?: Token;
}

export interface TitleStatement { readonly kind: 'title'; readonly range: Range; readonly text: Token }
export interface ParticipantStatement {
  readonly kind: 'participant';
  readonly range: Range;
  readonly id: Token;
  readonly label?: Token;
}
/** `ID: STATE`: sets the starting state before any segment, asserts it afterwards. */
export interface StateStatement {
  readonly kind: 'state';
  readonly range: Range;
  readonly endpoint: Token;
  /** The canonical state, or undefined when the name is not a state at all. */
  readonly state?: TcpState;
  /** The state name as written. */
  readonly stateToken: Token;
  /** True for accepted-with-warning spellings such as SYN_SEND. */
  readonly misspelt?: boolean;
}
export interface ParStatement { readonly kind: 'par'; readonly range: Range }
export interface EndStatement { readonly kind: 'end'; readonly range: Range }
export interface WaitStatement {
  readonly kind: 'wait';
  readonly range: Range;
  /** Milliseconds, or a multiple of MSL. */
  readonly duration: Duration;
  readonly durationRange: Range;
}
export interface MslStatement { readonly kind: 'msl'; readonly range: Range; readonly ms: number; readonly durationRange: Range }
export interface NoteStatement {
  readonly kind: 'note';
  readonly range: Range;
  readonly placement: 'over' | 'left of' | 'right of';
  readonly endpoints: readonly Token[];
  readonly text: Token;
}

export type Duration = { readonly ms: number } | { readonly msl: number };

export type Statement =
  | SegmentStatement | TitleStatement | ParticipantStatement | StateStatement | ParStatement
  | EndStatement | WaitStatement | MslStatement | NoteStatement;

export interface ParsedDocument {
  /** One entry per statement, in document order (blank and comment-only lines have none). */
  readonly statements: readonly Statement[];
  /** Syntax diagnostics. */
  readonly diagnostics: readonly Diagnostic[];
  readonly lineCount: number;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

export type Severity = 'error' | 'warning' | 'information';

/**
 * A message in a form that can be translated: an id from src/core/messages.ts and its
 * arguments. Arguments may themselves be messages (a reason inside a sentence).
 */
export interface Message {
  readonly id: string;
  readonly args?: Readonly<Record<string, string | number | Message>>;
}

/** One replacement that fixes the line. */
export interface Fix {
  readonly range: Range;
  readonly newText: string;
  /** A short title for the quick fix, e.g. `Change to x+1`. */
  readonly title: string;
  readonly titleMessage?: Message;
}

export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  /** Stable code, e.g. `ack-mismatch`. */
  readonly code: string;
  /** The message in English. */
  readonly message: string;
  /** The same message, translatable. */
  readonly messageData: Message;
  readonly fix?: Fix;
}

// ---------------------------------------------------------------------------------------------
// Timeline: the checked exchange, line by line. The hover, the diagram and the capture import
// are built on it.

/** One endpoint's view of its connection with one peer, with numbers in the document's terms. */
export interface TcbSnapshot {
  readonly endpoint: string;
  /** The peer of the connection this snapshot describes, when there is one. */
  readonly peer?: string;
  readonly state: TcpState;
  /** Numbers written as the document would (`x+1`, `1001`), absent where not yet known. */
  readonly iss?: string;
  readonly irs?: string;
  readonly sndUna?: string;
  readonly sndNxt?: string;
  readonly rcvNxt?: string;
  readonly sndWnd?: number;
}

/** A state change, with the line at which it happened. */
export interface Transition {
  readonly endpoint: string;
  readonly peer?: string;
  readonly from: TcpState;
  readonly to: TcpState;
  /** The line of the segment whose sending or arrival caused it, or of the `wait`. */
  readonly causeLine: number;
  /** Why, in the notes' terms (e.g. `sent SYN`, `received FIN`, `2 MSL passed`). */
  readonly reason: Message;
}

/** What is worth seeing about a segment besides its numbers. */
export type SegmentRemark =
  | 'retransmission' | 'spurious-retransmission' | 'keep-alive' | 'out-of-order' | 'duplicate-ack'
  | 'old-duplicate' | 'window-probe' | 'challenge-ack' | 'reset' | 'refused' | 'dropped'
  | 'not-allowed' | 'reincarnation';

/** A value as written, or as computed where it was left out. */
export interface ShownValue {
  /** The text to show: as written, or the expected value in the document's terms. */
  readonly text: string;
  readonly written: boolean;
  /** Where the written value is wrong: what it should be. */
  readonly expected?: string;
}

export interface SegmentEvent {
  readonly from: string;
  readonly to: string;
  readonly arrow: Arrow;
  readonly flags: readonly Flag[];
  readonly seq: ShownValue;
  /** Present when the segment carries ACK. */
  readonly ack?: ShownValue;
  readonly len: number;
  readonly win?: number;
  readonly options: { readonly mss?: number; readonly wscale?: number; readonly sackok?: boolean };
  readonly old: boolean;
  readonly label?: string;
  /** False when the segment was reported and left out of the model (rule 4). */
  readonly inModel: boolean;
  readonly remarks: readonly SegmentRemark[];
  /** For a `~>` segment: the line at which it arrived (undefined while in flight or lost). */
  readonly arrivedAtLine?: number;
  /** Index of the enclosing `par` block (0-based, in document order), if any. */
  readonly parBlock?: number;
}

export type TimelineEventKind =
  | 'segment' | 'state' | 'wait' | 'msl' | 'note' | 'title' | 'participant' | 'par' | 'end';

export interface TimelineEvent {
  readonly kind: TimelineEventKind;
  /** 0-based line of the statement. */
  readonly line: number;
  readonly range: Range;
  /** Every endpoint's TCB (the connection it used most recently) before and after this line. */
  readonly before: readonly TcbSnapshot[];
  readonly after: readonly TcbSnapshot[];
  /** State changes that happened at this line (including arrivals of earlier `~>` segments). */
  readonly transitions: readonly Transition[];
  /** Lines of earlier `~>` segments that arrived at this line, just before it took effect. */
  readonly arrivals: readonly number[];
  /** Lines of segments in flight after this line. */
  readonly inFlight: readonly number[];
  readonly segment?: SegmentEvent;
  /** For `wait`: milliseconds passed. For `note`: the text and where it goes. */
  readonly waitMs?: number;
  readonly note?: { readonly placement: 'over' | 'left of' | 'right of'; readonly endpoints: readonly string[]; readonly text: string };
  /** For a state line: the state written. */
  readonly state?: { readonly endpoint: string; readonly written: string; readonly computed: TcpState };
  /** Errors and warnings on this line (the diagram marks them). */
  readonly problems: readonly Diagnostic[];
}

export interface Participant {
  readonly id: string;
  readonly label: string;
  /** Line where it was declared or first used. */
  readonly line: number;
}

export interface Timeline {
  readonly title?: string;
  readonly participants: readonly Participant[];
  readonly events: readonly TimelineEvent[];
  /** Variables and where they were bound: `x` -> space and line. */
  readonly variables: readonly VariableBinding[];
  readonly mslMs: number;
}

export interface VariableBinding {
  readonly name: string;
  /** The sequence space it belongs to: the endpoint whose octets it numbers, and its peer. */
  readonly space: { readonly sender: string; readonly receiver: string };
  /** Line and range of its first use. */
  readonly line: number;
  readonly range: Range;
  /** What it names, in the notes' terms (`C's initial sequence number`). */
  readonly meaning: Message;
  /** A plain number it was fixed to, if any (`ack=101` where `x+1` was expected fixes x=100). */
  readonly fixedValue?: number;
}

/** The result of checking one tcpseq document. */
export interface Analysis {
  readonly parsed: ParsedDocument;
  /** Syntax and model diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly timeline: Timeline;
}

export interface AnalyzeOptions {
  /** The default MSL in milliseconds when the document sets none (2 minutes, as in RFC 793). */
  readonly defaultMslMs?: number;
  /** The line number of the text's first line, for a document inside a larger file (a Markdown block). */
  readonly firstLine?: number;
  /**
   * The analysis of an earlier version of the same document: lines whose text did not change and
   * that stand where they stood are not parsed again (typing on one line re-parses that line).
   */
  readonly previous?: Analysis;
  /**
   * The parse of exactly this text, made by what wrote it (the capture importer: see
   * parseWritten): the text is not read again.
   */
  readonly parsed?: ParsedDocument;
}
