// Explanations for the editor: what a segment does to both endpoints and why the numbers are what
// they are, what a state means and how an endpoint got there, what a variable stands for. Every
// sentence is a message with an id (EXPLAIN_MESSAGES), so that it can be translated; the functions
// return Markdown.
import { renderMessage } from './messages';
import type { MessageTable } from './messages';
import type {
  Analysis, Message, Position, Range, SegmentEvent, SegmentRemark, SegmentStatement, StateStatement,
  TcbSnapshot, TcpState, TimelineEvent, Transition, VariableBinding,
} from './types';
import { segmentName } from './outline';
import type { PhaseKind } from './outline';

/** English templates by id; `{name}` placeholders are filled by renderMessage. */
export const EXPLAIN_MESSAGES: MessageTable = {
  // What each RFC 9293 state means, one sentence each.
  'state.CLOSED': 'No connection: the endpoint keeps no TCB for it.',
  'state.LISTEN': 'Waiting for a connection request (a SYN) from any peer.',
  'state.SYN-SENT': 'It has sent its SYN and waits for the peer\'s SYN and the ACK of its own.',
  'state.SYN-RECEIVED': 'It has received a SYN and answered with its own; it waits for the ACK of its SYN.',
  'state.ESTABLISHED': 'The connection is open: data flows both ways.',
  'state.FIN-WAIT-1': 'It has sent its FIN; it waits for the ACK of that FIN or for the peer\'s FIN.',
  'state.FIN-WAIT-2': 'Its FIN is acknowledged; it waits for the peer\'s FIN (the peer may still send data).',
  'state.CLOSE-WAIT': 'The peer has sent its FIN; it waits for its own application to close, and may still send data.',
  'state.CLOSING': 'Both sides sent a FIN at the same time; it waits for the ACK of its own FIN.',
  'state.LAST-ACK': 'It has received the peer\'s FIN and sent its own; it waits for the ACK of its FIN.',
  'state.TIME-WAIT': 'Both FINs are acknowledged; it waits 2 MSL so that its last ACK can be retransmitted and old duplicates die out.',

  // Hover on a segment.
  'segment.heading': '`{segment}`',
  'segment.endpoint': '**{endpoint}**: {state}',
  'segment.sndNxt': 'SND.NXT {value}',
  'segment.rcvNxt': 'RCV.NXT {value}',
  'segment.change': '{from} → {to}',
  'segment.unknown': '?',
  'why.syn': 'The SYN takes one sequence number: {sender}\'s SND.NXT goes from {from} to {to}.',
  'why.synData': 'The SYN takes one sequence number and its {len} octets of payload (Fast Open) {len} more: {sender}\'s SND.NXT goes from {from} to {to}.',
  'why.fin': 'The FIN takes one sequence number: {sender}\'s SND.NXT goes from {from} to {to}.',
  'why.dataFin': '{len} octets of payload and the FIN, which takes one sequence number, advance SND.NXT by {total}: from {from} to {to}.',
  'why.data': '{len} octets of payload advance SND.NXT by {len}: from {from} to {to}.',
  'why.pureAck': 'A pure ACK takes no sequence number: {sender}\'s SND.NXT stays {from}.',
  'why.rst': 'A RST takes no sequence number and is never acknowledged.',
  'why.ack': 'ack={ack} is {sender}\'s RCV.NXT: the next octet it expects from {receiver}; everything before it is acknowledged.',
  'why.lost': 'The segment is lost: {receiver} never sees it.',
  'why.arrivesLater': 'It stays in flight and arrives at line {line}.',
  'why.notInModel': 'It is not allowed in {sender}\'s state, so the model leaves it out.',
  'why.expected': '{field} should be {expected}.',
  'remark.retransmission': 'A retransmission of a segment not yet acknowledged: it takes no new sequence numbers.',
  'remark.spurious-retransmission': 'A spurious retransmission: the original arrived and {receiver} still holds it.',
  'remark.keep-alive': 'A keep-alive probe: seq is SND.NXT - 1, so {receiver} answers with an ACK.',
  'remark.out-of-order': 'It arrives out of order: {receiver} holds it, and its RCV.NXT stays at the gap.',
  'remark.duplicate-ack': 'A duplicate ACK: it acknowledges nothing new.',
  'remark.old-duplicate': 'An old duplicate from an earlier incarnation of the connection: {sender} does not remember it.',
  'remark.window-probe': 'A window probe: it tests whether {receiver}\'s window has opened.',
  'remark.challenge-ack': 'A challenge ACK (RFC 5961): a synchronized endpoint answers an unexpected SYN with its current ACK.',
  'remark.reset': 'The RST resets the connection.',
  'remark.refused': 'Connection refused: nothing listens, so the answer is a RST.',
  'remark.dropped': '{receiver} drops it.',
  'remark.not-allowed': 'The sender\'s state does not allow it.',
  'remark.reincarnation': 'It opens a new incarnation of the connection.',

  // Hover on a state name.
  'stateHover.heading': '**{state}**: {meaning}',
  'stateHover.computed': 'The model computes **{computed}** for {endpoint} here.',
  'stateHover.history': 'How {endpoint} got here:',
  'stateHover.transition': 'line {line}: {from} → {to} ({reason})',
  'stateHover.transitionNoReason': 'line {line}: {from} → {to}',
  'stateHover.noChange': '{endpoint} has been {state} since the start.',

  // Hover on a variable.
  'variable.heading': '**{name}**: {meaning}.',
  'variable.bound': 'Bound at line {line}; it counts {sender}\'s octets to {receiver}.',
  'variable.fixed': 'A plain number fixes it: {name} = {value}.',

  // Hover on a wait.
  'wait.heading': '**wait**: {duration} pass (MSL is {msl}).',
  'wait.closes': '{endpoint} has spent 2 MSL in TIME-WAIT: TIME-WAIT → CLOSED.',
  'wait.nothing': 'No endpoint leaves TIME-WAIT here: that takes 2 MSL in TIME-WAIT, counted since it entered or since its timer last restarted.',

  // Inlay hints and outline.
  'hint.transition': '{endpoint}: {from} -> {to}',
  'phase.handshake': 'Handshake',
  'phase.data': 'Data transfer',
  'phase.teardown': 'Teardown',
  'phase.reset': 'Reset',
};

