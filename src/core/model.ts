// The endpoint model (spec section 3): every statement runs through the TCBs of RFC 9293, and
// every line gets its diagnostics and its timeline event. After a mistake the model goes on as if
// the line had been written as expected, so one mistake gives one diagnostic.
import { diagnostic, plainRange, statementOrder } from './parser';
import { msg } from './messages';
import {
  Origin, Variables, ZERO, add, compare, compareFrom, compareTo, numeric, resolve, same, show, unify,
} from './seqspace';
import type { SeqVal, Variable } from './seqspace';
import { ACK_BIT, FIN_BIT, RST_BIT, SYN_BIT, SegmentLine } from './syntax';
import type { RareFields, SegmentTable } from './syntax';
import { Connection, Tcb, dropFront } from './tcb';
import type { Reason, Segment } from './tcb';
import type {
  Diagnostic, Fix, Flag, Message, ParsedDocument, Participant, Range, SegmentEvent, SegmentRemark,
  Severity, Statement, TcbSnapshot, TcpState, Timeline, TimelineEvent, Transition, VariableBinding,
} from './types';

const DEFAULT_MSL_MS = 120_000;
/** Above this many endpoints, a line's snapshots list only the endpoints it involves. */
const SNAPSHOT_ALL_LIMIT = 32;
/** How far back a retransmission looks for its original among unacknowledged segments. */
const RETRANSMISSION_LOOKBACK = 1024;
const START_STATES: ReadonlySet<TcpState> = new Set<TcpState>(['CLOSED', 'LISTEN', 'ESTABLISHED']);

interface Endpoint {
  readonly id: string;
  label: string;
  readonly line: number;
  /** The state set by `ID: STATE` before any segment. */
  startState?: TcpState;
  /** Set CLOSED explicitly: nothing listens there, a SYN is refused. */
  explicitClosed: boolean;
  /** A segment to or from it entered the model. */
  active: boolean;
  /** The peer of the connection it exchanged a segment with most recently. */
  lastPeer?: string;
}

/** A timeline event while it is being built (the same object becomes the event). */
interface EventDraft {
  kind: TimelineEvent['kind'];
  line: number;
  range: Range;
  before: readonly TcbSnapshot[];
  after: readonly TcbSnapshot[];
  transitions: Transition[];
  arrivals: number[];
  inFlight: readonly number[];
  segment?: SegmentDraft;
  waitMs?: number;
  note?: TimelineEvent['note'];
  state?: TimelineEvent['state'];
  problems: Diagnostic[];
}

/** Shared by every event that has none (most lines change nothing but their own segment). */
const NONE: never[] = [];

/** Names offered for an endpoint's own ISS, in textbook order (the server's is y). */
const ISS_NAMES = ['y', 'x', 'z'];

/** `isn2`, `isn3`, ...: the first not in `used`. */
function freshIsnName(used: ReadonlySet<string>): string {
  let k = 2;
  while (used.has(`isn${k}`)) k++;
  return `isn${k}`;
}

interface SegmentDraft {
  from: string;
  to: string;
  arrow: SegmentEvent['arrow'];
  flags: Flag[];
  seq: SegmentEvent['seq'];
  ack?: SegmentEvent['ack'];
  len: number;
  win?: number;
  options: SegmentEvent['options'];
  old: boolean;
  label?: string;
  inModel: boolean;
  remarks: SegmentRemark[];
  arrivedAtLine?: number;
  parBlock?: number;
}

export interface ModelResult {
  readonly diagnostics: Diagnostic[];
  readonly timeline: Timeline;
}

/**
 * Runs a parsed document through the model. Without `record`, only the diagnostics are made (the
 * timeline comes back empty): that is what a check needs, and it is several times faster.
 */
export function runModel(statements: readonly Statement[], lineCount: number, defaultMslMs = DEFAULT_MSL_MS, record = true): ModelResult {
  return new Model(defaultMslMs, record).run(statements, lineCount);
}

/** Runs a parse through the model, reading its segment lines in their compact form where it can. */
export function runParsed(parsed: ParsedDocument, defaultMslMs = DEFAULT_MSL_MS, record = true): ModelResult {
  const compact = statementOrder(parsed);
  const m = new Model(defaultMslMs, record);
  return compact ? m.runOrder(compact.order, compact.table, parsed.lineCount) : m.run(parsed.statements, parsed.lineCount);
}

/**
 * The segment that would be correct next from `from` to `to` at the end of the document: flags and
 * fields in the document's terms (`SYN ACK seq=y ack=x+1`), or undefined when `from` may send nothing.
 */
export function suggestNext(statements: readonly Statement[], lineCount: number, from: string, to: string, defaultMslMs = DEFAULT_MSL_MS): string | undefined {
  const m = new Model(defaultMslMs, false);
  m.run(statements, lineCount);
  return m.suggest(from, to);
}

class Model {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  /** Connections by endpoint and peer (each connection is found from both sides). */
  private readonly connections = new Map<string, Map<string, Connection>>();
  private lastConnection?: Connection;
  private readonly vars = new Variables();
  private readonly bindings: VariableBinding[] = [];
  private readonly events: EventDraft[] = [];
  /** Endpoints the current statement involves (only they can change). */
  private readonly involved = new Set<string>();
  /** Segment drafts and statements by line (arrays: a document has a segment on most lines). */
  private readonly segmentDrafts: (SegmentDraft | undefined)[] = [];
  /** Each endpoint's latest state change, for messages. */
  private readonly lastTransition = new Map<string, Transition>();
  /** Each endpoint's snapshot after the last event that involved it. */
  private readonly latest = new Map<string, TcbSnapshot>();
  /** The snapshots after the previous event (the next event's `before`). */
  private lastAll: TcbSnapshot[] = [];
  /** Connections with segments in flight. */
  private readonly busy = new Set<Connection>();
  /** TCBs in TIME-WAIT (the only ones a `wait` moves). */
  private readonly timeWait = new Set<Tcb>();
  /** Counts `wait`s, so that a segment knows whether time passed since it was sent. */
  private waits = 0;
  private title?: string;
  private mslMs: number;
  /** The event of the statement being run (when recording the timeline). */
  private current?: EventDraft;
  /** The line of the statement being run. */
  private line = 0;
  private statementCount = 0;
  /** Inside `par`: the segments sent, waiting for the block's end to arrive. */
  private par?: { line: number; range: Range; index: number; pending: Segment[] };
  private parCount = 0;

  constructor(defaultMslMs: number, private readonly record: boolean) {
    this.mslMs = defaultMslMs;
  }

  run(statements: readonly Statement[], lineCount: number): ModelResult {
    for (const st of statements) this.statement(st);
    return this.end(lineCount);
  }

  /** Runs statements in line order where a segment line is a row of `table`, read through its cursor. */
  runOrder(order: readonly (Statement | number)[], table: SegmentTable, lineCount: number): ModelResult {
    const cursor = table.cursor;
    for (const st of order) this.statement(typeof st === 'number' ? cursor.at(st) : st);
    return this.end(lineCount);
  }

  /** The end of the document, and the result. */
  private end(lineCount: number): ModelResult {
    // End of document: an open `par` ends here, and whatever is in flight arrives.
    const last = this.record ? this.events[this.events.length - 1] : undefined;
    if (this.par) {
      this.report(this.par.range, 'error', 'unclosed-par', msg('par.unclosed'));
    }
    if (this.statementCount > 0) {
      // Arrivals at the end of the document are recorded on the last line.
      this.current = last;
      this.involved.clear();
      if (this.par) this.endPar();
      this.flushAll();
      if (last) {
        last.after = this.snapshots(last);
        last.inFlight = NONE;
      }
      this.current = undefined;
    }
    void lineCount;
    return {
      diagnostics: this.diagnostics,
      timeline: {
        title: this.title,
        participants: [...this.endpoints.values()].map((e): Participant => ({ id: e.id, label: e.label, line: e.line })),
        events: this.events as readonly TimelineEvent[],
        variables: this.bindings,
        mslMs: this.mslMs,
      },
    };
  }

  /** See suggestNext. */
  suggest(from: string, to: string): string | undefined {
    if (from === to) return undefined;
    const eF = this.endpoints.get(from);
    const eT = this.endpoints.get(to);
    const conn = this.connection(from, to);
    const s = conn.side(from);
    // A connection not started yet between endpoints set ESTABLISHED: any ACK starts it.
    if (!conn.started && eF?.startState === 'ESTABLISHED' && (!eT?.startState || eT.startState === 'ESTABLISHED')) return 'ACK';
    const fresh = () => {
      const used = new Set([...this.vars.all()].map((v) => v.name));
      return ['x', 'y', 'z', 'a', 'b', 'c', 'p', 'q'].find((n) => !used.has(n)) ?? 'isn';
    };
    const seq = (v?: SeqVal) => (v ? ` seq=${show(v)}` : '');
    const ack = (v?: SeqVal) => (v ? ` ack=${show(v)}` : '');
    if (s.owedReset) {
      const o = s.owedReset;
      return o.ack ? `RST ACK seq=0 ack=${show(o.ack)}` : `RST seq=${show(o.seq)}`;
    }
    switch (s.state) {
      case 'CLOSED':
      case 'LISTEN':
        return `SYN seq=${fresh()}`;
      case 'SYN-SENT':
        return undefined;
      case 'SYN-RECEIVED':
        return `SYN ACK seq=${s.iss ? show(s.iss) : fresh()}${ack(s.rcvNxt)}`;
      case 'ESTABLISHED':
      case 'CLOSE-WAIT':
        if (s.ackOwed || s.state === 'ESTABLISHED') return `ACK${seq(s.sndNxt)}${ack(s.rcvNxt)}`;
        return `FIN ACK${seq(s.sndNxt)}${ack(s.rcvNxt)}`;
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSING':
      case 'LAST-ACK':
        return `ACK${seq(s.sndNxt)}${ack(s.rcvNxt)}`;
      case 'TIME-WAIT':
        return s.ackOwed ? `ACK${seq(s.sndNxt)}${ack(s.rcvNxt)}` : undefined;
    }
  }

