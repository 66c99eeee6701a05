import * as assert from 'node:assert/strict';
import { escapeMermaidText, formatDuration, timelineToMermaid, withExplicitNoWrap } from '../../src/render/mermaid';
import { analyze } from '../../src/core';
import { everything, event, handshake, longExchange, problem, segment, timeline, value } from './renderTimelines';

/** The diagram's statements, indentation removed. */
function statements(source: string): string[] {
  return source.trim().split('\n').map((l) => l.trim());
}

const MESSAGE = /^(\w+)(->>|-x|--\))(\w+): (.*)$/;

function messages(source: string): RegExpExecArray[] {
  return statements(source).map((l) => MESSAGE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
}

/** Checks that every block opener has its `end`, and `and` only appears inside `par`. */
function assertBalanced(source: string): void {
  const stack: string[] = [];
  for (const s of statements(source)) {
    const word = s.split(/\s/)[0];
    if (['par', 'rect', 'loop', 'alt', 'opt', 'critical', 'break'].includes(word)) stack.push(word);
    else if (word === 'and') assert.equal(stack[stack.length - 1], 'par', '`and` outside a par block');
    else if (word === 'end') assert.ok(stack.pop(), 'an `end` without a block');
  }
  assert.deepEqual(stack, [], 'blocks left open');
}

describe('render: timeline to Mermaid', () => {
  it('draws one message per segment, in order, with a source map', () => {
    const d = timelineToMermaid(handshake());
    const m = messages(d.source);
    assert.equal(m.length, 3);
    assert.deepEqual(m.map((x) => [x[1], x[2], x[3]]), [['C', '->>', 'S'], ['S', '->>', 'C'], ['C', '->>', 'S']]);
    assert.deepEqual(d.map.messages, [1, 2, 3]);
    assert.ok(d.source.startsWith('sequenceDiagram\n'));
    assert.match(d.source, /^ {2}title Three-way handshake$/m);
    assert.match(d.source, /^ {2}participant C as Client$/m);
    assert.match(d.source, /^ {2}participant S as Server$/m);
  });

  it('shows computed values in parentheses and wrong ones with the expected value', () => {
    const m = messages(timelineToMermaid(handshake()).source);
    assert.equal(m[0][4], 'SYN seq=x');
    assert.equal(m[1][4], 'SYN, ACK seq=y ack=(x+1)');
    assert.equal(m[2][4], 'ACK seq=x+1 ack=y [expected y+1]');
  });

  it('marks every error line in a red box with a note that gives the diagnostic', () => {
    const d = timelineToMermaid(handshake());
    const lines = statements(d.source);
    const rect = lines.findIndex((l) => l.startsWith('rect rgba(229'));
    assert.ok(rect >= 0, 'no red box');
    assert.match(lines[rect + 1], /^C->>S: ACK seq=x\+1 ack=y/);
    assert.match(lines[rect + 2], /^note over C,S:wrap: ✗ line 4#58; ack should be y\+1#58; the server's SYN/);
    assert.equal(lines[rect + 3], 'end');
    // the note is mapped to the error's line, for source sync
    const noteIndex = lines.slice(0, rect + 3).filter((l) => l.startsWith('note ')).length - 1;
    assert.equal(d.map.notes[noteIndex], 3);
    assertBalanced(d.source);
  });

  it('marks warnings in an amber box', () => {
    const t = timeline([segment(0, 'C', 'S', ['FIN'], { seq: 'u', problems: [problem(0, 'FIN without ACK', 'warning')] })]);
    const s = timelineToMermaid(t).source;
    assert.match(s, /rect rgba\(240, 170, 0/);
    assert.match(s, /⚠ line 1#58; FIN without ACK/);
  });

  it('puts state changes beside the lifeline: the sender before its arrow, the receiver after', () => {
    const lines = statements(timelineToMermaid(handshake()).source);
    const syn = lines.indexOf('C->>S: SYN seq=x');
    assert.equal(lines[syn - 1], 'note over C: SYN-SENT');
    assert.equal(lines[syn + 1], 'note over S: SYN-RECEIVED');
    assert.equal(lines[lines.length - 1], 'note over S: ESTABLISHED');
  });

  it('draws lost segments as cross arrows and in-flight ones as open arrows with an arrival marker', () => {
    const d = timelineToMermaid(everything());
    const m = messages(d.source);
    assert.equal(m.length, 6, 'one message per segment');
    assert.equal(m[1][2], '-x');
    assert.equal(m[1][4], 'ACK seq=u+100 ack=v len=100<br>lost');
    assert.equal(m[2][2], '--)');
    const lines = statements(d.source);
    const flight = lines.indexOf('A--)B: ACK seq=u+200 ack=v len=100');
    // it arrives where line 4 says, before B's answer
    assert.equal(lines[flight + 1], 'note left of B: ⤷ arrives#58; ACK seq=u+200');
    assert.match(lines[flight + 2], /^B->>A: ACK seq=v ack=u\+100<br>duplicate ack$/);
    // the arrival marker leads back to the segment's own line
    const notesBefore = lines.slice(0, flight + 2).filter((l) => l.startsWith('note ')).length;
    assert.equal(d.map.notes[notesBefore - 1], 3);
  });

  it('draws par blocks as balanced par/and/end with one segment per section', () => {
    const s = timelineToMermaid(everything()).source;
    assertBalanced(s);
    const lines = statements(s);
    const par = lines.indexOf('par');
    const and = lines.indexOf('and');
    const end = lines.indexOf('end', par);
    assert.ok(par >= 0 && par < and && and < end);
    assert.equal(messages(lines.slice(par, and).join('\n')).length, 1);
    assert.equal(messages(lines.slice(and, end).join('\n')).length, 1);
    // the crossing FINs' arrivals change both states after the block
    assert.deepEqual(lines.slice(end + 1, end + 3), ['note over A: CLOSING', 'note over B: CLOSING']);
  });

  it('closes a par block left open at the end and ignores a stray end', () => {
    const t = timeline([
      event('end', 0),
      event('par', 1),
      segment(2, 'A', 'B', ['FIN', 'ACK'], { seq: 'u', ack: 'v', parBlock: 0 }),
      segment(3, 'B', 'A', ['FIN', 'ACK'], { seq: 'v', ack: 'u', parBlock: 0 }),
    ]);
    assertBalanced(timelineToMermaid(t).source);
  });

  it('draws wait as a note across all lifelines, and user notes where they were written', () => {
    const s = statements(timelineToMermaid(everything()).source);
    assert.ok(s.includes('note over A,B: wait 2 MSL (4 min)'));
    assert.ok(s.includes('note left of A: done'));
    assert.ok(s.includes('note over A,B:wrap: start'));
  });

  it('marks errors on lines without a timeline event (syntax errors) in place', () => {
    const t = timeline([segment(0, 'C', 'S', ['SYN'], { seq: 'x' }), segment(2, 'S', 'C', ['SYN', 'ACK'], { seq: 'y', ack: 'x+1' })]);
    const s = statements(timelineToMermaid(t, { diagnostics: [problem(1, 'unknown flag SYNN')] }).source);
    const note = s.findIndex((l) => l.includes('unknown flag SYNN'));
    assert.ok(note > s.indexOf('C->>S: SYN seq=x') && note < s.indexOf('S->>C: SYN, ACK seq=y ack=x+1'));
    assert.match(s[note - 1], /^rect /);
  });

  it('escapes hostile text so that it cannot break or alter the diagram', () => {
    const hostile = 'a;b #c %% d end --> "q" <script>alert(1)</script> x: y\nparticipant Z\r\n& `{}` <br> wrap:';
    const t = timeline([
      segment(1, 'end', 'par', ['ACK'], { seq: 'u', ack: 'v', label: hostile }),
      event('note', 2, { note: { placement: 'right of', endpoints: ['par'], text: hostile } }),
    ], [{ id: 'end', label: hostile, line: 0 }, { id: 'par', label: 'Server', line: 0 }], hostile);
    const d = timelineToMermaid(t);
    const lines = statements(d.source);
    // every statement is one line; no raw character that Mermaid would read
    for (const l of lines.slice(1)) {
      const userText = l.replace(/^(title |participant \w+ as |[^:]*:(wrap:)?)/, '');
      const text = userText.replace(/#\d+;/g, '').replace(/<br>/g, ''); // our own line breaks
      assert.doesNotMatch(text, /[;#%"<>&`{}]|<script/i, `unescaped text in ${l}`);
    }
    assert.equal(lines.filter((l) => l.startsWith('participant ')).length, 2, 'no participant smuggled in');
    assert.ok(lines.includes('participant p_end as a#59;b #35;c #37;#37; d end --#62; #34;q#34; #60;script#62;alert(1)#60;/script#62; x#58; y participant Z #38; #96;#123;#125;#96; #60;br#62; wrap#58;'));
    assert.equal(messages(d.source).length, 1);
    assert.equal(messages(d.source)[0][1], 'p_end');
    assert.equal(messages(d.source)[0][3], 'p_par');
    assert.match(messages(d.source)[0][4], /^ACK seq=u ack=v<br>a#59;b/);
  });

  it('gives keyword-named and clashing endpoints distinct ids', () => {
    const t = timeline([segment(0, 'end', 'p_end', ['SYN'], { seq: 'x' })]);
    const m = messages(timelineToMermaid(t).source);
    assert.notEqual(m[0][1], m[0][3]);
  });

  it('draws a starting state set before the exchange, and nothing for an empty document', () => {
    const t = timeline([
      event('state', 0, { state: { endpoint: 'S', written: 'LISTEN', computed: 'LISTEN' } }),
      segment(1, 'C', 'S', ['SYN'], { seq: value('x') }),
    ]);
    assert.ok(statements(timelineToMermaid(t).source).includes('note over S: LISTEN'));
    assert.equal(timelineToMermaid(timeline([])).source, 'sequenceDiagram\n');
  });

  it('escapes text once', () => {
    assert.equal(escapeMermaidText('a;b'), 'a#59;b');
    assert.equal(escapeMermaidText('#59;'), '#35;59#59;');
    assert.equal(escapeMermaidText(' two\nlines '), 'two lines');
  });

  it('formats durations in MSL where they are whole or half multiples', () => {
    assert.equal(formatDuration(240_000, 120_000), '2 MSL (4 min)');
    assert.equal(formatDuration(500, 120_000), '500 ms');
    assert.equal(formatDuration(1500, 120_000), '1.5 s');
    assert.equal(formatDuration(60_000, 30_000), '2 MSL (1 min)');
  });

  it('writes nowrap: on every message and note for drawing, and changes nothing else', () => {
    const hostile = 'a: b wrap: c nowrap: d';
    const t = timeline([
      ...everything().events,
      segment(20, 'C', 'S', ['ACK'], { seq: 'x', label: hostile }),
      event('note', 21, { note: { placement: 'right of', endpoints: ['S'], text: hostile } }),
    ], [...everything().participants]);
    const plain = timelineToMermaid(t).source;
    const fast = withExplicitNoWrap(plain);
    const before = plain.split('\n');
    const after = fast.split('\n');
    assert.equal(after.length, before.length);
    let changed = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === after[i]) {
        // Left alone: lines without text, and notes that already ask for wrapping.
        assert.ok(!/^\s*(\w+(->>|-x|--\))\w+|note )/.test(before[i]) || before[i].includes(':wrap:'), before[i]);
        continue;
      }
      changed++;
      // Exactly one `nowrap:` after the statement's first colon, the text unchanged.
      const colon = before[i].indexOf(':');
      assert.equal(after[i], `${before[i].slice(0, colon + 1)}nowrap:${before[i].slice(colon + 1)}`);
    }
    assert.ok(changed >= messages(plain).length + 1, `messages and notes marked (${changed})`);
    assert.equal(withExplicitNoWrap(fast), fast, 'applying it twice changes nothing');
  });
});

describe('render: long documents stop at maxSegments', () => {
  const analysis = analyze(longExchange(11)); // 25 segments
  const problems = analysis.diagnostics.filter((d) => d.severity !== 'information');

  it('draws the first maxSegments segments, then a note across all lifelines saying where it stops', () => {
    assert.deepEqual(problems, []);
    const d = timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics, maxSegments: 10, moreHint: 'More with X.' });
    assert.equal(messages(d.source).length, 10);
    assert.deepEqual(d.map.messages, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assertBalanced(d.source);
    const last = statements(d.source).pop()!;
    // The 11th segment stands on line 11: the diagram stops before it.
    assert.equal(last, 'note over C,S: The diagram stops here, before line 11#58; it draws 10 of 25 segments. More with X.');
    assert.equal(d.map.notes[d.map.notes.length - 1], 10, 'the note leads to the first line left out');
  });

  it('draws the window around the reader\'s line, with notes where it starts and stops', () => {
    const lines = analysis.timeline.events.filter((e) => e.segment).map((e) => e.line); // segment k on line k
    const d = timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics, maxSegments: 10, around: lines[14] });
    // Segment 15 (index 14) in the middle: segments 10 to 19 (indexes 9 to 18).
    assert.deepEqual(d.map.messages, lines.slice(9, 19));
    assertBalanced(d.source);
    const notes = statements(d.source).filter((l) => l.startsWith('note over C,S:'));
    assert.deepEqual(notes, [
      `note over C,S: The diagram starts here, at line ${lines[9] + 1} (C ESTABLISHED, S ESTABLISHED)#58; it draws segments 10 to 19 of 25.`,
      `note over C,S: The diagram stops here, before line ${lines[19] + 1}#58; it draws 10 of 25 segments.`,
    ]);
    assert.deepEqual(d.drawn, { firstLine: lines[9], endLine: lines[19] });
    assert.equal(d.map.notes[0], lines[9], 'the start note leads to the first line drawn');
  });

  it('a window at either end: the first segments (as without a line), or the last ones with no stop note', () => {
    const lines = analysis.timeline.events.filter((e) => e.segment).map((e) => e.line);
    const plain = timelineToMermaid(analysis.timeline, { maxSegments: 10 });
    assert.deepEqual(timelineToMermaid(analysis.timeline, { maxSegments: 10, around: 0 }), plain);
    assert.deepEqual(timelineToMermaid(analysis.timeline, { maxSegments: 10, around: lines[4] }), plain);
    assert.deepEqual(plain.drawn, { firstLine: 0, endLine: lines[10] });
    const end = timelineToMermaid(analysis.timeline, { maxSegments: 10, around: 10_000 });
    assert.deepEqual(end.map.messages, lines.slice(15));
    assert.match(end.source, /it draws segments 16 to 25 of 25\./);
    assert.doesNotMatch(end.source, /stops here/);
    assert.deepEqual(end.drawn, { firstLine: lines[15] });
    // A document that fits draws everything wherever the reader is, and says nothing of a window.
    const all = timelineToMermaid(analysis.timeline, { maxSegments: 25, around: lines[20] });
    assert.equal(messages(all.source).length, 25);
    assert.equal(all.drawn, undefined);
  });

  it('draws everything with no limit, 0, or a limit the document does not reach', () => {
    for (const maxSegments of [undefined, 0, 25, 1000]) {
      const d = timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics, maxSegments });
      assert.equal(messages(d.source).length, 25, `maxSegments ${maxSegments}`);
      assert.doesNotMatch(d.source, /stops here/);
    }
  });
});