/** Renders one of ours (or a core message nested in it) with a table, English by default. */
export function explainText(m: Message, table: MessageTable = EXPLAIN_MESSAGES): string {
  return renderMessage(m, table === EXPLAIN_MESSAGES ? table : { ...EXPLAIN_MESSAGES, ...table });
}

function m(id: string, args?: Message['args']): Message {
  return args ? { id, args } : { id };
}

/** What a state means, in one sentence. */
export function describeState(state: TcpState, table?: MessageTable): string {
  return explainText(m(`state.${state}`), table);
}

/** `S: LISTEN -> SYN-RECEIVED`, for inlay hints. */
export function transitionLabel(t: Transition, table?: MessageTable): string {
  return explainText(m('hint.transition', { endpoint: t.endpoint, from: t.from, to: t.to }), table);
}

/** `Handshake`, `Data transfer`, ... */
export function phaseName(kind: PhaseKind, table?: MessageTable): string {
  return explainText(m(`phase.${kind}`), table);
}

function snapshot(list: readonly TcbSnapshot[], endpoint: string): TcbSnapshot | undefined {
  return list.find((t) => t.endpoint === endpoint);
}

/** `x+1 → x+101`, or one value when it did not change or was not known before. */
function change(before: string | undefined, after: string | undefined): Message | string | undefined {
  if (before === undefined || before === after) return after ?? before;
  if (after === undefined) return before;
  return m('segment.change', { from: before, to: after });
}

/** Remarks that replace the "how far SND.NXT moves" sentence: the segment takes no new numbers. */
const REPLACES_ADVANCE: ReadonlySet<SegmentRemark> = new Set([
  'retransmission', 'spurious-retransmission', 'keep-alive', 'old-duplicate', 'window-probe',
]);

/** Why SND.NXT moves as it does, in the notes' terms. */
function whyAdvance(s: SegmentEvent, from: string, to: string): Message {
  const has = (flag: string): boolean => s.flags.includes(flag as SegmentEvent['flags'][number]);
  const args = { sender: s.from, from, to, len: s.len };
  if (has('RST')) return m('why.rst');
  if (has('SYN')) return m(s.len > 0 ? 'why.synData' : 'why.syn', args);
  if (has('FIN')) return s.len > 0 ? m('why.dataFin', { ...args, total: s.len + 1 }) : m('why.fin', args);
  if (s.len > 0) return m('why.data', args);
  return m('why.pureAck', args);
}