  // -- statements ------------------------------------------------------------------------------

  private statement(st: Statement): void {
    // parse() makes every segment a SegmentLine, which knows its line without making a range.
    // Most lines are segments: outside `par` and without a timeline to record, straight there.
    if (st instanceof SegmentLine && !this.record && !this.par) {
      this.line = st.line;
      this.statementCount++;
      this.segment(st);
      return;
    }
    const line = st instanceof SegmentLine ? st.line : st.range.start.line;
    this.line = line;
    this.statementCount++;
    let ev: EventDraft | undefined;
    if (this.record) {
      ev = {
        kind: st.kind, line, range: plainRange(st.range), before: NONE, after: NONE, transitions: NONE, arrivals: NONE,
        inFlight: NONE, segment: undefined, waitMs: undefined, note: undefined, state: undefined, problems: NONE,
      };
      this.current = ev;
      this.involved.clear();
    }
    if (this.par && st.kind !== 'segment' && st.kind !== 'note' && st.kind !== 'end') {
      if (st.kind === 'par') this.report(st.range, 'error', 'nested-par', msg('par.nested', { line: this.par.line + 1 }));
      else this.report(st.range, 'error', 'not-in-par', msg('par.onlySegments', { kind: st.kind }));
      if (ev) this.finish(ev);
      return;
    }
    if (ev) ev.before = this.endpoints.size <= SNAPSHOT_ALL_LIMIT ? this.lastAll : [];
    switch (st.kind) {
      case 'title': this.title = st.text.value; break;
      case 'participant': {
        const e = this.endpoint(st.id.value, line);
        if (st.label) e.label = st.label.value;
        this.involved.add(e.id);
        break;
      }
      case 'note':
        for (const t of st.endpoints) this.endpoint(t.value, line);
        if (ev) ev.note = { placement: st.placement, endpoints: st.endpoints.map((t) => t.value), text: st.text.value };
        break;
      case 'par':
        this.par = { line, range: st.range, index: this.parCount++, pending: [] };
        break;
      case 'end':
        if (!this.par) this.report(st.range, 'error', 'unmatched-end', msg('par.unmatchedEnd'));
        else this.endPar();
        break;
      case 'wait': this.wait(st.duration, st.range); break;
      case 'msl': this.mslMs = st.ms; break;
      case 'state': this.stateLine(st); break;
      case 'segment': this.segment(st as SegmentLine); break;
    }
    if (ev) this.finish(ev);
  }

  private finish(ev: EventDraft): void {
    ev.after = this.snapshots(ev);
    ev.inFlight = this.busy.size > 0 ? this.inFlightLines() : NONE;
    this.events.push(ev);
    this.current = undefined;
  }

  // -- endpoints, connections, snapshots -------------------------------------------------------

  private endpoint(id: string, line: number): Endpoint {
    let e = this.endpoints.get(id);
    if (!e) {
      e = { id, label: id, line, explicitClosed: false, active: false };
      this.endpoints.set(id, e);
    }
    return e;
  }

  private connection(a: string, b: string): Connection {
    // Most lines use the same connection as the line before.
    const last = this.lastConnection;
    if (last && ((last.a.endpoint === a && last.b.endpoint === b) || (last.a.endpoint === b && last.b.endpoint === a))) return last;
    let byPeer = this.connections.get(a);
    let c = byPeer?.get(b);
    if (!c) {
      c = new Connection(this.newTcb(a, b), this.newTcb(b, a));
      if (!byPeer) this.connections.set(a, (byPeer = new Map()));
      byPeer.set(b, c);
      let back = this.connections.get(b);
      if (!back) this.connections.set(b, (back = new Map()));
      back.set(a, c);
    }
    this.lastConnection = c;
    return c;
  }

  private newTcb(id: string, peer: string): Tcb {
    const t = new Tcb(id, peer);
    const start = this.endpoints.get(id)?.startState;
    if (start === 'LISTEN') t.state = 'LISTEN';
    return t;
  }

  /** The TCB an endpoint's state lines and snapshots speak of: its most recent connection. */
  private currentTcb(id: string): Tcb | undefined {
    const e = this.endpoints.get(id);
    if (!e?.lastPeer) return undefined;
    return this.connection(id, e.lastPeer).side(id);
  }

  private stateOf(id: string): TcpState {
    const t = this.currentTcb(id);
    if (t) return t.state;
    const s = this.endpoints.get(id)?.startState;
    return s ?? 'CLOSED';
  }

  /**
   * Every endpoint's TCB after an event (or, above SNAPSHOT_ALL_LIMIT endpoints, the ones it
   * involved). Only involved endpoints can have changed, so the others keep their snapshot objects;
   * `ev.before` is filled here for the involved-only form.
   */
  private snapshots(ev: EventDraft): TcbSnapshot[] {
    const all = this.endpoints.size <= SNAPSHOT_ALL_LIMIT;
    if (!all) ev.before = [...this.involved].map((id) => this.latest.get(id) ?? { endpoint: id, state: this.stateOf(id) });
    for (const id of this.involved) this.latest.set(id, this.snapshot(id));
    if (!all) return [...this.involved].map((id) => this.latest.get(id)!);
    const out: TcbSnapshot[] = [];
    for (const id of this.endpoints.keys()) {
      let snap = this.latest.get(id);
      if (!snap) this.latest.set(id, (snap = this.snapshot(id)));
      out.push(snap);
    }
    this.lastAll = out;
    return out;
  }


  private snapshot(id: string): TcbSnapshot {
    const t = this.currentTcb(id);
    if (!t) return { endpoint: id, state: this.stateOf(id) };
    return new Snapshot(t);
  }


  private inFlightLines(): number[] {
    const lines: number[] = [];
    for (const c of this.busy) {
      for (const q of c.queues()) for (const s of q) lines.push(s.line);
    }
    return lines;
  }

  // -- diagnostics -----------------------------------------------------------------------------

  private report(range: Range, severity: Severity, code: string, message: Message, fix?: Fix): void {
    const d = diagnostic(range, severity, code, message, fix);
    this.diagnostics.push(d);
    if (severity !== 'information' && this.current) push(this.current, 'problems', d);
  }

  private setState(t: Tcb, to: TcpState, line: number, reason: Message): void {
    if (t.state === to) return;
    const from = t.state;
    t.state = to;
    if (to === 'TIME-WAIT') {
      t.timeWaitMs = 0;
      this.timeWait.add(t);
    } else if (from === 'TIME-WAIT') {
      this.timeWait.delete(t);
    }
    const tr: Transition = { endpoint: t.endpoint, peer: t.peer, from, to, causeLine: line, reason };
    this.lastTransition.set(t.endpoint, tr);
    if (this.current) {
      push(this.current, 'transitions', tr);
      this.involved.add(t.endpoint);
    }
  }

  // -- state lines -----------------------------------------------------------------------------

  private stateLine(st: Extract<Statement, { kind: 'state' }>): void {
    const id = st.endpoint.value;
    const e = this.endpoint(id, st.range.start.line);
    this.involved.add(id);
    if (!st.state) return; // unknown name: reported by the parser
    const written = st.stateToken.value;
    if (!e.active) {
      // Before any segment: the starting state.
      if (!START_STATES.has(st.state)) {
        this.report(st.stateToken.range, 'error', 'bad-start-state', msg('state.badStart', { endpoint: id, state: st.state }));
        return;
      }
      if (st.misspelt) this.misspelt(st);
      e.startState = st.state;
      e.explicitClosed = st.state === 'CLOSED';
      if (this.current) this.current.state = { endpoint: id, written, computed: st.state };
      return;
    }
    // Afterwards: an assertion. Segments in flight to it arrive first.
    this.flushTo(id);
    const computed = this.stateOf(id);
    if (this.current) this.current.state = { endpoint: id, written, computed };
    if (computed !== st.state) {
      const fix: Fix = { range: st.stateToken.range, newText: computed, title: `Change to ${computed}`, titleMessage: msg('fix.changeTo', { value: computed }) };
      const why = this.stateHistory(id);
      this.report(
        st.stateToken.range, 'error', 'state-mismatch',
        msg(st.misspelt ? 'state.mismatchMisspelt' : 'state.mismatch', { endpoint: id, computed, written: st.state, spelled: written, why }),
        fix,
      );
    } else if (st.misspelt) {
      this.misspelt(st);
    }
  }

