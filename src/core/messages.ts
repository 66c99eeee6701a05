// Every sentence the core produces, by id, in English. Translations (l10n) map the same ids;
// `renderMessage` fills `{name}` placeholders, rendering nested messages first.
import type { Message } from './types';

export type MessageTable = Readonly<Record<string, string>>;

/** Diagnostic messages and their reasons. */
export const DIAGNOSTIC_MESSAGES: MessageTable = {
  // Syntax
  'syntax.expectedStatement': "expected a statement (a segment such as `C->S SYN seq=x`, `ID: STATE`, title, participant, par, end, wait, msl or note), not '{found}'",
  'syntax.titleText': 'title needs a text: `title Three-way handshake`',
  'syntax.nothingAfter': 'nothing may follow `{keyword}` on its line',
  'syntax.participantId': 'expected an endpoint name after `participant` (letters, digits and _)',
  'syntax.participantAs': "expected `as TEXT` after the endpoint name, not '{found}'",
  'syntax.participantLabel': 'expected a display name after `as`',
  'syntax.notePlacement': 'expected `note over ID`, `note left of ID` or `note right of ID`',
  'syntax.noteEndpoint': 'expected an endpoint name in the note',
  'syntax.noteColon': 'expected `:` and the note text after the endpoints',
  'syntax.waitDuration': "expected a duration such as `2MSL`, `2 MSL`, `30 s`, `500 ms`, `2 min` or `1 h`, not '{found}'",
  'syntax.mslDuration': "expected a time such as `30s`, `2 min` or `500 ms`, not '{found}'",
  'syntax.mslInMsl': 'msl takes a time unit (`msl 30s`), not MSL itself',
  'syntax.stateMissing': 'expected a state name after `{endpoint}:` (such as LISTEN or ESTABLISHED)',
  'syntax.stateExtra': 'a state line holds one state name: nothing may follow it',
  'syntax.expectedArrow': "expected an arrow (`->`, `~>` or `-x`) after the sender, not '{found}'",
  'syntax.expectedReceiver': 'expected the receiving endpoint after the arrow',
  'syntax.unexpected': "unexpected '{found}': expected flags (SYN, ACK, FIN, RST, PSH, URG, ECE, CWR) and fields (seq=, ack=, len=, win=, mss=, wscale=, sackok, old)",
  'syntax.fullWidth': "'{written}' is full-width punctuation: write '{ascii}'",
  'syntax.flagSet': '{written} sets the {flag} flag: write {flag}',
  'syntax.flagUnset': '{written} means the {flag} flag is not set: leave it out',
  'syntax.unknownField': "unknown field '{found}=': the fields are seq=, ack=, len=, win=, mss= and wscale=",
  'syntax.unknownWord': "'{found}' is not a flag or a field: flags are SYN ACK FIN RST PSH URG ECE CWR; fields seq= ack= len= win= mss= wscale= sackok old (a label goes after ` : `)",
  'syntax.expectedNumber': 'expected a number after `{field}=`',
  'syntax.expectedTerm': 'expected a number or a variable in `{field}=` (such as `x+1` or `1001`)',
  'syntax.twoVariables': '{field}= may use at most one variable',
  'syntax.negativeVariable': 'a variable is added, not subtracted: write `{name}` with a plus sign',
  'syntax.numberTooLarge': 'every number must be below 2^32 (4294967296), not {value}',
  'syntax.duplicateField': '{field} is written twice',
  'syntax.duplicateFlag': '{flag} is written twice',
  'syntax.wscaleRange': 'a window scale is at most 14 (RFC 7323), not {value}',
  'state.unknown': "'{written}' is not a TCP state: the states are CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT",
  'state.unknownSuggest': "'{written}' is not a TCP state: did you mean {suggestion}?",
  // Structure
  'par.nested': 'a par inside a par (opened at line {line}) is ignored: the next end closes the outer block',
  'par.onlySegments': 'only segments, notes and comments go inside par ... end, not a {kind} line',
  'par.unmatchedEnd': 'end without a par before it',
  'par.unclosed': 'par without end: the block runs to the end of the document',
  // States
  'state.badStart': '{endpoint} cannot start in {state}: before any segment, a state line sets the starting state, one of CLOSED, LISTEN or ESTABLISHED',
  'state.mismatch': '{endpoint} is in {computed} here, not {written}: {why}',
  'state.mismatchMisspelt': '{endpoint} is in {computed} here, not {written} ({spelled} is a misspelling of {written}): {why}',
  'state.misspelt': '{written} is a misspelling: the state is {state}',
  'state.since': 'it entered {state} at line {line} ({reason})',
  'state.sinceStart': 'it has been {state} since the start',
  // Segments
  'segment.self': '{endpoint} sends to itself: a segment goes from one endpoint to another',
  'segment.oldArrow': 'an old duplicate (`old`) arrives at its line: write it with `->`',
  'segment.optionNotOnSyn': '{option} is an option of SYN segments only',
  'segment.noFlags': 'a segment needs flags (SYN, ACK, FIN, RST, ...)',
  'segment.noFlagsAckBit': 'a segment needs flags: ACK=1 here is the acknowledgment number 1; write ACK for the flag',
  'segment.ackWithoutFlag': 'ack= is written but the ACK flag is missing: only a segment with ACK has an acknowledgment number',
  'segment.ackWithoutFlagUnsync': 'ack= is written but the ACK flag is missing: only a segment with ACK has an acknowledgment number',
  'segment.missingAck': 'in {state} every segment but RST carries ACK: the segment is taken as if it carried the expected ACK',
  'segment.synWithData': 'a SYN carrying {len} octets (TCP Fast Open): the receiver acknowledges only the SYN unless it supports Fast Open',
  // Sending rules
  'rule.rstNothingToAnswer': '{endpoint} is {state} and nothing arrived for it to answer: a RST from {state} only answers a segment',
  'rule.dataBeforeEstablished': '{endpoint} is {state}: no data before the connection is established',
  'rule.fromClosed': '{endpoint} is CLOSED: it may send only a SYN (active open) or a RST answering a segment',
  'rule.fromListen': '{endpoint} is LISTEN: it may send only a SYN or a RST answering a segment',
  'rule.finBeforeEstablished': '{endpoint} is {state}: no FIN before the connection is established',
  'rule.synSentOnlySyn': '{endpoint} is SYN-SENT: it may send only its SYN again or a RST until a SYN arrives',
  'rule.synSentNoAck': '{endpoint} is SYN-SENT: nothing has arrived to acknowledge yet',
  'rule.synReceivedSynAck': '{endpoint} is SYN-RECEIVED: it answers the SYN with SYN,ACK (or RST); its ACK and data come once the handshake completes',
  'rule.synOnOpen': '{endpoint} is {state}: no SYN on an open connection (a SYN opens a connection)',
  'rule.secondFin': '{endpoint} is {state}: it has already sent its FIN, and a connection has one FIN per direction',
  'rule.dataAfterFin': '{endpoint} is {state}: no new data after its own FIN',
  'rule.timeWaitNothingToAck': '{endpoint} is TIME-WAIT and nothing arrived since its last ACK: it sends an ACK only for the peer\'s FIN (again when retransmitted)',
  'rule.reopenFromTimeWait': '{endpoint} is still in TIME-WAIT with {peer}: a new SYN starts a new incarnation while old duplicates may still be in the network',
  'rule.spuriousRetransmission': 'this repeats the segment at line {line}, which {endpoint} already holds: a spurious retransmission, or a forgotten seq advance (SND.NXT is {expected})',
  'rule.windowExceeded': '{endpoint} sends past the window the peer advertised ({wnd} octets, up to {limit}): {over} octets beyond it',
  // Numbers
  'seq.mismatch': 'seq should be {expected}: {reason}',
  'seq.gap': 'seq {written} is ahead of SND.NXT {expected}: octets {expected} to {last} were never sent (a segment is missing before this line)',
  'ack.mismatch': 'ack should be {expected}: {reason}',
  'ack.past': 'ack should be {expected}: {reason} ({written} would acknowledge data never received)',
  'ack.below': 'ack should be {expected}: {reason}',
  'var.otherSpace': "{name} numbers {owner}'s octets (bound at line {line}), but this value counts in {sender}'s sequence space: expected {expected}",
  'var.otherSpaceFree': "{name} numbers {owner}'s octets (bound at line {line}), but this value counts in {sender}'s own sequence space",
  'var.ownIss': "{name} numbers {owner}'s octets (bound at line {line}), but {sender} chooses its own initial sequence number: a new variable, such as {fresh}",
  'var.iss': "{endpoint}'s initial sequence number (ISS)",
  'var.position': 'the sequence number {endpoint} had reached (SND.NXT)',
  'var.ackPosition': "the position in {peer}'s octets that {endpoint} acknowledges (RCV.NXT)",
  'var.old': 'a number from an earlier incarnation of the connection (old duplicate from {endpoint})',
  // Reasons
  'reason.syn': 'the SYN at line {line} takes one sequence number',
  'reason.synData': 'the SYN at line {line} takes one sequence number, and its {len} octets follow it',
  'reason.fin': 'the FIN at line {line} takes one sequence number',
  'reason.data': '{from} plus {len} octets at line {line} is {to}',
  'reason.dataFin': '{from} plus {len} octets and the FIN at line {line} is {to}',
  'reason.boundHere': 'the segment at line {line} set it',
  'reason.gapFilled': 'line {line} moved it past the missing octets',
  'reason.andPureAck': '{reason}, and a pure ACK takes no sequence number',
  'reason.sndNxt': "that is {endpoint}'s SND.NXT",
  'reason.rcvNxt': "that is {endpoint}'s RCV.NXT",
  'reason.rstAnswer': 'a RST answering the segment at line {line} takes its seq from that segment (RFC 9293 3.5.2)',
  'reason.rstAnswerAck': 'a RST answering the segment at line {line} acknowledges it (RFC 9293 3.5.2)',
  'reason.synRetransmission': 'a retransmitted SYN carries the ISS again',
  'reason.sentSyn': 'sent SYN',
  'reason.sentFin': 'sent FIN',
  'reason.sentRst': 'sent RST',
  'reason.receivedSyn': 'received SYN',
  'reason.receivedSynAck': 'received SYN,ACK',
  'reason.receivedSynSimultaneous': 'received SYN: simultaneous open',
  'reason.receivedAckOfSyn': 'received the ACK of its SYN',
  'reason.receivedAckOfFin': 'received the ACK of its FIN',
  'reason.receivedFin': 'received FIN',
  'reason.receivedFinAckingFin': 'received FIN acknowledging its FIN',
  'reason.receivedRst': 'received RST',
  'reason.receivedRstRefused': 'received RST: connection refused',
  'reason.timeWaitOver': '2 MSL passed in TIME-WAIT',
  // Information
  'info.keepAlive': 'keep-alive probe: one below SND.NXT, answered with an ACK',
  'info.windowProbe': "window probe: one below SND.NXT while {peer}'s window is 0, answered with an ACK",
  'info.retransmission': 'retransmission of the segment at line {line}',
  'info.outOfOrder': 'arrives out of order: {endpoint} holds it until {expected} arrives',
  'info.duplicateAck': 'duplicate ACK: {ack} again, still waiting for it',
  'info.oldDuplicate': 'old duplicate from an earlier incarnation: its receiver handles it as RFC 9293 says',
  // Quick fixes
  'fix.changeTo': 'Change to {value}',
  'fix.addAck': 'Add the ACK flag',
  'fix.remove': 'Remove',
};