/** The hover text of a segment line: both endpoints before -> after, and why. */
export function explainSegment(event: TimelineEvent, table?: MessageTable): string | undefined {
  const s = event.segment;
  if (!s) return undefined;
  const out: Message[] = [m('segment.heading', { segment: segmentName(s) })];
  const lines: string[] = [];
  for (const endpoint of [s.from, s.to]) {
    const b = snapshot(event.before, endpoint);
    const a = snapshot(event.after, endpoint);
    // An endpoint without a TCB before this line still had a state: the one it left here.
    const left = event.transitions.find((t) => t.endpoint === endpoint)?.from;
    const state = change(b?.state ?? left, a?.state);
    if (state === undefined) continue;
    const parts = [explainText(m('segment.endpoint', { endpoint, state }), table)];
    const sndNxt = change(b?.sndNxt, a?.sndNxt);
    const rcvNxt = change(b?.rcvNxt, a?.rcvNxt);
    if (sndNxt !== undefined) parts.push(explainText(m('segment.sndNxt', { value: sndNxt }), table));
    if (rcvNxt !== undefined) parts.push(explainText(m('segment.rcvNxt', { value: rcvNxt }), table));
    lines.push(parts.join(' · '));
  }

  const why: Message[] = [];
  const names = { sender: s.from, receiver: s.to };
  if (!s.inModel) {
    why.push(m('why.notInModel', names));
  } else {
    const remarks = s.remarks.filter((r) => r !== 'not-allowed');
    if (!remarks.some((r) => REPLACES_ADVANCE.has(r))) {
      const from = s.seq.expected ?? s.seq.text;
      const to = snapshot(event.after, s.from)?.sndNxt ?? explainText(m('segment.unknown'), table);
      why.push(whyAdvance(s, from, to));
    }
    for (const r of remarks) why.push(m(`remark.${r}`, names));
    if (s.ack) why.push(m('why.ack', { ...names, ack: s.ack.expected ?? s.ack.text }));
  }
  if (s.seq.expected !== undefined) why.push(m('why.expected', { field: 'seq', expected: s.seq.expected }));
  if (s.ack?.expected !== undefined) why.push(m('why.expected', { field: 'ack', expected: s.ack.expected }));
  if (s.arrow === '-x') why.push(m('why.lost', names));
  else if (s.arrow === '~>' && s.arrivedAtLine !== undefined) why.push(m('why.arrivesLater', { line: s.arrivedAtLine + 1 }));

  return [
    explainText(out[0], table),
    lines.map((l) => `- ${l}`).join('\n'),
    why.map((w) => explainText(w, table)).join(' '),
  ].filter((p) => p !== '').join('\n\n');
}

/** The transitions of one endpoint up to and including a line, in order. */
export function transitionsOf(analysis: Analysis, endpoint: string, upToLine: number): Transition[] {
  const seen: Transition[] = [];
  for (const e of analysis.timeline.events) {
    if (e.line > upToLine) break;
    for (const t of e.transitions) if (t.endpoint === endpoint) seen.push(t);
  }
  return seen;
}

/** The hover text of a state name: what it means and how the endpoint got there. */
export function explainStateLine(analysis: Analysis, statement: StateStatement, table?: MessageTable): string {
  const endpoint = statement.endpoint.value;
  const line = statement.range.start.line;
  const parts: string[] = [];
  if (statement.state) {
    parts.push(explainText(m('stateHover.heading', { state: statement.state, meaning: m(`state.${statement.state}`) }), table));
  }
  const event = analysis.timeline.events.find((e) => e.line === line && e.kind === 'state');
  const computed = event?.state?.computed;
  if (computed && computed !== statement.state) {
    parts.push(explainText(m('stateHover.computed', { computed, endpoint }), table));
    parts.push(explainText(m('stateHover.heading', { state: computed, meaning: m(`state.${computed}`) }), table));
  }
  const history = transitionsOf(analysis, endpoint, line);
  if (history.length > 0) {
    const items = history.map((t) => {
      const args = { line: t.causeLine + 1, from: t.from, to: t.to, reason: t.reason };
      return `- ${explainText(m(t.reason?.id ? 'stateHover.transition' : 'stateHover.transitionNoReason', args), table)}`;
    });
    parts.push(`${explainText(m('stateHover.history', { endpoint }), table)}\n\n${items.join('\n')}`);
  } else if (computed ?? statement.state) {
    parts.push(explainText(m('stateHover.noChange', { endpoint, state: (computed ?? statement.state)! }), table));
  }
  return parts.join('\n\n');
}

