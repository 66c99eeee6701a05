// Hand-built timelines for the renderer's tests: small builders so that each test shows the
// exchange it draws, independent of the core's model.
import type {
  Arrow, Diagnostic, Flag, Participant, SegmentEvent, ShownValue, TcpState, Timeline, TimelineEvent,
  TimelineEventKind, Transition,
} from '../../src/core/types';

const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

export function value(text: string, written = true, expected?: string): ShownValue {
  return expected === undefined ? { text, written } : { text, written, expected };
}

export function problem(line: number, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return {
    range: { start: { line, character: 0 }, end: { line, character: 3 } },
    severity, code: 'test', message, messageData: { id: 'test' },
  };
}

export function transition(endpoint: string, from: TcpState, to: TcpState, causeLine: number): Transition {
  return { endpoint, from, to, causeLine, reason: { id: 'test' } };
}

export function event(kind: TimelineEventKind, line: number, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    kind, line, range: { start: { line, character: 0 }, end: { line, character: 10 } }, before: [], after: [],
    transitions: [], arrivals: [], inFlight: [], problems: [], ...extra,
  };
}

export interface SegmentSpec {
  arrow?: Arrow;
  seq?: ShownValue | string;
  ack?: ShownValue | string;
  len?: number;
  label?: string;
  parBlock?: number;
  arrivedAtLine?: number;
  remarks?: SegmentEvent['remarks'];
  old?: boolean;
  transitions?: Transition[];
  arrivals?: number[];
  problems?: Diagnostic[];
}

export function segment(line: number, from: string, to: string, flags: Flag[], spec: SegmentSpec = {}): TimelineEvent {
  const v = (x: ShownValue | string | undefined) => (typeof x === 'string' ? value(x) : x);
  const s: SegmentEvent = {
    from, to, arrow: spec.arrow ?? '->', flags,
    seq: v(spec.seq) ?? value('0', false),
    ack: v(spec.ack),
    len: spec.len ?? 0,
    options: {},
    old: spec.old ?? false,
    label: spec.label,
    inModel: true,
    remarks: spec.remarks ?? [],
    arrivedAtLine: spec.arrivedAtLine,
    parBlock: spec.parBlock,
  };
  return event('segment', line, {
    segment: s, transitions: spec.transitions ?? [], arrivals: spec.arrivals ?? [], problems: spec.problems ?? [],
  });
}

export function timeline(events: TimelineEvent[], participants: Participant[] = [], title?: string): Timeline {
  return { title, participants, events, variables: [], mslMs: 120_000 };
}

/** The textbook handshake with states, a computed value and one wrong ack. */
export function handshake(): Timeline {
  return timeline([
    segment(1, 'C', 'S', ['SYN'], { seq: 'x', transitions: [transition('C', 'CLOSED', 'SYN-SENT', 1), transition('S', 'LISTEN', 'SYN-RECEIVED', 1)] }),
    segment(2, 'S', 'C', ['SYN', 'ACK'], { seq: 'y', ack: value('x+1', false), transitions: [transition('C', 'SYN-SENT', 'ESTABLISHED', 2)] }),
    segment(3, 'C', 'S', ['ACK'], {
      seq: 'x+1', ack: value('y', true, 'y+1'),
      problems: [problem(3, "ack should be y+1: the server's SYN takes one sequence number")],
      transitions: [transition('S', 'SYN-RECEIVED', 'ESTABLISHED', 3)],
    }),
  ], [{ id: 'C', label: 'Client', line: 1 }, { id: 'S', label: 'Server', line: 1 }], 'Three-way handshake');
}

/** Every construct at once: lost, in flight, par, wait, notes. */
export function everything(): Timeline {
  return timeline([
    event('note', 0, { note: { placement: 'over', endpoints: ['A', 'B'], text: 'start' } }),
    segment(1, 'A', 'B', ['ACK'], { seq: 'u', ack: 'v', len: 100 }),
    segment(2, 'A', 'B', ['ACK'], { arrow: '-x', seq: 'u+100', ack: 'v', len: 100, label: 'lost' }),
    segment(3, 'A', 'B', ['ACK'], { arrow: '~>', seq: 'u+200', ack: 'v', len: 100, arrivedAtLine: 4 }),
    segment(4, 'B', 'A', ['ACK'], { seq: 'v', ack: 'u+100', arrivals: [3], remarks: ['duplicate-ack'] }),
    event('par', 5),
    segment(6, 'A', 'B', ['FIN', 'ACK'], { seq: 'u+300', ack: 'v', parBlock: 0, transitions: [transition('A', 'ESTABLISHED', 'FIN-WAIT-1', 6)] }),
    segment(7, 'B', 'A', ['FIN', 'ACK'], { seq: 'v', ack: 'u+100', parBlock: 0, transitions: [transition('B', 'ESTABLISHED', 'FIN-WAIT-1', 7)] }),
    event('end', 8, { transitions: [transition('A', 'FIN-WAIT-1', 'CLOSING', 7), transition('B', 'FIN-WAIT-1', 'CLOSING', 6)] }),
    event('wait', 9, { waitMs: 240_000 }),
    event('note', 10, { note: { placement: 'left of', endpoints: ['A'], text: 'done' } }),
  ]);
}

/** A handshake, then `pairs` data segments each acknowledged: 3 + 2 * pairs segments, no problem. */
export function longExchange(pairs: number): string {
  const lines = ['C->S SYN seq=0', 'S->C SYN ACK seq=0 ack=1', 'C->S ACK seq=1 ack=1'];
  for (let k = 0; k < pairs; k++) lines.push(`C->S ACK seq=${1 + 10 * k} ack=1 len=10`, `S->C ACK seq=1 ack=${11 + 10 * k}`);
  return lines.join('\n') + '\n';
}
