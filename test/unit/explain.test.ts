import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze, TCP_STATES } from '../../src/core';
import type { Position, SegmentEvent, TimelineEvent } from '../../src/core';
import {
  describeState, EXPLAIN_MESSAGES, explainSegment, explainText, explainVariable, hoverAt, transitionLabel,
} from '../../src/core/explain';
import { buildOutline } from '../../src/core/outline';

const example = (name: string): string => readFileSync(`/work/shared/examples/${name}`, 'utf8');

/** The position of the first occurrence of `needle` on a 0-based line, plus `offset`. */
function at(text: string, line: number, needle: string, offset = 0): Position {
  const character = text.split('\n')[line].indexOf(needle);
  assert.ok(character >= 0, `${needle} on line ${line}`);
  return { line, character: character + offset };
}

/** A segment event from C (SND.NXT `from` -> `to`) to S, with the given shape. */
function event(segment: Partial<SegmentEvent>, sndNxt: [string, string]): TimelineEvent {
  const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 30 } };
  return {
    kind: 'segment', line: 4, range, transitions: [], arrivals: [], inFlight: [], problems: [],
    before: [{ endpoint: 'C', state: 'ESTABLISHED', sndNxt: sndNxt[0], rcvNxt: 'y+1' }, { endpoint: 'S', state: 'ESTABLISHED', sndNxt: 'y+1', rcvNxt: sndNxt[0] }],
    after: [{ endpoint: 'C', state: 'ESTABLISHED', sndNxt: sndNxt[1], rcvNxt: 'y+1' }, { endpoint: 'S', state: 'ESTABLISHED', sndNxt: 'y+1', rcvNxt: sndNxt[1] }],
    segment: {
      from: 'C', to: 'S', arrow: '->', flags: ['ACK'], seq: { text: sndNxt[0], written: true },
      ack: { text: 'y+1', written: true }, len: 0, options: {}, old: false, inModel: true, remarks: [],
      ...segment,
    },
  };
}

describe('explain: message table', () => {
  it('has one distinct sentence for every RFC 9293 state', () => {
    const sentences = TCP_STATES.map((s) => describeState(s));
    for (const [i, s] of sentences.entries()) assert.match(s, /^[A-Z].+\.$/, `${TCP_STATES[i]}: ${s}`);
    assert.equal(new Set(sentences).size, TCP_STATES.length);
  });

  it('renders through a translation table, falling back to English for missing ids', () => {
    const table = { 'state.LISTEN': 'Attend une demande de connexion.' };
    assert.equal(describeState('LISTEN', table), 'Attend une demande de connexion.');
    assert.equal(describeState('CLOSED', table), EXPLAIN_MESSAGES['state.CLOSED']);
  });

  it('labels a transition for inlay hints', () => {
    const t = { endpoint: 'S', from: 'LISTEN', to: 'SYN-RECEIVED', causeLine: 0, reason: { id: 'x' } } as const;
    assert.equal(transitionLabel(t), 'S: LISTEN -> SYN-RECEIVED');
  });
});