  private misspelt(st: Extract<Statement, { kind: 'state' }>): void {
    const fix: Fix = { range: st.stateToken.range, newText: st.state!, title: `Change to ${st.state}`, titleMessage: msg('fix.changeTo', { value: st.state! }) };
    this.report(st.stateToken.range, 'warning', 'misspelt-state', msg('state.misspelt', { written: st.stateToken.value, state: st.state! }), fix);
  }

  /** How an endpoint got to its state: the latest transition, in words. */
  private stateHistory(id: string): Message {
    const t = this.lastTransition.get(id);
    if (t) return msg('state.since', { state: t.to, line: t.causeLine + 1, reason: t.reason });
    return msg('state.sinceStart', { state: this.stateOf(id) });
  }

  // -- wait ------------------------------------------------------------------------------------

  private wait(d: { ms: number } | { msl: number }, _range: Range): void {
    const ms = 'ms' in d ? d.ms : d.msl * this.mslMs;
    if (this.current) this.current.waitMs = ms;
    // In-flight segments arrive before the time passes.
    this.flushAll();
    this.waits++;
    for (const t of [...this.timeWait]) {
      t.timeWaitMs += ms;
      if (t.timeWaitMs >= 2 * this.mslMs - 1e-9) {
        this.setState(t, 'CLOSED', this.line, msg('reason.timeWaitOver'));
        t.discard('CLOSED');
      }
    }
  }

  // -- segments: sending -----------------------------------------------------------------------

  private segment(st: SegmentLine): void {
    const line = st.line;
    const F = st.sender;
    const T = st.receiver;
    const eF = this.endpoint(F, line);
    const eT = this.endpoint(T, line);
    // Each column is read once (the getters read the parse's table).
    const flags = st.flagBits;
    const syn = (flags & SYN_BIT) !== 0;
    const ackFlag = (flags & ACK_BIT) !== 0;
    const fin = (flags & FIN_BIT) !== 0;
    const rst = (flags & RST_BIT) !== 0;
    const lenValue = st.lenValue;
    const len = lenValue < 0 ? 0 : lenValue;
    const winValue = st.winValue;
    const arrow = st.arrowKind;
    const rare = st.rareFields;
    const draft = this.current ? this.draft(st, line, len, winValue, rare) : undefined;
    const remarks: SegmentRemark[] = draft ? draft.remarks : [];

    if (F === T) {
      this.report(st.to.range, 'error', 'self-segment', msg('segment.self', { endpoint: F }));
      if (draft) draft.inModel = false;
      return;
    }
    if (rare?.old && arrow !== '->') {
      this.report(rare.old.range, 'error', 'old-arrow', msg('segment.oldArrow'));
    }
    const conn = this.connection(F, T);
    const s = conn.side(F);
    const r = conn.side(T);

    // Options belong on SYNs.
    if (!syn && rare && (rare.mss || rare.wscale || rare.sackok)) {
      for (const f of [rare.mss, rare.wscale, rare.sackok]) {
        if (f) this.report(f.range, 'error', 'option-not-on-syn', msg('segment.optionNotOnSyn', { option: f.name }), removeFix(f.range));
      }
    }

    if (rare?.old) {
      this.oldDuplicate(st, draft, remarks, conn, { syn, ack: ackFlag, fin, rst });
      return;
    }

    // In-flight segments to F whose end the written ack covers arrive before F sends.
    if (st.ackWritten && conn.inFlightFrom(T).length > 0) {
      const writtenAck = this.peek(st.ackVar, st.ackOffset);
      if (writtenAck) this.flushCovered(conn, T, writtenAck);
    }

    // The first segment of a connection: the implicit ESTABLISHED rule.
    if (!conn.started) {
      const okF = !eF.startState || eF.startState === 'ESTABLISHED';
      const okT = !eT.startState || eT.startState === 'ESTABLISHED';
      if (!syn && okF && okT && st.flagCount > 0) {
        s.state = 'ESTABLISHED';
        r.state = 'ESTABLISHED';
      } else {
        if (eF.startState === 'ESTABLISHED' && s.state === 'CLOSED') s.state = 'ESTABLISHED';
        if (eT.startState === 'ESTABLISHED' && r.state === 'CLOSED') r.state = 'ESTABLISHED';
      }
    }

    // Flags: none at all is an error; from a synchronized state the segment is taken as an ACK.
    let hasAck = ackFlag;
    if (st.flagCount === 0) {
      if (st.ackWrittenAsFlagBit()) {
        // `C->S ACK=1, seq=x+1`: the textbook's ACK flag, which alone reads as the field ack=1.
        const field = st.ack!.range;
        this.report(field, 'error', 'missing-flags', msg('segment.noFlagsAckBit'), changeFix(field, 'ACK'));
      } else {
        this.report(st.flagsRange ?? afterReceiver(st), 'error', 'missing-flags', msg('segment.noFlags'));
      }
      if (!s.synchronized) {
        if (draft) draft.inModel = false;
        return;
      }
      hasAck = true;
    }
    if (st.ackWritten && !hasAck) {
      if (s.synchronized) {
        this.report(st.ack!.range, 'error', 'ack-without-ack-flag', msg('segment.ackWithoutFlag'), addAckFix(st));
        hasAck = true;
      } else {
        this.report(st.ack!.range, 'error', 'ack-without-ack-flag', msg('segment.ackWithoutFlagUnsync'), removeFix(st.ack!.range));
      }
    } else if (!hasAck && !rst && !syn && s.synchronized) {
      // Rule 3: textbooks draw `FIN seq=u` without ACK.
      this.report(st.flagsRange ?? st.arrow.range, 'warning', 'missing-ack-flag', msg('segment.missingAck', { state: s.state }), addAckFix(st));
      hasAck = true;
    }

    // Rule 4: what the sender's state allows.
    if (!this.allowed(st, s, syn, fin, rst, hasAck, len)) {
      if (draft) draft.inModel = false;
      return;
    }
    conn.started = true;
    eF.active = eT.active = true;
    eF.lastPeer = T;
    eT.lastPeer = F;
    if (eF.explicitClosed && s.state !== 'CLOSED') eF.explicitClosed = false;

    if (syn && len > 0) this.report(st.len!.range, 'warning', 'syn-with-data', msg('segment.synWithData', { len }));

    // Rules 1 and 2: seq and ack.
    const seq = this.checkSeq(st, draft, remarks, s, syn, fin, rst, len);
    const ackNo = hasAck ? this.checkAck(st, draft, s, rst) : undefined;

    const seg: Segment = {
      line, start: st.start, end: st.end, from: F, to: T, syn, ack: hasAck, fin, rst, seq, ackNo, len,
      win: winValue < 0 ? undefined : winValue, wscale: rare?.wscale?.number, old: false, remarks, fate: 'in-flight',
      seqEnd: undefined, dataSeq: undefined, waits: undefined,
    };
    this.windowCheck(st, s, seg);
    this.afterSend(s, seg, remarks);

    // Arrival.
    if (arrow === '-x') {
      seg.fate = 'lost';
    } else if (this.par && arrow === '->') {
      this.par.pending.push(seg);
    } else if (arrow === '~>') {
      conn.queue(F).push(seg);
      this.busy.add(conn);
    } else {
      this.flushQueue(conn, F);
      this.arrive(seg, line);
    }
  }

  /** The timeline's record of a segment line (when recording). */
  private draft(st: SegmentLine, line: number, len: number, winValue: number, rare: RareFields | undefined): SegmentDraft {
    this.involved.add(st.sender).add(st.receiver);
    const draft: SegmentDraft = {
      from: st.sender, to: st.receiver, arrow: st.arrowKind, flags: flagList(st),
      seq: { text: st.seqWritten ? st.exprText('seq') : '?', written: st.seqWritten },
      len, win: winValue < 0 ? undefined : winValue,
      options: rare && (rare.mss || rare.wscale || rare.sackok)
        ? { mss: rare.mss?.number, wscale: rare.wscale?.number, sackok: rare.sackok ? true : undefined }
        : NO_OPTIONS,
      old: !!rare?.old, label: st.labelText, inModel: true, remarks: [], parBlock: this.par?.index,
    };
    this.current!.segment = draft;
    this.segmentDrafts[line] = draft;
    return draft;
  }