/** All English templates by id. */
export const MESSAGES: MessageTable = { ...DIAGNOSTIC_MESSAGES };

/** Renders a message with a table (English by default); unknown ids fall back to English. */
export function renderMessage(msg: Message, table: MessageTable = MESSAGES): string {
  const template = table[msg.id] ?? MESSAGES[msg.id] ?? msg.id;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const arg = msg.args?.[name];
    if (arg === undefined) return whole;
    return typeof arg === 'object' ? renderMessage(arg, table) : String(arg);
  });
}

/**
 * Text in one language for the places that show the core's messages beside sentences of their own
 * (diagram notes, the Markdown preview's problem list): the editor and the command line pass one
 * built on their l10n bundle; `t` takes an English template with `{name}` placeholders.
 */
export interface Localizer {
  message(m: Message): string;
  t(template: string, args?: Readonly<Record<string, string | number>>): string;
}

/** English: the core's own templates, and the caller's templates as written. */
export const ENGLISH: Localizer = {
  message: (m) => renderMessage(m),
  t: (template, args) => renderMessage({ id: template, args }, {}),
};

/** Builds a message. */
export function msg(id: string, args?: Message['args']): Message {
  return args ? { id, args } : { id };
}

/** How much of a word a message quotes: enough to recognise it, not a whole pasted line. */
const QUOTED_MAX = 40;

/**
 * Text from the document as a message quotes it: control characters written as `\xNN` (a
 * terminal would obey an escape sequence; the editor would show nothing), and a long word cut
 * with an ellipsis (a 1 MB line would otherwise make a 1 MB message).
 */
export function quoted(text: string): string {
  const cut = text.length > QUOTED_MAX ? text.slice(0, QUOTED_MAX - 1) : text;
  // eslint-disable-next-line no-control-regex
  const visible = cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return cut === text ? visible : visible + '…';
}
