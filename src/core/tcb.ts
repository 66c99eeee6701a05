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
}

/** A segment this side sent that occupies sequence space (data, SYN or FIN), until acknowledged. */
export interface SentRecord {
  readonly segment: Segment;
  /** The seq the segment was sent with. */
  readonly seq: SeqVal;
  /** For a SYN with data: where the data starts (ISS+1), which a retransmission may use. */
  readonly dataSeq?: SeqVal;
  /** seq + len (+1 for SYN, +1 for FIN). */
  readonly end: SeqVal;
  /** How many `wait`s had passed when it was sent (time passed since, when fewer than now). */
  readonly waits: number;
}

/**
 * Why SND.NXT or RCV.NXT is what it is, for messages (`the SYN at line 1 takes one sequence
 * number`): a message id and its numbers, turned into a sentence only when a message needs it.
 */
export interface Reason {
  readonly id: string;
  readonly line: number;
  readonly from?: SeqVal;
  readonly to?: SeqVal;
  readonly len?: number;
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
  /** Unacknowledged segments that occupy sequence space. */
  readonly sent: SentRecord[] = [];
  /** Out-of-order segments held until the gap before them fills. */
  readonly held: Segment[] = [];
  /** Something arrived that this side has not acknowledged yet. */
  ackOwed = false;
  owedReset?: OwedReset;
  /** Milliseconds spent in TIME-WAIT since entering or since the 2 MSL timer last restarted. */
  timeWaitMs = 0;
  sndNxtReason?: Reason;
  rcvNxtReason?: Reason;
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
    this.sndNxtReason = this.rcvNxtReason = undefined;
    this.pureSince = 0;
  }
}

/** Two endpoints that exchange segments: one connection, one TCB each. */
export class Connection {
  /** A segment of this connection entered the model (the implicit-start rules apply before it). */
  started = false;
  /** Segments in flight, per direction (key: sender), in the order sent. */
  readonly inFlight = new Map<string, Segment[]>();

  constructor(readonly a: Tcb, readonly b: Tcb) {}

  side(endpoint: string): Tcb {
    return this.a.endpoint === endpoint ? this.a : this.b;
  }

  other(endpoint: string): Tcb {
    return this.a.endpoint === endpoint ? this.b : this.a;
  }

  queue(sender: string): Segment[] {
    let q = this.inFlight.get(sender);
    if (!q) this.inFlight.set(sender, (q = []));
    return q;
  }
}