  /** Rule 4: reports a segment the sender's state does not allow; true when allowed. */
  private allowed(st: SegmentLine, s: Tcb, syn: boolean, fin: boolean, rst: boolean, hasAck: boolean, len: number): boolean {
    const state = s.state;
    if (rst) {
      if (state === 'CLOSED' || state === 'LISTEN') {
        if (!s.owedReset) return this.refuse(st, 'RST', 'segment-not-allowed', msg('rule.rstNothingToAnswer', { endpoint: s.endpoint, state }));
      }
      return true;
    }
    if (state === 'CLOSED' || state === 'LISTEN') {
      if (syn && !hasAck && !fin) return true;
      if (len > 0 && !syn) return this.refuse(st, 'len', 'data-before-established', msg('rule.dataBeforeEstablished', { endpoint: s.endpoint, state }));
      return this.refuse(st, 'flags', 'segment-not-allowed', msg(state === 'CLOSED' ? 'rule.fromClosed' : 'rule.fromListen', { endpoint: s.endpoint }));
    }
    if (state === 'SYN-SENT' || state === 'SYN-RECEIVED') {
      if (len > 0 && !syn) return this.refuse(st, 'len', 'data-before-established', msg('rule.dataBeforeEstablished', { endpoint: s.endpoint, state }));
      if (fin) return this.refuse(st, 'FIN', 'segment-not-allowed', msg('rule.finBeforeEstablished', { endpoint: s.endpoint, state }));
      if (state === 'SYN-SENT' && !syn) return this.refuse(st, 'flags', 'segment-not-allowed', msg('rule.synSentOnlySyn', { endpoint: s.endpoint }));
      if (state === 'SYN-SENT' && hasAck) return this.refuse(st, 'ACK', 'segment-not-allowed', msg('rule.synSentNoAck', { endpoint: s.endpoint }));
      if (state === 'SYN-RECEIVED' && !(syn && hasAck)) return this.refuse(st, 'flags', 'segment-not-allowed', msg('rule.synReceivedSynAck', { endpoint: s.endpoint }));
      return true;
    }
    // Synchronized states.
    if (syn) {
      if (state === 'TIME-WAIT') return true; // a new incarnation (warned when sent)
      return this.refuse(st, 'SYN', 'syn-in-synchronized-state', msg('rule.synOnOpen', { endpoint: s.endpoint, state }));
    }
    const finSent = state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2' || state === 'CLOSING' || state === 'TIME-WAIT' || state === 'LAST-ACK';
    if (finSent) {
      const seqV = st.seqWritten ? this.peek(st.seqVar, st.seqOffset) : undefined;
      const isRetransmission = seqV !== undefined && s.sent.slice(-RETRANSMISSION_LOOKBACK).some((r) => same(r.seq, seqV) || (r.dataSeq && same(r.dataSeq, seqV)));
      if (fin && !isRetransmission && !(s.finSeq && seqV === undefined)) {
        return this.refuse(st, 'FIN', 'data-after-fin', msg('rule.secondFin', { endpoint: s.endpoint, state }));
      }
      if (len > 0 && !isRetransmission) {
        return this.refuse(st, 'len', 'data-after-fin', msg('rule.dataAfterFin', { endpoint: s.endpoint, state }));
      }
      if (state === 'TIME-WAIT' && !s.ackOwed && !fin) {
        return this.refuse(st, 'flags', 'time-wait-ack', msg('rule.timeWaitNothingToAck', { endpoint: s.endpoint }));
      }
    }
    return true;
  }

  /** Reports a segment rule 4 leaves out, at one flag, the flags or the len field; returns false. */
  private refuse(st: SegmentLine, at: Flag | 'flags' | 'len', code: string, m: Message): false {
    const flagsRange = st.flagsRange ?? st.arrow.range;
    const range = at === 'len' ? st.len!.range : at === 'flags' ? flagsRange : st.flags.find((t) => t.value === at)?.range ?? flagsRange;
    this.report(range, 'error', code, m);
    return false;
  }

  /** Records how a seq or ack is shown on the diagram: as written, or the value, and what was expected. */
  private shown(draft: SegmentDraft | undefined, st: SegmentLine, which: 'seq' | 'ack', value: SeqVal, expected?: SeqVal): void {
    if (!draft) return;
    const written = which === 'seq' ? st.seqWritten : st.ackWritten;
    const text = written ? st.exprText(which) : show(value);
    draft[which] = expected ? { text, written, expected: show(expected) } : { text, written };
  }

  /** Rule 1: the segment's seq. Returns the value the model goes on with. */
  private checkSeq(st: SegmentLine, draft: SegmentDraft | undefined, remarks: SegmentRemark[], s: Tcb, syn: boolean, fin: boolean, rst: boolean, len: number): SeqVal {
    const space = s.space;
    const line = st.line;
    const written = st.seqWritten;

    // A SYN that opens (or reopens, or answers as the passive side first time): the ISS is free.
    const freeIss = syn && !rst && (s.state === 'CLOSED' || s.state === 'LISTEN' || s.state === 'TIME-WAIT' || (s.state === 'SYN-RECEIVED' && !s.iss));
    if (freeIss) {
      if (s.state === 'TIME-WAIT') {
        this.report(st.flags.find((t) => t.value === 'SYN')!.range, 'warning', 'reopen-from-time-wait', msg('rule.reopenFromTimeWait', { endpoint: s.endpoint, peer: s.peer }));
      }
      const other = written ? this.vars.get(st.seqVar ?? '') : undefined;
      if (other && other.space !== space) {
        const own = this.ownIssError(st, s, other);
        this.shown(draft, st, 'seq', own, own);
        return own;
      }
      let v: SeqVal | undefined;
      if (written) v = this.evalFree(st, 'seq', space, line, 'var.iss', s.endpoint);
      if (!v) v = { origin: new Origin(space, `ISS_${s.endpoint}`), offset: 0 };
      this.shown(draft, st, 'seq', v);
      return v;
    }

    // A RST answering a segment it could not accept (RFC 9293 3.5.2).
    if (rst && s.owedReset) {
      const expected = s.owedReset.seq;
      return this.expectValue(st, draft, expected, space, line, msg('reason.rstAnswer', { line: s.owedReset.line + 1 }));
    }

    // Retransmissions of the SYN (SYN-SENT) and of the SYN,ACK (SYN-RECEIVED).
    if (syn && s.iss) {
      const v = this.expectValue(st, draft, s.iss, space, line, msg('reason.synRetransmission'));
      if (s.state === 'SYN-SENT' || s.sent.some((r) => r.syn && r.ack)) {
        addRemark(remarks, 'retransmission');
        const original = s.sent.find((r) => r.syn);
        if (original) this.report(st.seq?.range ?? st.flagsRange ?? st.arrow.range, 'information', 'retransmission', msg('info.retransmission', { line: original.line + 1 }));
      }
      return v;
    }

    const expected = s.sndNxt;
    if (!expected) {
      // Positions not known yet (a connection that starts ESTABLISHED): the first segment sets them.
      let v: SeqVal | undefined;
      if (written) v = this.evalFree(st, 'seq', space, line, 'var.position', s.endpoint);
      if (!v) v = { origin: new Origin(space, `SND_${s.endpoint}`), offset: 0 };
      s.sndNxt = s.sndUna = v;
      s.sndNxtReason.set('reason.boundHere', line);
      this.shown(draft, st, 'seq', v);
      return v;
    }

    if (!written || this.writtenIs(st, 'seq', space, expected)) {
      this.shown(draft, st, 'seq', expected);
      return expected;
    }
    const value = this.evalAgainst(st, 'seq', space, line, expected, 'var.position', s.endpoint);
    if (value === 'space') {
      this.shown(draft, st, 'seq', expected, expected);
      return expected;
    }
    const d = compare(value, expected);
    if (d === 0 || (d === undefined && unify(value, expected))) {
      this.shown(draft, st, 'seq', expected);
      return expected;
    }

    // Keep-alive: SND.NXT - 1, with nothing outstanding and everything received acknowledged.
    if (d === -1 && !syn && !fin && !rst && len <= 1 && s.synchronized && s.sndUna && same(s.sndUna, s.sndNxt!) && !s.ackOwed) {
      this.shown(draft, st, 'seq', value);
      // While the peer's window is closed, the same probe asks whether it has opened (RFC 9293
      // 3.8.6.1, zero-window probing): Linux sends it so.
      if (s.sndWnd === 0) {
        addRemark(remarks, 'window-probe');
        this.report(st.seq!.range, 'information', 'window-probe', msg('info.windowProbe', { peer: s.peer }));
      } else {
        addRemark(remarks, 'keep-alive');
        this.report(st.seq!.range, 'information', 'keep-alive', msg('info.keepAlive'));
      }
      return value;
    }

    // Retransmission: the seq of an earlier segment with payload, SYN or FIN not yet acknowledged.
    if ((len > 0 || syn || fin) && !rst) {
      let original: Segment | undefined;
      // The latest earlier segment with that seq; looking back a bounded distance keeps a document
      // with a huge unacknowledged window linear.
      for (let i = s.sent.length - 1; i >= Math.max(0, s.sent.length - RETRANSMISSION_LOOKBACK); i--) {
        const r = s.sent[i];
        if (same(r.seq, value) || (r.dataSeq && same(r.dataSeq, value))) { original = r; break; }
      }
      if (original) {
        this.shown(draft, st, 'seq', value);
        const o = original;
        const receiver = this.connection(s.endpoint, s.peer).side(s.peer);
        // Spurious when the receiver still holds every octet this segment carries.
        const end = add(value, len + (syn ? 1 : 0) + (fin ? 1 : 0));
        const covered = receiver.rcvNxt !== undefined && (compare(receiver.rcvNxt, end) ?? -1) >= 0;
        const held = covered || holds(receiver, value);
        if (held && original.waits === this.waits && o.fate !== 'lost' && o.fate !== 'in-flight' && o.fate !== 'dropped') {
          addRemark(remarks, 'spurious-retransmission');
          this.report(st.seq!.range, 'warning', 'spurious-retransmission', msg('rule.spuriousRetransmission', { line: o.line + 1, expected: show(expected), endpoint: s.peer }),
            changeFix(st.seq!.expr!.range, show(expected)));
        } else {
          addRemark(remarks, 'retransmission');
          this.report(st.seq!.range, 'information', 'retransmission', msg('info.retransmission', { line: o.line + 1 }));
        }
        return value;
      }
    }

    // Data or FIN ahead of SND.NXT: a segment is missing before this line.
    if (d !== undefined && d > 0 && (len > 0 || fin) && !rst) {
      const last = add(value, -1);
      const text = st.exprText('seq');
      this.report(st.seq!.range, 'error', 'seq-gap', msg('seq.gap', { written: text, expected: show(expected), last: show(last), count: d }));
      this.shown(draft, st, 'seq', value, expected);
      // As if a segment carrying the missing octets had been sent and had arrived just before.
      const receiver = this.connection(s.endpoint, s.peer).side(s.peer);
      if (receiver.rcvNxt && same(receiver.rcvNxt, expected)) {
        receiver.rcvNxt = value;
        receiver.rcvNxtReason.set('reason.gapFilled', line);
      }
      s.sndNxt = value;
      s.sndNxtReason.set('reason.gapFilled', line);
      return value;
    }

    this.mismatch(st, draft, expected, this.sndReason(s, len, syn, fin));
    return expected;
  }