/** The hover text of a variable: what it was bound to, and where. */
export function explainVariable(binding: VariableBinding, table?: MessageTable): string {
  const parts = [
    explainText(m('variable.heading', { name: binding.name, meaning: binding.meaning }), table),
    explainText(m('variable.bound', {
      line: binding.line + 1, sender: binding.space.sender, receiver: binding.space.receiver,
    }), table),
  ];
  if (binding.fixedValue !== undefined) {
    parts.push(explainText(m('variable.fixed', { name: binding.name, value: binding.fixedValue }), table));
  }
  return parts.join(' ');
}

/** `2 min`, `30 s`, `1.5 h`, `250 ms`. */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [[3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && Number.isInteger((ms / size) * 1000)) return `${+(ms / size).toFixed(3)} ${unit}`;
  return `${ms} ms`;
}

/** The hover text of a `wait`: how long, and who leaves TIME-WAIT. */
export function explainWait(analysis: Analysis, event: TimelineEvent, table?: MessageTable): string {
  const heading = explainText(m('wait.heading', {
    duration: formatDuration(event.waitMs ?? 0), msl: formatDuration(analysis.timeline.mslMs),
  }), table);
  // In the order the participants were declared, whatever order the model found them in.
  const order = (e: string): number => {
    const i = analysis.timeline.participants.findIndex((p) => p.id === e);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const closes = event.transitions
    .filter((t) => t.from === 'TIME-WAIT' && t.to === 'CLOSED')
    .sort((a, b) => order(a.endpoint) - order(b.endpoint) || a.endpoint.localeCompare(b.endpoint));
  const anyTimeWait = event.before.some((t) => t.state === 'TIME-WAIT');
  const body = closes.length > 0
    ? closes.map((t) => explainText(m('wait.closes', { endpoint: t.endpoint }), table)).join(' ')
    : anyTimeWait ? explainText(m('wait.nothing'), table) : '';
  return body ? `${heading}\n\n${body}` : heading;
}

export interface Hover {
  readonly markdown: string;
  readonly range: Range;
}

function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** Where a variable stands inside the seq/ack fields of a segment. */
export function variableRanges(s: SegmentStatement): { name: string; range: Range }[] {
  const found: { name: string; range: Range }[] = [];
  for (const field of [s.seq, s.ack]) {
    const expr = field?.expr;
    if (!expr?.variable) continue;
    const at = new RegExp(`(?<![A-Za-z0-9_])${expr.variable}(?![A-Za-z0-9_])`).exec(expr.text);
    if (!at) continue;
    const start = { line: expr.range.start.line, character: expr.range.start.character + at.index };
    found.push({ name: expr.variable, range: { start, end: { line: start.line, character: start.character + expr.variable.length } } });
  }
  return found;
}

/** The hover at a position: a variable, a state name, a `wait`, or the segment line it stands on. */
export function hoverAt(analysis: Analysis, position: Position, table?: MessageTable): Hover | undefined {
  const statement = analysis.parsed.statements.find((s) => contains(s.range, position));
  if (!statement) return undefined;
  const line = statement.range.start.line;
  if (statement.kind === 'segment') {
    for (const v of variableRanges(statement)) {
      if (!contains(v.range, position)) continue;
      const binding = analysis.timeline.variables.find((b) => b.name === v.name);
      if (binding) return { markdown: explainVariable(binding, table), range: v.range };
    }
    const event = analysis.timeline.events.find((e) => e.line === line && e.segment);
    const markdown = event && explainSegment(event, table);
    return markdown ? { markdown, range: statement.range } : undefined;
  }
  if (statement.kind === 'wait') {
    const event = analysis.timeline.events.find((e) => e.line === line && e.kind === 'wait');
    return event ? { markdown: explainWait(analysis, event, table), range: statement.range } : undefined;
  }
  if (statement.kind === 'state' && contains(statement.stateToken.range, position)) {
    const markdown = explainStateLine(analysis, statement, table);
    return markdown ? { markdown, range: statement.stateToken.range } : undefined;
  }
  return undefined;
}
