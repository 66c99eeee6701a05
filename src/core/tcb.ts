// One side of a connection: the Transmission Control Block of RFC 9293 (section 3.3.1) and what
// the checker needs to remember about segments sent and received.
import type { SegmentRemark, TcpState } from './types';
import type { SeqVal } from './seqspace';

/** States from which every segment but RST carries ACK (RFC 9293: ESTABLISHED and after). */
export const SYNCHRONIZED: ReadonlySet<TcpState> = new Set<TcpState>([
  'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
]);

/** A segment as it travels: the values the model settled on (the expected ones after a mistake). */
export interface Segment {
  readonly line: number;
  /** Where its statement starts and ends on the line (for diagnostics found when it arrives). */
  readonly start: number;
  readonly end: number;
  readonly from: string;
  readonly to: string;
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  readonly seq: SeqVal;
  readonly ackNo?: SeqVal;
  readonly len: number;
  readonly win?: number;
  readonly wscale?: number;
  readonly old: boolean;
  /** Remarks found on arrival are added to the segment's event. */
  readonly remarks: SegmentRemark[];
  /** Lines where this segment arrived (set when it does). */
  arrivedAt?: number;
  /** What happened to it at its receiver. */
  fate: 'in-flight' | 'held' | 'accepted' | 'dropped' | 'lost';
  // Set when it occupies sequence space (data, SYN or FIN) and waits in its sender's `sent` list:
  /** seq + len (+1 for SYN, +1 for FIN). */
  seqEnd?: SeqVal;
  /** For a SYN with data: where the data starts (ISS+1), which a retransmission may use. */
  dataSeq?: SeqVal;
  /** How many `wait`s had passed when it was sent (time passed since, when fewer than now). */
  waits?: number;
}

/**
 * Why SND.NXT or RCV.NXT is what it is, for messages (`the SYN at line 1 takes one sequence
 * number`): a message id and its numbers, turned into a sentence only when a message needs it.
 * Each TCB keeps one per number and rewrites it (it changes on nearly every segment).
 */
export class Reason {
  /** A message id, or '' while nothing is known. */
  id = '';
  line = 0;
  from: SeqVal | undefined = undefined;
  to: SeqVal | undefined = undefined;
  len = 0;

  set(id: string, line: number, from?: SeqVal, len = 0, to?: SeqVal): void {
    this.id = id;
    this.line = line;
    this.from = from;
    this.len = len;
    this.to = to;
  }

  clear(): void {
    this.set('', 0);
  }
}

/** An answer this side owes: a RST (RFC 9293 3.5.2) for a segment it could not accept. */
export interface OwedReset {
  /** The line of the segment being answered. */
  readonly line: number;
  /** seq the RST must carry. */
  readonly seq: SeqVal;
  /** When the answered segment had no ACK: the RST carries ACK with this ack. */
  readonly ack?: SeqVal;
}

export class Tcb {
  state: TcpState = 'CLOSED';
  /** Reached SYN-RECEIVED from LISTEN (a RST sends it back to LISTEN). */
  passive = false;
  iss?: SeqVal;
  irs?: SeqVal;
  sndUna?: SeqVal;
  sndNxt?: SeqVal;
  rcvNxt?: SeqVal;
  /** The send window the peer advertised last (already scaled), where written. */
  sndWnd?: number;
  /** Window scale shifts: what this side sent on its SYN and what the peer sent on its SYN. */
  ownWscale?: number;
  peerWscale?: number;
  /** The seq of this side's FIN, once sent. */
  finSeq?: SeqVal;
  /** Unacknowledged segments that occupy sequence space (each with its `end`). */
  readonly sent: Segment[] = [];
  /** Out-of-order segments held until the gap before them fills. */
  readonly held: Segment[] = [];
  /** Something arrived that this side has not acknowledged yet. */
  ackOwed = false;
  owedReset?: OwedReset;
  /** Milliseconds spent in TIME-WAIT since entering or since the 2 MSL timer last restarted. */
  timeWaitMs = 0;
  readonly sndNxtReason = new Reason();
  readonly rcvNxtReason = new Reason();
  /** Pure ACKs sent since SND.NXT last moved (a forgotten "ACKs take no sequence number"). */
  pureSince = 0;

  /** The sequence spaces of what this side sends (`C>S`) and of what it receives (`S>C`). */
  readonly space: string;
  readonly peerSpace: string;

  constructor(readonly endpoint: string, readonly peer: string) {
    this.space = `${endpoint}>${peer}`;
    this.peerSpace = `${peer}>${endpoint}`;
  }

  get synchronized(): boolean {
    return SYNCHRONIZED.has(this.state);
  }

  /** Forgets the connection: the TCB is deleted and the endpoint starts afresh (RFC 9293 3.3.2). */
  discard(state: 'CLOSED' | 'LISTEN'): void {
    this.state = state;
    this.passive = false;
    this.iss = this.irs = this.sndUna = this.sndNxt = this.rcvNxt = undefined;
    this.sndWnd = this.ownWscale = this.peerWscale = undefined;
    this.finSeq = undefined;
    this.sent.length = 0;
    this.held.length = 0;
    this.ackOwed = false;
    this.owedReset = undefined;
    this.timeWaitMs = 0;
    this.sndNxtReason.clear();
    this.rcvNxtReason.clear();
    this.pureSince = 0;
  }
}

/** Two endpoints that exchange segments: one connection, one TCB each. */
export class Connection {
  /** A segment of this connection entered the model (the implicit-start rules apply before it). */
  started = false;
  /** Segments in flight from a and from b, in the order sent. */
  private readonly fromA: Segment[] = [];
  private readonly fromB: Segment[] = [];
  /** Which direction had a segment in flight first (the order `queues` lists them in). */
  private bFirst: boolean | undefined = undefined;

  constructor(readonly a: Tcb, readonly b: Tcb) {}

  /** The segments in flight from `sender`, in the order sent. */
  inFlightFrom(sender: string): Segment[] {
    return this.a.endpoint === sender ? this.fromA : this.fromB;
  }

  /** The list a segment sent now by `sender` goes into. */
  queue(sender: string): Segment[] {
    if (this.bFirst === undefined) this.bFirst = this.a.endpoint !== sender;
    return this.inFlightFrom(sender);
  }

  /** Both directions' segments in flight, the direction used first first. */
  queues(): Segment[][] {
    return this.bFirst ? [this.fromB, this.fromA] : [this.fromA, this.fromB];
  }

  /** Nothing in flight either way. */
  get settled(): boolean {
    return this.fromA.length === 0 && this.fromB.length === 0;
  }

  side(endpoint: string): Tcb {
    return this.a.endpoint === endpoint ? this.a : this.b;
  }

  other(endpoint: string): Tcb {
    return this.a.endpoint === endpoint ? this.b : this.a;
  }
}

/** Removes the first n items of a list in place (without making a list of them). */
export function dropFront<T>(list: T[], n: number): void {
  if (n >= list.length) {
    list.length = 0;
    return;
  }
  // A few (a window's worth): shifting is cheapest; many: one splice keeps it linear.
  if (n <= 8) for (let i = 0; i < n; i++) list.shift();
  else list.splice(0, n);
}