  /** Rule 2: the segment's ack. */
  private checkAck(st: SegmentLine, draft: SegmentDraft | undefined, s: Tcb, rst: boolean): SeqVal {
    const space = s.peerSpace;
    const line = st.line;
    const writtenAck = st.ackWritten;
    let expected: SeqVal | undefined;
    let reason: Message | undefined;
    let reasonLater: Reason | undefined;
    if (rst && s.owedReset) {
      expected = s.owedReset.ack;
      if (!expected) {
        // Answering a segment that had ACK: the RST needs no ack; check it only if known.
        expected = s.rcvNxt;
      }
      reason = msg('reason.rstAnswerAck', { line: s.owedReset.line + 1 });
    } else {
      expected = s.rcvNxt;
      // Written out only if the ack turns out wrong (most are right).
      if (s.rcvNxtReason.id) reasonLater = s.rcvNxtReason;
    }
    if (!expected) {
      let v: SeqVal | undefined;
      if (writtenAck) v = this.evalFree(st, 'ack', space, line, 'var.ackPosition', s.endpoint, s.peer);
      if (!v) v = { origin: new Origin(space, `SND_${s.peer}`), offset: 0 };
      if (!rst || !s.owedReset) {
        s.rcvNxt = v;
        s.rcvNxtReason.set('reason.boundHere', line);
      }
      this.shown(draft, st, 'ack', v);
      return v;
    }
    if (!writtenAck || this.writtenIs(st, 'ack', space, expected)) {
      this.shown(draft, st, 'ack', expected);
      return expected;
    }
    const value = this.evalAgainst(st, 'ack', space, line, expected, 'var.ackPosition', s.endpoint, s.peer);
    if (value === 'space') {
      this.shown(draft, st, 'ack', expected, expected);
      return expected;
    }
    const d = compare(value, expected);
    if (d === 0 || (d === undefined && unify(value, expected))) {
      this.shown(draft, st, 'ack', expected);
      return expected;
    }
    this.shown(draft, st, 'ack', expected, expected);
    const text = st.exprText('ack');
    const why = reason ?? (reasonLater ? reasonMessage(reasonLater) : msg('reason.rcvNxt', { endpoint: s.endpoint }));
    const m = d !== undefined && d > 0
      ? msg('ack.past', { expected: show(expected), reason: why, written: text })
      : d !== undefined && d < 0
        ? msg('ack.below', { expected: show(expected), reason: why, written: text })
        : msg('ack.mismatch', { expected: show(expected), reason: why });
    const field = st.ack!;
    this.report(field.range, 'error', 'ack-mismatch', m, changeFix(field.expr!.range, show(expected)));
    return expected;
  }

  /** Reports a wrong seq (rule 1, other cases). */
  private mismatch(st: SegmentLine, draft: SegmentDraft | undefined, expected: SeqVal, reason: Message): void {
    this.shown(draft, st, 'seq', expected, expected);
    const field = st.seq!;
    this.report(field.range, 'error', 'seq-mismatch', msg('seq.mismatch', { expected: show(expected), reason }), changeFix(field.expr!.range, show(expected)));
  }

  /** Why SND.NXT is what it is, for a seq message. */
  private sndReason(s: Tcb, len: number, syn: boolean, fin: boolean): Message {
    const base = s.sndNxtReason.id ? reasonMessage(s.sndNxtReason) : msg('reason.sndNxt', { endpoint: s.endpoint });
    if (s.pureSince > 0 && len === 0 && !syn && !fin) return msg('reason.andPureAck', { reason: base });
    return base;
  }

  /** A value the segment must carry, checked (seq of an answering RST, or of a SYN retransmission). */
  private expectValue(st: SegmentLine, draft: SegmentDraft | undefined, expected: SeqVal, space: string, line: number, reason: Message): SeqVal {
    if (!st.seqWritten) {
      this.shown(draft, st, 'seq', expected);
      return expected;
    }
    const value = this.evalAgainst(st, 'seq', space, line, expected, 'var.position', st.sender);
    if (value !== 'space') {
      const d = compare(value, expected);
      if (d === 0 || (d === undefined && unify(value, expected))) {
        this.shown(draft, st, 'seq', expected);
        return expected;
      }
      this.mismatch(st, draft, expected, reason);
    } else {
      this.shown(draft, st, 'seq', expected, expected);
    }
    return expected;
  }

  // -- expressions and variables ----------------------------------------------------------------

  /**
   * True when the written seq or ack is `expected` as it stands: a plain number, or a variable
   * already bound in `space`, plus its offset. Most are right, and this makes nothing to say so;
   * anything else (a new variable, another space, a wrong value) goes the long way.
   */
  private writtenIs(st: SegmentLine, which: 'seq' | 'ack', space: string, expected: SeqVal): boolean {
    const variable = which === 'seq' ? st.seqVar : st.ackVar;
    let base: SeqVal = ZERO;
    if (variable !== undefined) {
      const v = this.vars.get(variable);
      if (!v || v.space !== space) return false;
      base = v.value;
    }
    return compareFrom(base, which === 'seq' ? st.seqOffset : st.ackOffset, expected) === 0;
  }

  /** The value of `variable + offset` if it can be known without binding anything new. */
  private peek(variable: string | undefined, offset: number): SeqVal | undefined {
    if (variable === undefined) return { offset };
    const v = this.vars.get(variable);
    return v ? add(v.value, offset) : undefined;
  }

  /**
   * A written seq or ack at a free position (an ISS, an unknown position): binds a new variable to
   * a new origin. `meaning` (a message id, with the endpoint and peer) says what the variable names.
   */
  private evalFree(st: SegmentLine, which: 'seq' | 'ack', space: string, line: number, meaning: string, endpoint: string, peer?: string): SeqVal | undefined {
    const variable = which === 'seq' ? st.seqVar : st.ackVar;
    const offset = which === 'seq' ? st.seqOffset : st.ackOffset;
    if (variable === undefined) return { offset };
    const v = this.vars.get(variable);
    if (v) {
      if (v.space !== space) {
        this.spaceError(st, which, variable, v.space, space, undefined);
        return undefined;
      }
      return add(v.value, offset);
    }
    const origin = new Origin(space, variable);
    const bound = this.vars.bind(variable, space, line, { origin, offset }, offset, space);
    this.recordBinding(bound.name, space, line, st, which, meaning, endpoint, peer);
    return add(bound.value, offset);
  }

  /**
   * A written seq or ack where `expected` is required: a new variable is bound so that the
   * expression equals it. Returns the written value, or 'space' after reporting a variable of the
   * wrong space.
   */
  private evalAgainst(st: SegmentLine, which: 'seq' | 'ack', space: string, line: number, expected: SeqVal, meaning: string, endpoint: string, peer?: string): SeqVal | 'space' {
    const variable = which === 'seq' ? st.seqVar : st.ackVar;
    const offset = which === 'seq' ? st.seqOffset : st.ackOffset;
    if (variable === undefined) return { offset };
    const v = this.vars.get(variable);
    if (v) {
      if (v.space !== space) {
        this.spaceError(st, which, variable, v.space, space, expected);
        return 'space';
      }
      return add(v.value, offset);
    }
    const bound = this.vars.bind(variable, space, line, expected, offset, space);
    this.recordBinding(bound.name, space, line, st, which, meaning, endpoint, peer);
    return add(bound.value, offset);
  }

  private spaceError(st: SegmentLine, which: 'seq' | 'ack', variable: string, varSpace: string, space: string, expected: SeqVal | undefined): void {
    const range = st[which]!.expr!.range;
    const [owner] = varSpace.split('>');
    const [sender, receiver] = space.split('>');
    const binding = this.vars.get(variable);
    const fix = expected ? changeFix(range, show(expected)) : undefined;
    this.report(range, 'error', 'variable-space', msg(expected ? 'var.otherSpace' : 'var.otherSpaceFree', {
      name: variable, owner, line: (binding?.line ?? 0) + 1, sender, receiver, expected: expected ? show(expected) : '',
    }), fix);
  }

