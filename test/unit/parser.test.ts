// The parser: every statement, every token's range, syntax errors that name what was expected.
import * as assert from 'node:assert/strict';
import { parse } from '../../src/core';
import { commentStart } from '../../src/core/parser';
import type { SegmentStatement, Statement } from '../../src/core';

function one(line: string): Statement {
  const p = parse(line);
  assert.deepEqual(p.diagnostics.map((d) => d.message), [], `unexpected diagnostics for ${line}`);
  assert.equal(p.statements.length, 1);
  return p.statements[0];
}

function seg(line: string): SegmentStatement {
  const s = one(line);
  assert.equal(s.kind, 'segment');
  return s as SegmentStatement;
}

/** The text a range covers on a one-line document. */
function cut(line: string, r: { start: { character: number }; end: { character: number } }): string {
  return line.slice(r.start.character, r.end.character);
}

function syntaxError(line: string): { message: string; text: string; code: string } {
  const p = parse(line);
  assert.equal(p.diagnostics.length, 1, `expected one diagnostic for ${line}, got ${JSON.stringify(p.diagnostics.map((d) => d.message))}`);
  const d = p.diagnostics[0];
  assert.equal(d.severity, 'error');
  return { message: d.message, text: cut(line, d.range), code: d.code };
}

describe('parser', () => {
  describe('segments', () => {
    it('reads sender, arrow, receiver, flags and fields with exact ranges', () => {
      const line = 'C->S SYN ACK seq=y ack=x+1 : 2nd wave';
      const s = seg(line);
      assert.equal(cut(line, s.from.range), 'C');
      assert.equal(cut(line, s.arrow.range), '->');
      assert.equal(cut(line, s.to.range), 'S');
      assert.deepEqual(s.flags.map((f) => f.value), ['SYN', 'ACK']);
      assert.equal(cut(line, s.flags[1].range), 'ACK');
      assert.equal(cut(line, s.seq!.range), 'seq=y');
      assert.equal(cut(line, s.ack!.range), 'ack=x+1');
      assert.deepEqual({ v: s.ack!.expr!.variable, o: s.ack!.expr!.offset }, { v: 'x', o: 1 });
      assert.equal(s.label!.value, '2nd wave');
    });

    it('keeps a segment compact and makes the same tokens when read: repeated flags, a variable spelt like a flag', () => {
      const line = 'C->S syn ACK SYN win=5 seq=ack+2 ack = fin len=3 mss=1460 : "quoted: label"';
      const p = parse(line);
      assert.deepEqual(p.diagnostics.map((d) => [d.code, cut(line, d.range)]), [['duplicate-flag', 'SYN']]);
      const s = p.statements[0] as SegmentStatement;
      assert.deepEqual(s.flags.map((f) => [f.value, cut(line, f.range)]), [['SYN', 'syn'], ['ACK', 'ACK']]);
      assert.equal(cut(line, s.flagsRange!), 'syn ACK SYN');
      assert.deepEqual([s.seq!.expr!.variable, s.seq!.expr!.offset, s.seq!.expr!.text, cut(line, s.seq!.range)], ['ack', 2, 'ack+2', 'seq=ack+2']);
      assert.deepEqual([s.ack!.expr!.variable, cut(line, s.ack!.range), cut(line, s.ack!.expr!.range)], ['fin', 'ack = fin', 'fin']);
      assert.deepEqual([s.len!.number, cut(line, s.len!.range), s.win!.number, cut(line, s.win!.range)], [3, 'len=3', 5, 'win=5']);
      assert.deepEqual([s.mss!.number, cut(line, s.mss!.range)], [1460, 'mss=1460']);
      assert.equal(s.label!.value, 'quoted: label');
      assert.equal(cut(line, s.range), line);
      // The plain form (what leaves the core) holds the same.
      const plain = JSON.parse(JSON.stringify(s));
      assert.deepEqual(plain.flags.map((f: { value: string }) => f.value), ['SYN', 'ACK']);
      assert.deepEqual(plain.seq.range, { start: { line: 0, character: 23 }, end: { line: 0, character: 32 } });
      assert.equal(plain.label.value, 'quoted: label');
    });

    it('numbers near 2^32 and sums past it are read modulo 2^32', () => {
      const s = seg('C->S ACK seq=4294967295 ack=x+4294967295+2');
      assert.equal(s.seq!.expr!.offset, 4294967295);
      assert.deepEqual([s.ack!.expr!.variable, s.ack!.expr!.offset], ['x', 1]);
      assert.equal(seg('C->S ACK seq=5-7').seq!.expr!.offset, 4294967294);
    });

    it('accepts every flag spelling: spaces, comma, plus, bar, hyphen, any case', () => {
      for (const f of ['SYN ACK', 'SYN,ACK', 'SYN+ACK', 'SYN-ACK', 'syn|ack', 'Syn, Ack']) {
        assert.deepEqual(seg(`S->C ${f} seq=y ack=x+1`).flags.map((t) => t.value), ['SYN', 'ACK'], f);
      }
      assert.deepEqual(seg('C->S FIN-ACK').flags.map((t) => t.value), ['FIN', 'ACK']);
      assert.deepEqual(seg('C->S PSH URG ECE CWR ACK RST').flags.map((t) => t.value), ['PSH', 'URG', 'ECE', 'CWR', 'ACK', 'RST']);
    });

    it('reads the three arrows, with or without spaces; the arrow is read first', () => {
      assert.equal(seg('C -> S ACK').arrow.value, '->');
      assert.equal(seg('C~>S ACK').arrow.value, '~>');
      const lost = seg('C-xS ACK');
      assert.equal(lost.arrow.value, '-x');
      assert.equal(lost.from.value, 'C');
      assert.equal(lost.to.value, 'S');
      assert.equal(seg('Client-XServer ACK').to.value, 'Server');
    });

    it("allows Mermaid's colon after the receiver", () => {
      assert.deepEqual(seg('C->S: SYN seq=x').flags.map((t) => t.value), ['SYN']);
      assert.equal(seg('C->S : SYN seq=x').seq!.expr!.variable, 'x');
    });

    it('reads every field and option, in any order, and old anywhere among them', () => {
      const s = seg('C->S SYN old win=65535 mss=1460 sackok wscale=7 len=0 seq=100');
      assert.equal(s.win!.number, 65535);
      assert.equal(s.mss!.number, 1460);
      assert.equal(s.wscale!.number, 7);
      assert.ok(s.sackok);
      assert.ok(s.old);
      assert.equal(s.len!.number, 0);
      assert.equal(s.seq!.expr!.offset, 100);
    });

    it('reads expressions: spaces inside, minus, wrap-around modulo 2^32', () => {
      assert.deepEqual(seg('C->S ACK ack=x + 101').ack!.expr!.offset, 101);
      assert.equal(seg('C->S ACK seq=u-1').seq!.expr!.offset, 4294967295);
      assert.equal(seg('C->S ACK seq=4294967295+1').seq!.expr!.offset, 0);
      assert.equal(seg('C->S ACK seq=1+x').seq!.expr!.variable, 'x');
      // A field after the expression is not part of it.
      const s = seg('C->S ACK seq=x+1 len=5');
      assert.equal(s.seq!.expr!.text, 'x+1');
      assert.equal(s.len!.number, 5);
    });

    it('keeps # inside a quoted label and strips comments elsewhere', () => {
      assert.equal(seg('C->S ACK len=10 : "HTTP #1"').label!.value, 'HTTP #1');
      assert.equal(seg('C->S ACK # a comment : not a label').label, undefined);
      assert.equal(commentStart('a "b # c" # d'), 10);
      assert.equal(commentStart('an "unpaired # quote'), 13);
    });
  });

  describe("the textbook's flags as bits (SYN=1, ACK=1)", () => {
    it('reads FLAG=1 as the flag, with a warning whose fix writes the flag', () => {
      const line = 'S->C SYN=1, ACK=1, seq=y, ack=x+1';
      const p = parse(line);
      assert.deepEqual(p.diagnostics.map((d) => [d.severity, d.code, d.message, cut(line, d.range), d.fix?.newText]), [
        ['warning', 'flag-value', 'SYN=1 sets the SYN flag: write SYN', 'SYN=1', 'SYN'],
        ['warning', 'flag-value', 'ACK=1 sets the ACK flag: write ACK', 'ACK=1', 'ACK'],
      ]);
      const s = p.statements[0] as SegmentStatement;
      assert.deepEqual(s.flags.map((f) => [f.value, cut(line, f.range)]), [['SYN', 'SYN'], ['ACK', 'ACK']]);
      assert.equal(cut(line, s.ack!.range), 'ack=x+1');
      assert.equal(cut(line, s.seq!.range), 'seq=y');
    });

    it('reads FLAG=0 as no flag, and its fix removes it with its separator', () => {
      const line = 'C->S SYN=1, ACK=0, seq=x';
      const p = parse(line);
      const zero = p.diagnostics[1];
      assert.equal(zero.message, 'ACK=0 means the ACK flag is not set: leave it out');
      assert.equal(cut(line, zero.range), 'ACK=0');
      assert.deepEqual([cut(line, zero.fix!.range), zero.fix!.newText], ['ACK=0, ', '']);
      assert.deepEqual((p.statements[0] as SegmentStatement).flags.map((f) => f.value), ['SYN']);
    });

    it('leaves ack=1 the acknowledgment number where the line has no other ack=, and other values alone', () => {
      const alone = parse('C->S ACK=1 seq=x+1');
      assert.deepEqual(alone.diagnostics.map((d) => d.code), []);
      const s = alone.statements[0] as SegmentStatement;
      assert.deepEqual([s.flags.length, s.ack!.expr!.offset], [0, 1], 'no flag; ack=1');
      assert.equal(syntaxError('C->S SYN=10 seq=x').code, 'syntax');
      assert.equal(syntaxError('C->S SYN=1x seq=x').code, 'syntax');
    });
  });

  describe('full-width punctuation, as Chinese input methods type it', () => {
    it("reads '，' between flags and fields and '：' before a label or after the receiver, each with a warning and its fix", () => {
      const line = 'S->C：SYN=1，ACK=1，seq=y，ack=x+1：第二次握手：同意';
      const p = parse(line);
      const wide = p.diagnostics.filter((d) => d.code === 'full-width-punctuation');
      assert.deepEqual(wide.map((d) => [d.severity, cut(line, d.range), d.fix!.newText]), [
        ['warning', '：', ':'], ['warning', '，', ','], ['warning', '，', ','], ['warning', '，', ','], ['warning', '：', ':'],
      ]);
      assert.equal(wide[1].message, "'，' is full-width punctuation: write ','");
      assert.deepEqual(p.diagnostics.filter((d) => d.code === 'flag-value').map((d) => cut(line, d.range)), ['SYN=1', 'ACK=1']);
      const s = p.statements[0] as SegmentStatement;
      assert.deepEqual(s.flags.map((f) => [f.value, cut(line, f.range)]), [['SYN', 'SYN'], ['ACK', 'ACK']]);
      assert.equal(cut(line, s.seq!.range), 'seq=y');
      assert.equal(cut(line, s.ack!.range), 'ack=x+1');
      assert.equal(s.label!.value, '第二次握手：同意', 'a full-width colon inside the label stays in it');
    });

    it("reads '：' in a state line and a note too", () => {
      const state = parse('C：SYN-SENT');
      assert.deepEqual(state.diagnostics.map((d) => [d.code, d.range.start.character, d.fix!.newText]), [['full-width-punctuation', 1, ':']]);
      assert.deepEqual(state.statements.map((st) => st.kind === 'state' && st.state), ['SYN-SENT']);
      const note = parse('note over C,S：数据传送');
      assert.deepEqual(note.diagnostics.map((d) => d.code), ['full-width-punctuation']);
      assert.equal(note.statements[0].kind === 'note' && note.statements[0].text.value, '数据传送');
    });

    it('leaves full-width punctuation inside an ASCII label alone', () => {
      const line = 'C->S SYN seq=x : 第一次，客户端：发起';
      assert.equal(seg(line).label!.value, '第一次，客户端：发起');
    });
  });

  describe('other statements', () => {
    it('title, participant, par/end, notes', () => {
      assert.deepEqual((one('title Four-way teardown') as { text: { value: string } }).text.value, 'Four-way teardown');
      const p = one('participant S as Server') as Extract<Statement, { kind: 'participant' }>;
      assert.equal(p.id.value, 'S');
      assert.equal(p.label!.value, 'Server');
      assert.equal(one('PAR').kind, 'par');
      assert.equal(one('  end  # done').kind, 'end');
      const n = one('note over C,S: data transfer') as Extract<Statement, { kind: 'note' }>;
      assert.deepEqual([n.placement, n.endpoints.map((e) => e.value), n.text.value], ['over', ['C', 'S'], 'data transfer']);
      assert.equal((one('note left of C: hi') as Extract<Statement, { kind: 'note' }>).placement, 'left of');
      assert.equal((one('note right of S: hi') as Extract<Statement, { kind: 'note' }>).placement, 'right of');
    });

    it('durations: N ms/s/min/h, MSL, N MSL, 2MSL, 2*MSL, fractions', () => {
      const d = (t: string) => (one(`wait ${t}`) as Extract<Statement, { kind: 'wait' }>).duration;
      assert.deepEqual(d('2MSL'), { msl: 2 });
      assert.deepEqual(d('2*MSL'), { msl: 2 });
      assert.deepEqual(d('2 MSL'), { msl: 2 });
      assert.deepEqual(d('MSL'), { msl: 1 });
      assert.deepEqual(d('0.5 s'), { ms: 500 });
      assert.deepEqual(d('30s'), { ms: 30000 });
      assert.deepEqual(d('2 min'), { ms: 120000 });
      assert.deepEqual(d('1 h'), { ms: 3600000 });
      assert.deepEqual(d('250 ms'), { ms: 250 });
      assert.equal((one('msl 30s') as Extract<Statement, { kind: 'msl' }>).ms, 30000);
    });

    it('state lines: canonical names, accepted spellings, the SYN_SEND misspelling', () => {
      const st = (t: string) => one(`C: ${t}`) as Extract<Statement, { kind: 'state' }>;
      assert.equal(st('syn_rcvd').state, 'SYN-RECEIVED');
      assert.equal(st('SYN-RECV').state, 'SYN-RECEIVED');
      assert.equal(st('ESTAB').state, 'ESTABLISHED');
      assert.equal(st('FIN-WAIT1').state, 'FIN-WAIT-1');
      assert.equal(st('FIN_WAIT2').state, 'FIN-WAIT-2');
      assert.equal(st('time_wait').state, 'TIME-WAIT');
      const m = st('SYN_SEND');
      assert.equal(m.state, 'SYN-SENT');
      assert.equal(m.misspelt, true);
    });

    it('keywords followed by something else are endpoint names', () => {
      assert.equal(one('end: CLOSED').kind, 'state');
      assert.equal(seg('title->S SYN').from.value, 'title');
    });
  });

  describe('syntax errors name what was expected and cover the token at fault', () => {
    it('unknown words, arrows, fields, numbers', () => {
      let e = syntaxError('C=>S SYN');
      assert.match(e.message, /expected an arrow/);
      assert.equal(e.text, '=>S');
      e = syntaxError('C->S SYN bogus');
      assert.equal(e.text, 'bogus');
      assert.match(e.message, /not a flag or a field/);
      e = syntaxError('C->S ACK foo=1');
      assert.equal(e.text, 'foo');
      e = syntaxError('C->S ACK seq=4294967296');
      assert.equal(e.text, '4294967296');
      assert.match(e.message, /below 2\^32/);
      e = syntaxError('C->S ACK seq=x+y');
      assert.match(e.message, /at most one variable/);
      e = syntaxError('C->S ACK seq=1-x');
      assert.match(e.message, /plus sign/);
      e = syntaxError('C->S ACK len=');
      assert.match(e.message, /expected a number/);
    });

    it('duplicates are reported on the second occurrence', () => {
      const p = parse('C->S ACK ACK seq=1 seq=2');
      assert.deepEqual(p.diagnostics.map((d) => [d.code, cut('C->S ACK ACK seq=1 seq=2', d.range)]), [
        ['duplicate-flag', 'ACK'], ['duplicate-field', 'seq=2'],
      ]);
    });

    it('states, durations, par lines, notes', () => {
      let e = syntaxError('S: LISTENING');
      assert.equal(e.code, 'unknown-state');
      assert.match(e.message, /did you mean LISTEN/);
      e = syntaxError('wait forever');
      assert.match(e.message, /expected a duration/);
      e = syntaxError('msl 2MSL');
      assert.match(e.message, /time unit/);
      e = syntaxError('par now');
      assert.match(e.message, /nothing may follow/);
      e = syntaxError('note under C: x');
      assert.match(e.message, /note over ID/);
      e = syntaxError('participant S server');
      assert.match(e.message, /as TEXT/);
    });

    it('one bad line never hides the lines after it', () => {
      const p = parse('C=>S SYN\nC->S SYN seq=x\n???\nS->C SYN ACK seq=y ack=x+1');
      assert.equal(p.diagnostics.length, 2);
      assert.deepEqual(p.statements.map((s) => s.range.start.line), [1, 3]);
    });

    it('counts columns in UTF-16 code units', () => {
      const line = 'C->S ACK : 😀 ok';
      const s = seg(line);
      assert.equal(s.label!.range.start.character, 11);
      const p = parse('note over C: 😀\nC->S ACK bogus😀');
      assert.equal(p.diagnostics[0].range.start.character, 9);
    });
  });
});