describe('explainSegment (why the numbers are what they are)', () => {
  it('payload advances SND.NXT by its length', () => {
    const md = explainSegment(event({ len: 100 }, ['x+1', 'x+101']))!;
    assert.match(md, /100 octets of payload advance SND\.NXT by 100: from x\+1 to x\+101/);
    assert.match(md, /\*\*C\*\*: ESTABLISHED · SND\.NXT x\+1 → x\+101 · RCV\.NXT y\+1/);
    assert.match(md, /\*\*S\*\*: ESTABLISHED · SND\.NXT y\+1 · RCV\.NXT x\+1 → x\+101/);
    assert.match(md, /ack=y\+1 is C's RCV\.NXT/);
  });

  it('a pure ACK takes no sequence number, a FIN takes one', () => {
    assert.match(explainSegment(event({}, ['x+1', 'x+1']))!, /A pure ACK takes no sequence number: C's SND\.NXT stays x\+1/);
    assert.match(explainSegment(event({ flags: ['FIN', 'ACK'] }, ['u', 'u+1']))!, /The FIN takes one sequence number: C's SND\.NXT goes from u to u\+1/);
    assert.match(explainSegment(event({ flags: ['FIN', 'ACK'], len: 5 }, ['u', 'u+6']))!, /advance SND\.NXT by 6: from u to u\+6/);
  });

  it('says what a wrong number should be, and that a retransmission takes no new numbers', () => {
    const wrong = explainSegment(event({ ack: { text: 'y', written: true, expected: 'y+1' } }, ['x+1', 'x+1']))!;
    assert.match(wrong, /ack should be y\+1\./);
    assert.match(wrong, /ack=y\+1 is C's RCV\.NXT/);
    const again = explainSegment(event({ len: 100, remarks: ['retransmission'] }, ['x+101', 'x+101']))!;
    assert.match(again, /A retransmission/);
    assert.doesNotMatch(again, /advance SND\.NXT/);
  });

  it('leaves no placeholder unfilled', () => {
    const remarks = ['retransmission', 'spurious-retransmission', 'keep-alive', 'out-of-order', 'duplicate-ack', 'old-duplicate',
      'window-probe', 'challenge-ack', 'reset', 'refused', 'dropped', 'not-allowed', 'reincarnation'] as const;
    for (const r of remarks) {
      const md = explainSegment(event({ remarks: [r], arrow: '~>', arrivedAtLine: 7 }, ['x', 'x']))!;
      assert.doesNotMatch(md, /\{\w+\}/, md);
      assert.doesNotMatch(md, /remark\./, md);
    }
    assert.doesNotMatch(explainSegment(event({ inModel: false, arrow: '-x' }, ['x', 'x']))!, /\{\w+\}/);
  });

  it('explains a variable binding', () => {
    const md = explainVariable({
      name: 'x', space: { sender: 'C', receiver: 'S' }, line: 6, range: { start: { line: 6, character: 13 }, end: { line: 6, character: 14 } },
      meaning: { id: 'my.meaning' }, fixedValue: 100,
    }, { 'my.meaning': "C's initial sequence number" });
    assert.equal(md, "**x**: C's initial sequence number. Bound at line 7; it counts C's octets to S. A plain number fixes it: x = 100.");
    assert.equal(explainText({ id: 'variable.fixed', args: { name: 'x', value: 1 } }), 'A plain number fixes it: x = 1.');
  });
});

describe('hoverAt on real documents', () => {
  const text = example('handshake.tcpseq');
  const analysis = analyze(text);

  it('a SYN,ACK shows SYN-RECEIVED, the ack x+1 and why', () => {
    const hover = hoverAt(analysis, at(text, 9, 'SYN ACK'))!;
    assert.ok(hover, 'hover on the SYN,ACK line');
    assert.equal(hover.range.start.line, 9);
    assert.match(hover.markdown, /SYN-RECEIVED/);
    assert.match(hover.markdown, /x\+1/);
    assert.match(hover.markdown, /The SYN takes one sequence number: S's SND\.NXT goes from y to y\+1/);
  });

  it('a variable shows what it was bound to and where', () => {
    const hover = hoverAt(analysis, at(text, 11, 'y+1', 0))!;
    assert.ok(hover, 'hover on y');
    assert.deepEqual(hover.range, { start: at(text, 11, 'y+1'), end: at(text, 11, 'y+1', 1) });
    assert.match(hover.markdown, /^\*\*y\*\*: /);
    assert.match(hover.markdown, /Bound at line 10; it counts S's octets to C\./);
  });

  it('a state name shows what it means and how the endpoint got there', () => {
    const hover = hoverAt(analysis, at(text, 7, 'SYN-SENT', 2))!;
    assert.ok(hover, 'hover on SYN-SENT');
    assert.match(hover.markdown, /^\*\*SYN-SENT\*\*: It has sent its SYN/);
    assert.match(hover.markdown, /line 7: CLOSED → SYN-SENT/);
  });

  it('a wrong state assertion shows the computed state', () => {
    const names = example('state-names.tcpseq');
    const hover = hoverAt(analyze(names), at(names, 8, 'SYN-SENT'))!;
    assert.match(hover.markdown, /The model computes \*\*SYN-RECEIVED\*\* for S here/);
  });

  it('nothing to say on a title or a blank line', () => {
    assert.equal(hoverAt(analysis, { line: 0, character: 2 }), undefined);
    assert.equal(hoverAt(analysis, { line: 3, character: 0 }), undefined);
  });
});

describe('hoverAt and buildOutline on every position of odd documents', () => {
  it('never throw, and every hover is non-empty Markdown without placeholders', () => {
    const docs = [
      example('state-names.tcpseq'), example('loss-and-retransmission.tcpseq'), example('illegal-transitions.tcpseq'),
      example('simultaneous-close.tcpseq'), example('sliding-window.tcpseq'), example('keepalive.tcpseq'),
      'C->S\nC: \n: SYN\nC->S SYN seq=x+y ack=\npar\npar\nend\nend\nS->C RST ACK seq=0 ack=x+1 old\nC-xS SYN ACK\nwait\nmsl 0s',
      'C~>S ACK seq=1 len=10\nS->C SYN seq=5\nC: NOPE\nC->S FIN seq=99 : "#" # x\nS->C ACK seq=6 ack=12',
    ];
    let hovers = 0;
    for (const text of docs) {
      const analysis = analyze(text);
      buildOutline(analysis);
      text.split('\n').forEach((line, l) => {
        for (let c = 0; c <= line.length; c++) {
          const h = hoverAt(analysis, { line: l, character: c });
          if (!h) continue;
          hovers++;
          assert.ok(h.markdown.length > 0);
          assert.doesNotMatch(h.markdown, /\{\w+\}|\b(remark|why|state|segment|stateHover|variable)\.[\w-]+/, h.markdown);
        }
      });
    }
    assert.ok(hovers > 100, `${hovers} hovers`);
  });
});

describe('hoverAt on a wait', () => {
  it('says how long passes and who leaves TIME-WAIT', () => {
    const text = example('simultaneous-close.tcpseq');
    const hover = hoverAt(analyze(text), at(text, 18, 'wait'))!;
    assert.equal(hover.markdown, [
      '**wait**: 4 min pass (MSL is 2 min).',
      'A has spent 2 MSL in TIME-WAIT: TIME-WAIT → CLOSED. B has spent 2 MSL in TIME-WAIT: TIME-WAIT → CLOSED.',
    ].join('\n\n'));
  });

  it('says when the wait is too short, in the MSL the document set', () => {
    const text = 'msl 30s\nC->S FIN ACK seq=u ack=v\nS->C ACK seq=v ack=u+1\nS->C FIN ACK seq=v ack=u+1\nC->S ACK seq=u+1 ack=v+1\nwait 59.5s';
    const hover = hoverAt(analyze(text), { line: 5, character: 0 })!;
    assert.match(hover.markdown, /^\*\*wait\*\*: 59\.5 s pass \(MSL is 30 s\)\.\n\nNo endpoint leaves TIME-WAIT here/);
  });
});