  /**
   * A SYN whose seq is written in the peer's numbers (`S->C SYN ACK seq=x+1`, the classic mix-up):
   * its sender chooses its own ISS. The fix names it with a variable the document does not use yet,
   * as textbooks name the second ISN (y), and the model goes on with that name, so that later
   * messages say `y+1` rather than a placeholder.
   */
  private ownIssError(st: SegmentLine, s: Tcb, other: Variable): SeqVal {
    const range = st.seq!.expr!.range;
    const used = new Set(st.documentNames);
    for (const v of this.vars.all()) used.add(v.name);
    const fresh = ISS_NAMES.find((n) => !used.has(n)) ?? freshIsnName(used);
    this.report(range, 'error', 'variable-space', msg('var.ownIss', {
      name: other.name, owner: other.space.split('>')[0], line: other.line + 1, sender: s.endpoint, fresh,
    }), changeFix(range, fresh));
    return { origin: new Origin(s.space, fresh), offset: 0 };
  }

  private recordBinding(name: string, space: string, line: number, st: SegmentLine, which: 'seq' | 'ack', meaning: string, endpoint: string, peer?: string): void {
    const [sender, receiver] = space.split('>');
    const v = this.vars.get(name)!;
    const range = plainRange(st[which]!.expr!.range);
    this.bindings.push({ name, space: { sender, receiver }, line, range, meaning: msg(meaning, peer === undefined ? { endpoint } : { endpoint, peer }), fixedValue: numeric(v.value) });
  }

  // -- after sending ---------------------------------------------------------------------------

  private windowCheck(st: SegmentLine, s: Tcb, seg: Segment): void {
    if (seg.len === 0 || s.sndWnd === undefined || !s.sndUna) return;
    // (seq + len) - (SND.UNA + SND.WND), without making either sum unless it is reported.
    const d = compareFrom(seg.seq, seg.len - s.sndWnd, s.sndUna);
    if (d !== undefined && d > 0) {
      const limit = add(s.sndUna, s.sndWnd);
      this.report(st.len!.range, 'warning', 'window-exceeded', msg('rule.windowExceeded', { endpoint: s.endpoint, wnd: s.sndWnd, limit: show(limit), over: d }));
    }
  }

  /** Updates the sender's TCB for a segment it sent. */
  private afterSend(s: Tcb, seg: Segment, remarks: SegmentRemark[]): void {
    const line = seg.line;
    if (seg.ack && seg.ackNo && s.rcvNxt && (compare(seg.ackNo, s.rcvNxt) ?? -1) >= 0) s.ackOwed = false;
    if (seg.rst) {
      const answering = s.owedReset;
      s.owedReset = undefined;
      if (answering && (s.state === 'CLOSED' || s.state === 'LISTEN' || s.state === 'SYN-SENT' || s.state === 'SYN-RECEIVED')) {
        addRemark(remarks, 'reset');
        return; // an answer: the sender's state does not change
      }
      addRemark(remarks, 'reset');
      this.setState(s, 'CLOSED', line, msg('reason.sentRst'));
      s.discard('CLOSED');
      return;
    }
    const occupies = seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
    if (seg.syn) {
      if (s.state === 'CLOSED' || s.state === 'LISTEN' || s.state === 'TIME-WAIT') {
        if (s.state === 'TIME-WAIT') {
          addRemark(remarks, 'reincarnation');
          s.discard('CLOSED');
        }
        s.iss = seg.seq;
        s.sndUna = seg.seq;
        this.setState(s, 'SYN-SENT', line, msg('reason.sentSyn'));
      } else if (s.state === 'SYN-RECEIVED' && !s.iss) {
        s.iss = seg.seq;
        s.sndUna = seg.seq;
      }
      if (seg.wscale !== undefined) s.ownWscale = seg.wscale;
    }
    const end = add(seg.seq, occupies);
    if (occupies > 0) {
      seg.seqEnd = end;
      seg.waits = this.waits;
      if (seg.syn && seg.len > 0) seg.dataSeq = add(seg.seq, 1);
      s.sent.push(seg);
      const ahead = !s.sndNxt || (compare(end, s.sndNxt) ?? 1) > 0;
      if (ahead) {
        s.sndNxt = end;
        s.pureSince = 0;
        if (seg.syn) s.sndNxtReason.set(seg.len > 0 ? 'reason.synData' : 'reason.syn', line, undefined, seg.len);
        else if (seg.fin && seg.len === 0) s.sndNxtReason.set('reason.fin', line);
        else s.sndNxtReason.set(seg.fin ? 'reason.dataFin' : 'reason.data', line, seg.seq, seg.len, end);
      }
    } else if (!seg.rst) {
      s.pureSince++;
    }
    if (seg.fin) {
      const again = s.finSeq && same(s.finSeq, seg.seq);
      if (!again) {
        s.finSeq = seg.seq;
        if (s.state === 'ESTABLISHED') this.setState(s, 'FIN-WAIT-1', line, msg('reason.sentFin'));
        else if (s.state === 'CLOSE-WAIT') this.setState(s, 'LAST-ACK', line, msg('reason.sentFin'));
      }
    }
  }

  // -- arrivals --------------------------------------------------------------------------------

  private endPar(): void {
    const par = this.par!;
    this.par = undefined;
    for (const seg of par.pending) {
      const conn = this.connection(seg.from, seg.to);
      this.flushQueue(conn, seg.from);
      this.arrive(seg, this.line);
    }
  }

  /** Delivers every in-flight segment of one direction (sent by `sender`). */
  private flushQueue(conn: Connection, sender: string): void {
    const q = conn.inFlightFrom(sender);
    if (q.length === 0) return;
    // Arriving never touches the queues: the segments arrive, then leave the queue.
    for (let i = 0; i < q.length; i++) this.arrive(q[i], this.line);
    q.length = 0;
    this.settle(conn);
  }

  /** Forgets a connection as busy once nothing of it is in flight. */
  private settle(conn: Connection): void {
    if (conn.settled) this.busy.delete(conn);
  }

  /** Delivers the in-flight segments from `sender` up to the last one the ack covers. */
  private flushCovered(conn: Connection, sender: string, ack: SeqVal): void {
    const q = conn.inFlightFrom(sender);
    if (q.length === 0) return;
    let last = -1;
    for (let i = 0; i < q.length; i++) {
      const s = q[i];
      const occupies = s.len + (s.syn ? 1 : 0) + (s.fin ? 1 : 0);
      // A SYN with data is covered once the SYN is (the receiver acknowledges only the SYN).
      const d = compareTo(ack, s.seq, s.syn ? 1 : occupies);
      if (d !== undefined && d >= 0) last = i;
    }
    if (last < 0) return;
    for (let i = 0; i <= last; i++) this.arrive(q[i], this.line);
    dropFront(q, last + 1);
    this.settle(conn);
  }

  /** Delivers everything in flight towards one endpoint (a state line about it). */
  private flushTo(id: string): void {
    for (const c of [...this.busy]) {
      if (c.a.endpoint === id) this.flushQueue(c, c.b.endpoint);
      else if (c.b.endpoint === id) this.flushQueue(c, c.a.endpoint);
    }
  }

  private flushAll(): void {
    for (const c of [...this.busy]) {
      this.flushQueue(c, c.a.endpoint);
      this.flushQueue(c, c.b.endpoint);
    }
  }

  /** RFC 9293 3.10.7: the receiver processes a segment. */
  private arrive(seg: Segment, atLine: number): void {
    const conn = this.connection(seg.from, seg.to);
    const r = conn.side(seg.to);
    seg.arrivedAt = atLine;
    const draft = this.segmentDrafts[seg.line];
    if (draft && atLine !== seg.line) draft.arrivedAtLine = atLine;
    if (atLine !== seg.line) {
      if (this.current) push(this.current, 'arrivals', seg.line);
      if (this.current) this.involved.add(seg.to);
    }
    seg.fate = 'accepted';
    const line = seg.line;
    const state = r.state;

    if (state === 'CLOSED') {
      if (seg.rst) { seg.fate = 'dropped'; return; }
      const e = this.endpoints.get(r.endpoint)!;
      if (seg.syn && !seg.ack && !e.explicitClosed) {
        // Nothing said otherwise: the endpoint is taken to be listening (passive open).
        r.state = 'LISTEN';
        this.synToListen(r, seg, line);
        return;
      }
      seg.fate = 'dropped';
      addRemark(seg.remarks, seg.syn && !seg.ack ? 'refused' : 'dropped');
      this.oweReset(r, seg);
      return;
    }
    if (state === 'LISTEN') {
      if (seg.rst) { seg.fate = 'dropped'; return; }
      if (seg.ack) { seg.fate = 'dropped'; addRemark(seg.remarks, 'dropped'); this.oweReset(r, seg); return; }
      if (seg.syn) { this.synToListen(r, seg, line); return; }
      seg.fate = 'dropped';
      addRemark(seg.remarks, 'dropped');
      return;
    }
    if (state === 'SYN-SENT') {
      const ackOk = seg.ack && seg.ackNo && this.acksSyn(r, seg.ackNo);
      if (seg.ack && !ackOk) {
        seg.fate = 'dropped';
        if (!seg.rst) { addRemark(seg.remarks, 'dropped'); this.oweReset(r, seg); }
        return;
      }
      if (seg.rst) {
        if (ackOk) {
          addRemark(seg.remarks, 'refused');
          this.setState(r, 'CLOSED', line, msg('reason.receivedRstRefused'));
          r.discard('CLOSED');
        } else seg.fate = 'dropped';
        return;
      }
      if (seg.syn) {
        r.irs = seg.seq;
        r.rcvNxt = add(seg.seq, 1);
        r.rcvNxtReason.set('reason.syn', line);
        r.ackOwed = true;
        if (seg.wscale !== undefined) r.peerWscale = seg.wscale;
        if (seg.win !== undefined) r.sndWnd = seg.win; // never scaled on a SYN
        if (ackOk) {
          r.sndUna = seg.ackNo;
          this.ackSent(r, seg.ackNo!);
          this.setState(r, 'ESTABLISHED', line, msg('reason.receivedSynAck'));
        } else {
          this.setState(r, 'SYN-RECEIVED', line, msg('reason.receivedSynSimultaneous'));
        }
        return;
      }
      seg.fate = 'dropped';
      return;
    }

    // SYN-RECEIVED and the synchronized states.
    if (!r.rcvNxt) {
      // An endpoint set ESTABLISHED takes its positions from the first segment it receives.
      if (seg.syn) {
        addRemark(seg.remarks, 'challenge-ack');
        r.ackOwed = true;
        seg.fate = 'dropped';
        return;
      }
      r.rcvNxt = seg.seq;
      r.rcvNxtReason.set('reason.boundHere', line);
    }
    if (!r.sndNxt && seg.ack && seg.ackNo) {
      r.sndNxt = r.sndUna = seg.ackNo;
      r.sndNxtReason.set('reason.boundHere', line);
    }
    const occupies = seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
    const d = compare(seg.seq, r.rcvNxt);
    const endD = compareTo(seg.seq, r.rcvNxt!, -occupies);

    // RST: accepted when its seq is exactly RCV.NXT (RFC 5961).
    if (seg.rst) {
      if (d === 0 || (d === undefined && unify(seg.seq, r.rcvNxt!))) {
        const toListen = state === 'SYN-RECEIVED' && r.passive;
        this.setState(r, toListen ? 'LISTEN' : 'CLOSED', line, msg('reason.receivedRst'));
        r.discard(toListen ? 'LISTEN' : 'CLOSED');
      } else {
        seg.fate = 'dropped';
        addRemark(seg.remarks, 'challenge-ack');
        r.ackOwed = true;
      }
      return;
    }

    // SYN on a synchronized connection.
    if (seg.syn) {
      const dup = r.irs && same(seg.seq, r.irs);
      if (state === 'TIME-WAIT' && !seg.ack && !dup && (d === undefined || d > 0)) {
        // RFC 1122 4.2.2.13: a new SYN past RCV.NXT reopens the connection from TIME-WAIT.
        addRemark(seg.remarks, 'reincarnation');
        r.discard('LISTEN');
        this.synToListen(r, seg, line);
        return;
      }
      if (!dup) {
        addRemark(seg.remarks, 'challenge-ack');
        r.ackOwed = true;
        seg.fate = 'dropped';
        return;
      }
      // A duplicate of the SYN already received (a SYN,ACK in a simultaneous open, or one
      // retransmitted because our ACK was lost): its ACK is still processed, as Linux does.
      r.ackOwed = true;
    }

    // Out of order or duplicate?
    if (d !== undefined && d > 0) {
      addRemark(seg.remarks, 'out-of-order');
      if (seg.len > 0 || seg.fin) {
        seg.fate = 'held';
        hold(r, seg);
        this.report(this.segmentRange(seg), 'information', 'out-of-order', msg('info.outOfOrder', { endpoint: r.endpoint, expected: show(r.rcvNxt!) }));
      }
      r.ackOwed = true;
    } else if (d !== undefined && d < 0 && endD !== undefined && endD <= 0 && occupies > 0) {
      // Already received: not an error; it is acknowledged again.
      r.ackOwed = true;
      if (state === 'TIME-WAIT' && seg.fin) {
        r.timeWaitMs = 0; // a retransmitted FIN restarts the 2 MSL timer
      }
    } else if (d !== undefined && d < 0 && occupies === 0 && seg.len === 0) {
      // A keep-alive probe or an old ACK: answered with an ACK.
      if (isProbe(seg)) r.ackOwed = true;
    }

    // ACK.
    if (seg.ack && seg.ackNo) {
      if (state === 'SYN-RECEIVED') {
        if (this.acksSyn(r, seg.ackNo)) {
          r.sndUna = seg.ackNo;
          this.ackSent(r, seg.ackNo);
          this.setState(r, 'ESTABLISHED', line, msg('reason.receivedAckOfSyn'));
        } else if (!seg.syn) {
          seg.fate = 'dropped';
          addRemark(seg.remarks, 'dropped');
          this.oweReset(r, seg);
          return;
        }
      } else if (r.sndUna && r.sndNxt) {
        const dUna = compare(seg.ackNo, r.sndUna);
        const dNxt = compare(seg.ackNo, r.sndNxt);
        if (dUna !== undefined && dUna > 0 && dNxt !== undefined && dNxt <= 0) {
          r.sndUna = seg.ackNo;
          this.ackSent(r, seg.ackNo);
        } else if (dUna === 0 && occupies === 0 && seg.len === 0 && !same(r.sndUna, r.sndNxt) && !isProbe(seg)) {
          addRemark(seg.remarks, 'duplicate-ack');
          this.report(this.segmentRange(seg), 'information', 'duplicate-ack', msg('info.duplicateAck', { ack: show(seg.ackNo) }));
        }
      }
      if (seg.win !== undefined) {
        const scaled = r.ownWscale !== undefined && r.peerWscale !== undefined ? seg.win * windowFactor(r.peerWscale) : seg.win;
        r.sndWnd = scaled;
      }
      // Our FIN acknowledged?
      if (r.finSeq && r.sndNxt && same(r.sndUna!, r.sndNxt) && (compare(r.sndNxt, r.finSeq) ?? 0) > 0) {
        if (r.state === 'FIN-WAIT-1') this.setState(r, 'FIN-WAIT-2', line, msg('reason.receivedAckOfFin'));
        else if (r.state === 'CLOSING') this.setState(r, 'TIME-WAIT', line, msg('reason.receivedAckOfFin'));
        else if (r.state === 'LAST-ACK') {
          this.setState(r, 'CLOSED', line, msg('reason.receivedAckOfFin'));
          r.discard('CLOSED');
          return;
        }
      }
    }

    // Payload and FIN, in order.
    if (d === 0 || d === undefined || (d < 0 && endD !== undefined && endD > 0)) {
      this.acceptInOrder(r, seg, line);
      // Held segments that now fit, in sequence order (hold() keeps them in that order).
      if (r.held.length > 0) {
        let k = 0;
        while (k < r.held.length) {
          const h = r.held[k];
          const hd = compare(h.seq, r.rcvNxt!);
          if (hd === undefined || hd > 0) break;
          h.fate = 'accepted';
          this.acceptInOrder(r, h, h.line);
          k++;
        }
        if (k > 0) r.held.splice(0, k);
      }
    }
  }

  /** Takes in-order payload and FIN: RCV.NXT moves, and a FIN moves the state. */
  private acceptInOrder(r: Tcb, seg: Segment, line: number): void {
    const start = r.rcvNxt!;
    const skip = Math.max(0, -(compare(seg.seq, start) ?? 0));
    const newData = Math.max(0, seg.len - skip);
    if (newData > 0) {
      const to = add(start, newData);
      r.rcvNxtReason.set('reason.data', line, start, newData, to);
      r.rcvNxt = to;
      r.ackOwed = true;
    }
    if (seg.fin) {
      const finAt = add(seg.seq, seg.len);
      const fd = compare(finAt, r.rcvNxt!);
      if (fd === 0 || fd === undefined) {
        r.rcvNxt = add(finAt, 1);
        if (seg.len > 0) r.rcvNxtReason.set('reason.dataFin', line, seg.seq, seg.len, r.rcvNxt);
        else r.rcvNxtReason.set('reason.fin', line);
        r.ackOwed = true;
        const finAcked = r.finSeq && r.sndNxt && same(r.sndUna!, r.sndNxt);
        switch (r.state) {
          case 'SYN-RECEIVED':
          case 'ESTABLISHED': this.setState(r, 'CLOSE-WAIT', line, msg('reason.receivedFin')); break;
          case 'FIN-WAIT-1': this.setState(r, finAcked ? 'TIME-WAIT' : 'CLOSING', line, msg(finAcked ? 'reason.receivedFinAckingFin' : 'reason.receivedFin')); break;
          case 'FIN-WAIT-2': this.setState(r, 'TIME-WAIT', line, msg('reason.receivedFin')); break;
          case 'TIME-WAIT': r.timeWaitMs = 0; break;
          default: break;
        }
      }
    }
  }

  /** A SYN reaching a listening endpoint: SYN-RECEIVED (a SYN's data is not acknowledged). */
  private synToListen(r: Tcb, seg: Segment, line: number): void {
    r.passive = true;
    r.irs = seg.seq;
    r.rcvNxt = add(seg.seq, 1);
    r.rcvNxtReason.set('reason.syn', line);
    r.ackOwed = true;
    if (seg.wscale !== undefined) r.peerWscale = seg.wscale;
    if (seg.win !== undefined) r.sndWnd = seg.win;
    this.setState(r, 'SYN-RECEIVED', line, msg('reason.receivedSyn'));
  }

  /** Does an ack acknowledge this side's SYN (SND.UNA < ack <= SND.NXT)? */
  private acksSyn(r: Tcb, ack: SeqVal): boolean {
    if (!r.iss || !r.sndNxt) return false;
    const d1 = compare(ack, r.iss);
    const d2 = compare(ack, r.sndNxt);
    if (d1 === undefined || d2 === undefined) {
      // An unknown written value: it acknowledges the SYN when it can stand for ISS+1.
      return unify(ack, add(r.iss, 1));
    }
    return d1 > 0 && d2 <= 0;
  }

  /** Forgets acknowledged segments. */
  private ackSent(r: Tcb, ack: SeqVal): void {
    let k = 0;
    while (k < r.sent.length) {
      const d = compare(ack, r.sent[k].seqEnd!);
      if (d !== undefined && d >= 0) k++;
      else break;
    }
    if (k > 0) dropFront(r.sent, k);
  }

  /** RFC 9293 3.5.2: what the RST answering this segment must carry. */
  private oweReset(r: Tcb, seg: Segment): void {
    if (seg.rst) return;
    if (seg.ack && seg.ackNo) r.owedReset = { line: seg.line, seq: seg.ackNo };
    else r.owedReset = { line: seg.line, seq: { offset: 0 }, ack: add(seg.seq, seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0)) };
  }

  private segmentRange(seg: Segment): Range {
    return { start: { line: seg.line, character: seg.start }, end: { line: seg.line, character: seg.end } };
  }

  // -- old duplicates --------------------------------------------------------------------------

  private oldDuplicate(st: SegmentLine, draft: SegmentDraft | undefined, remarks: SegmentRemark[], conn: Connection, flags: { syn: boolean; ack: boolean; fin: boolean; rst: boolean }): void {
    const line = st.line;
    const F = st.sender;
    const T = st.receiver;
    const space = `${F}>${T}`;
    let seq: SeqVal | undefined;
    if (st.seqWritten) seq = this.evalFree(st, 'seq', space, line, 'var.old', F);
    if (!seq) seq = { origin: new Origin(space, `OLD_${F}`), offset: 0 };
    let ackNo: SeqVal | undefined;
    const hasAck = flags.ack;
    if (hasAck) {
      if (st.ackWritten) ackNo = this.evalFree(st, 'ack', `${T}>${F}`, line, 'var.old', F);
      if (!ackNo) ackNo = { origin: new Origin(`${T}>${F}`, `OLD_${T}`), offset: 0 };
    } else if (st.ackWritten) {
      this.report(st.ack!.range, 'error', 'ack-without-ack-flag', msg('segment.ackWithoutFlagUnsync'), removeFix(st.ack!.range));
    }
    this.shown(draft, st, 'seq', seq);
    if (ackNo) this.shown(draft, st, 'ack', ackNo);
    addRemark(remarks, 'old-duplicate');
    this.report(st.old!.range, 'information', 'old-duplicate', msg('info.oldDuplicate'));
    const eF = this.endpoints.get(F)!;
    const eT = this.endpoints.get(T)!;
    eT.active = true;
    eT.lastPeer = F;
    if (!eF.active) eF.lastPeer = eF.lastPeer ?? T;
    conn.started = conn.started || false;
    const seg: Segment = {
      line, start: st.start, end: st.end, from: F, to: T, syn: flags.syn, ack: hasAck, fin: flags.fin, rst: flags.rst,
      seq, ackNo, len: st.lenValue < 0 ? 0 : st.lenValue, win: st.winValue < 0 ? undefined : st.winValue,
      wscale: st.wscale?.number, old: true, remarks, fate: 'in-flight',
      seqEnd: undefined, dataSeq: undefined, waits: undefined,
    };
    // An old duplicate arrives at its line, outside the order of its direction.
    this.arrive(seg, line);
  }
}

/** 2^shift, the window scale factor (RFC 7323); a shift is read up to 2^32 - 1, so not always by `<<`. */
function windowFactor(shift: number): number {
  // A power of two by a shift where it fits: the general power is a slow call on every ACK.
  return shift < 31 ? 1 << shift : 2 ** shift;
}

/**
 * A TCB as it was after a line. The numbers are kept as values and written out (`x+1`) when read:
 * most snapshots of a long document are never looked at.
 */
class Snapshot implements TcbSnapshot {
  readonly endpoint: string;
  readonly peer: string;
  readonly state: TcpState;
  readonly sndWnd?: number;
  private readonly vIss?: SeqVal;
  private readonly vIrs?: SeqVal;
  private readonly vUna?: SeqVal;
  private readonly vNxt?: SeqVal;
  private readonly vRcv?: SeqVal;

  constructor(t: Tcb) {
    this.endpoint = t.endpoint;
    this.peer = t.peer;
    this.state = t.state;
    this.sndWnd = t.sndWnd;
    this.vIss = t.iss;
    this.vIrs = t.irs;
    this.vUna = t.sndUna;
    this.vNxt = t.sndNxt;
    this.vRcv = t.rcvNxt;
  }

  get iss(): string | undefined { return this.vIss && show(this.vIss); }
  get irs(): string | undefined { return this.vIrs && show(this.vIrs); }
  get sndUna(): string | undefined { return this.vUna && show(this.vUna); }
  get sndNxt(): string | undefined { return this.vNxt && show(this.vNxt); }
  get rcvNxt(): string | undefined { return this.vRcv && show(this.vRcv); }

  toJSON(): TcbSnapshot {
    return {
      endpoint: this.endpoint, peer: this.peer, state: this.state, iss: this.iss, irs: this.irs,
      sndUna: this.sndUna, sndNxt: this.sndNxt, rcvNxt: this.rcvNxt, sndWnd: this.sndWnd,
    };
  }
}

/** A segment without options (most of them) shares this one. */
const NO_OPTIONS: SegmentEvent['options'] = Object.freeze({});

/** The flags of a segment line, one shared list per written order (documents repeat the same few). */
const flagLists = new Map<number, readonly Flag[]>();
function flagList(st: SegmentLine): Flag[] {
  let list = flagLists.get(st.flagOrder);
  if (!list) {
    list = Object.freeze(st.flagNames());
    if (flagLists.size < 1024) flagLists.set(st.flagOrder, list);
  }
  return list as Flag[];
}

/** Appends to one of an event's lists, replacing the shared empty list on first use. */
function push<K extends 'transitions' | 'arrivals' | 'problems'>(ev: EventDraft, key: K, item: EventDraft[K][number]): void {
  if (ev[key] === NONE) (ev[key] as unknown[]) = [item];
  else (ev[key] as unknown[]).push(item);
}

/**
 * Puts an out-of-order segment in its receiver's queue, which stays in sequence order: a segment
 * that fits is then always first, and a long run of held segments costs no sort per arrival.
 */
function hold(r: Tcb, seg: Segment): void {
  const held = r.held;
  // Nearly always past the last one held: appended.
  if (held.length === 0 || (compare(seg.seq, held[held.length - 1].seq) ?? 1) >= 0) {
    held.push(seg);
    return;
  }
  // After the held segments at or before its seq (an unknown order keeps arrival order).
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((compare(held[mid].seq, seg.seq) ?? 0) <= 0) lo = mid + 1; else hi = mid;
  }
  held.splice(lo, 0, seg);
}

/** True when the receiver holds a segment at `seq` (its queue is in sequence order: see hold). */
function holds(r: Tcb, seq: SeqVal): boolean {
  const held = r.held;
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((compare(held[mid].seq, seq) ?? 0) < 0) lo = mid + 1; else hi = mid;
  }
  for (let k = lo; k < held.length; k++) {
    const d = compare(held[k].seq, seq);
    if (d === 0) return true;
    if (d !== undefined) return false;
  }
  return false;
}

/** A keep-alive or window probe: one below SND.NXT, which its receiver answers with an ACK. */
function isProbe(seg: Segment): boolean {
  return seg.remarks.includes('keep-alive') || seg.remarks.includes('window-probe');
}

/** Adds a remark once. */
function addRemark(list: SegmentRemark[], x: SegmentRemark): void {
  if (!list.includes(x)) list.push(x);
}

/** The sentence for a reason, with its numbers written as the document would now. */
function reasonMessage(r: Reason): Message {
  return msg(r.id, { line: r.line + 1, len: r.len, from: r.from ? show(r.from) : '', to: r.to ? show(r.to) : '' });
}

// -- fixes ---------------------------------------------------------------------------------------

function changeFix(range: Range, value: string): Fix {
  return { range, newText: value, title: `Change to ${value}`, titleMessage: msg('fix.changeTo', { value }) };
}

function addAckFix(st: SegmentLine): Fix {
  const at = st.flagsRange?.end ?? st.to.range.end;
  return {
    range: { start: at, end: at },
    newText: ' ACK',
    title: 'Add the ACK flag',
    titleMessage: msg('fix.addAck'),
  };
}

function removeFix(range: Range): Fix {
  return { range, newText: '', title: 'Remove', titleMessage: msg('fix.remove') };
}

function afterReceiver(st: SegmentLine): Range {
  return { start: st.from.range.start, end: st.to.range.end };
}
