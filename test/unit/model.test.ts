// The endpoint model: each state transition, each sending rule, each diagnostic code, the timeline.
import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core';
import { applyFixes, nonOverlappingFixes } from '../../src/core/fixes';
import type { Analysis, TcpState } from '../../src/core';

const doc = (...lines: string[]) => lines.join('\n');

/** `line:severity:code` for every diagnostic (1-based lines). */
function codes(a: Analysis): string[] {
  return a.diagnostics.map((d) => `${d.range.start.line + 1}:${d.severity}:${d.code}`);
}

/** The state of an endpoint after the whole document. */
function finalState(a: Analysis, id: string): TcpState {
  const last = a.timeline.events[a.timeline.events.length - 1];
  return last.after.find((s) => s.endpoint === id)!.state;
}

function expectCodes(text: string, expected: string[]): Analysis {
  const a = analyze(text);
  assert.deepEqual(codes(a), expected, a.diagnostics.map((d) => d.message).join('\n'));
  return a;
}

const HANDSHAKE = ['C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ACK seq=x+1 ack=y+1'];

describe('model', () => {
  describe('state transitions (RFC 9293 state table)', () => {
    it('three-way handshake: CLOSED -> SYN-SENT -> ESTABLISHED; CLOSED (listening) -> SYN-RECEIVED -> ESTABLISHED', () => {
      const a = expectCodes(doc(...HANDSHAKE), []);
      const t = a.timeline.events.flatMap((e) => e.transitions.map((x) => `${x.endpoint}:${x.from}->${x.to}@${x.causeLine + 1}`));
      assert.deepEqual(t, ['C:CLOSED->SYN-SENT@1', 'S:LISTEN->SYN-RECEIVED@1', 'C:SYN-SENT->ESTABLISHED@2', 'S:SYN-RECEIVED->ESTABLISHED@3']);
    });

    it('active close: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT -> CLOSED after 2 MSL; passive: CLOSE-WAIT -> LAST-ACK -> CLOSED', () => {
      const base = ['C->S FIN ACK seq=u ack=v', 'C: FIN-WAIT-1', 'S: CLOSE-WAIT', 'S->C ACK seq=v ack=u+1', 'C: FIN-WAIT-2',
        'S->C FIN ACK seq=v ack=u+1', 'S: LAST-ACK', 'C: TIME-WAIT', 'C->S ACK seq=u+1 ack=v+1', 'S: CLOSED'];
      expectCodes(doc(...base, 'wait 1 MSL', 'C: TIME-WAIT', 'wait 1 MSL', 'C: CLOSED'), []);
    });

    it('FIN-WAIT-1 receiving a FIN that acknowledges its FIN goes straight to TIME-WAIT', () => {
      expectCodes(doc('C->S FIN ACK seq=u ack=v', 'S->C FIN ACK seq=v ack=u+1', 'C: TIME-WAIT', 'S: LAST-ACK'), []);
    });

    it('simultaneous open and close through par', () => {
      expectCodes(doc('par', 'A->B SYN seq=a', 'B->A SYN seq=b', 'end', 'A: SYN-RECEIVED', 'B: SYN-RECEIVED',
        'par', 'A->B SYN ACK seq=a ack=b+1', 'B->A SYN ACK seq=b ack=a+1', 'end', 'A: ESTABLISHED', 'B: ESTABLISHED'), []);
    });

    it('refused: an explicitly CLOSED endpoint answers a SYN with RST,ACK; SYN-SENT accepts it', () => {
      const a = expectCodes(doc('S: CLOSED', 'C->S SYN seq=x', 'S: CLOSED', 'S->C RST ACK seq=0 ack=x+1', 'C: CLOSED'), []);
      assert.ok(a.timeline.events[1].segment!.remarks.includes('refused'));
    });

    it('LISTEN answers an ACK with RST seq=its ack, and stays LISTEN', () => {
      expectCodes(doc('S: LISTEN', 'C: ESTABLISHED', 'C->S ACK seq=10 ack=20', 'S: LISTEN', 'S->C RST seq=20'), []);
    });

    it('a RST in SYN-RECEIVED returns a passive opener to LISTEN', () => {
      expectCodes(doc('C->S SYN seq=x', 'C->S RST seq=x+1', 'S: LISTEN', 'C: CLOSED'), []);
    });

    it('an abort RST closes both sides; a RST with the wrong seq is not accepted (RFC 5961)', () => {
      expectCodes(doc('C->S ACK seq=1 ack=1', 'S->C RST seq=1', 'C: CLOSED', 'S: CLOSED'), []);
      expectCodes(doc('C->S ACK seq=1 ack=1', 'S->C RST seq=1', 'C->S RST seq=5'), ['3:error:segment-not-allowed']);
    });

    it('SYN-SENT owes a RST for an ACK that does not acknowledge its SYN', () => {
      expectCodes(doc('A: CLOSED', 'B: ESTABLISHED', 'A->B SYN seq=400', 'B->A ACK seq=300 ack=100', 'A->B RST seq=100', 'B: CLOSED'), []);
      expectCodes(doc('A: CLOSED', 'B: ESTABLISHED', 'A->B SYN seq=400', 'B->A ACK seq=300 ack=100', 'A->B RST seq=101'), ['5:error:seq-mismatch']);
    });

    it('an endpoint set ESTABLISHED answers a SYN with a challenge ACK and binds nothing', () => {
      const a = expectCodes(doc('S: ESTABLISHED', 'C->S SYN seq=x', 'S: ESTABLISHED'), []);
      assert.ok(a.timeline.events[1].segment!.remarks.includes('challenge-ack'));
    });

    it('a new SYN past RCV.NXT reopens a connection in TIME-WAIT (RFC 1122 4.2.2.13)', () => {
      expectCodes(doc('C->S FIN ACK seq=u ack=v', 'S->C FIN ACK seq=v ack=u+1', 'C->S ACK seq=u+1 ack=v+1',
        'S->C SYN seq=z', 'C: SYN-RECEIVED'), []);
    });

    it('a SYN from an endpoint still in TIME-WAIT starts a new incarnation, with a warning', () => {
      expectCodes(doc('C->S FIN ACK seq=u ack=v', 'S->C FIN ACK seq=v ack=u+1', 'C->S ACK seq=u+1 ack=v+1',
        'C->S SYN seq=u+5000', 'C: SYN-SENT', 'S: SYN-RECEIVED'), ['4:warning:reopen-from-time-wait']);
    });

    it('wrong state assertions are errors with the computed state as the fix', () => {
      const a = expectCodes(doc('C->S SYN seq=x', 'S: SYN-SENT'), ['2:error:state-mismatch']);
      assert.equal(a.diagnostics[0].fix!.newText, 'SYN-RECEIVED');
      assert.match(a.diagnostics[0].message, /S is in SYN-RECEIVED here, not SYN-SENT/);
    });

    it('a starting state other than CLOSED, LISTEN or ESTABLISHED is an error', () => {
      expectCodes(doc('C: FIN-WAIT-1', 'C->S ACK'), ['1:error:bad-start-state']);
    });

    it('a state assertion about an endpoint lets segments in flight to it arrive first', () => {
      expectCodes(doc('C~>S SYN seq=x', 'S: SYN-RECEIVED'), []);
    });
  });

  describe('sending rules', () => {
    it('rule 1: a wrong seq names the expected value and why, with a fix', () => {
      const a = expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+2 ack=y+1'), ['4:error:seq-mismatch']);
      assert.equal(a.diagnostics[0].fix!.newText, 'x+1');
      assert.match(a.diagnostics[0].message, /^seq should be x\+1: the SYN at line 1 takes one sequence number/);
    });

    it('rule 1: data ahead of SND.NXT names the octets never sent, once', () => {
      const a = expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+101 ack=y+1 len=10', 'S->C ACK seq=y+1 ack=x+111'), ['4:error:seq-gap']);
      assert.match(a.diagnostics[0].message, /octets x\+1 to x\+100 were never sent/);
    });

    it('rule 1: retransmission after a loss is information; a repeat of what arrived is a warning', () => {
      expectCodes(doc(...HANDSHAKE, 'C-xS ACK seq=x+1 ack=y+1 len=10', 'C->S ACK seq=x+1 ack=y+1 len=10'), ['5:information:retransmission']);
      expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+1 ack=y+1 len=10', 'C->S ACK seq=x+1 ack=y+1 len=10'), ['5:warning:spurious-retransmission']);
      expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+1 ack=y+1 len=10', 'wait 1s', 'C->S ACK seq=x+1 ack=y+1 len=10'), ['6:information:retransmission']);
    });

    it('rule 1: keep-alive probes are information; a RST follows reset generation', () => {
      expectCodes(doc('C->S ACK seq=1000 ack=2000', 'C->S ACK seq=999 ack=2000 len=1'), ['2:information:keep-alive']);
      expectCodes(doc('S: CLOSED', 'C->S SYN seq=x', 'S->C RST ACK seq=1 ack=x+1'), ['3:error:seq-mismatch']);
    });

    it("rule 1: the same probe while the peer's window is 0 is a window probe, answered with an ACK", () => {
      const a = expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+1 ack=y+1 len=100', 'S->C ACK seq=y+1 ack=x+101 win=0', 'C->S ACK seq=x+100 ack=y+1', 'S->C ACK seq=y+1 ack=x+101 win=0'),
        ['6:information:window-probe']);
      assert.match(a.diagnostics[0].message, /window probe: one below SND\.NXT while S's window is 0/);
      assert.deepEqual(a.timeline.events[5].segment?.remarks, ['window-probe']);
      // Once the window has opened again, the probe is a keep-alive.
      expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+1 ack=y+1 len=100', 'S->C ACK seq=y+1 ack=x+101 win=1000', 'C->S ACK seq=x+100 ack=y+1', 'S->C ACK seq=y+1 ack=x+101'),
        ['6:information:keep-alive']);
    });

    it('rule 2: ack past RCV.NXT and below it are errors naming the expected value', () => {
      let a = expectCodes(doc(...HANDSHAKE, 'S->C ACK seq=y+1 ack=x+2'), ['4:error:ack-mismatch']);
      assert.match(a.diagnostics[0].message, /never received/);
      a = expectCodes(doc(...HANDSHAKE, 'C->S ACK seq=x+1 ack=y+1 len=5', 'S->C ACK seq=y+1 ack=x+1'), ['5:error:ack-mismatch']);
      assert.equal(a.diagnostics[0].fix!.newText, 'x+6');
    });

    it('rule 3: a missing ACK in a synchronized state is a warning that offers to add it', () => {
      const a = expectCodes(doc('C->S FIN seq=u', 'S->C ACK seq=v ack=u+1'), ['1:warning:missing-ack-flag']);
      assert.deepEqual([a.diagnostics[0].fix!.newText, a.diagnostics[0].fix!.range.start.character], [' ACK', 8]);
    });

    it('rule 4: data before ESTABLISHED, after the own FIN, SYN on an open connection, segments from CLOSED', () => {
      expectCodes(doc('C->S SYN seq=1', 'C->S ACK seq=2 len=5'), ['2:error:data-before-established']);
      expectCodes(doc('C->S FIN ACK seq=1 ack=1', 'C->S ACK seq=2 ack=1 len=5'), ['2:error:data-after-fin']);
      expectCodes(doc('C->S FIN ACK seq=1 ack=1', 'C->S FIN ACK seq=5 ack=1'), ['2:error:data-after-fin']);
      expectCodes(doc('C->S ACK seq=1 ack=1', 'S->C SYN ACK seq=1 ack=1'), ['2:error:syn-in-synchronized-state']);
      expectCodes(doc('C: CLOSED', 'S: LISTEN', 'C->S ACK seq=1 ack=1'), ['3:error:segment-not-allowed']);
      expectCodes(doc('C->S SYN seq=1', 'S->C ACK seq=5 ack=2'), ['2:error:segment-not-allowed']);
    });

    it('a segment left out by rule 4 does not move the model', () => {
      expectCodes(doc('C->S SYN seq=1', 'C->S ACK seq=2 len=5', 'C: SYN-SENT', 'S: SYN-RECEIVED'), ['2:error:data-before-established']);
    });

    it('TIME-WAIT sends an ACK only when something arrived since its last ACK', () => {
      expectCodes(doc('C->S FIN ACK seq=u ack=v', 'S->C FIN ACK seq=v ack=u+1', 'C->S ACK seq=u+1 ack=v+1', 'C->S ACK seq=u+1 ack=v+1'),
        ['4:error:time-wait-ack']);
    });

    it('segment syntax the model checks: flags, ack without ACK, options on SYN only, old with ->', () => {
      expectCodes(doc('C->S seq=1'), ['1:error:missing-flags']);
      expectCodes(doc('C->S ACK seq=1 ack=1', 'C->S PSH seq=1 ack=1 len=1'), ['2:error:ack-without-ack-flag']);
      expectCodes(doc('C->S ACK seq=1 ack=1 mss=1460'), ['1:error:option-not-on-syn']);
      expectCodes(doc('C~>S SYN seq=z old'), ['1:error:old-arrow', '1:information:old-duplicate']);
      expectCodes(doc('C->C SYN'), ['1:error:self-segment']);
    });

    it('SYN with data (Fast Open) is a warning; the receiver acknowledges only the SYN', () => {
      expectCodes(doc('C->S SYN seq=x len=10', 'S->C SYN ACK seq=y ack=x+1'), ['1:warning:syn-with-data']);
    });

    it('payload past the advertised window is a warning', () => {
      expectCodes(doc('C->S ACK seq=1 ack=1', 'S->C ACK seq=1 ack=1 win=10', 'C->S ACK seq=1 ack=1 len=11'), ['3:warning:window-exceeded']);
    });
  });

  describe('sequence spaces and variables', () => {
    it("the server's seq written in the client's numbers is its own diagnostic", () => {
      const a = expectCodes(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ACK seq=x+1 ack=y+1', 'S->C ACK seq=x+1 ack=x+1'),
        ['4:error:variable-space']);
      assert.equal(a.diagnostics[0].fix!.newText, 'y+1');
    });

    it("the server's SYN written as the client's seq + 1: the server chooses its own ISN, named y", () => {
      const text = doc('C->S SYN seq=x', 'S->C SYN ACK seq=x+1 ack=x+1', 'C->S ACK seq=x+1 ack=x+2');
      const a = expectCodes(text, ['2:error:variable-space', '3:error:variable-space']);
      assert.equal(a.diagnostics[0].message,
        "x numbers C's octets (bound at line 1), but S chooses its own initial sequence number: a new variable, such as y");
      assert.equal(a.diagnostics[0].fix!.newText, 'y');
      // The model goes on with y, so the next line expects y+1, not a placeholder.
      assert.match(a.diagnostics[1].message, /expected y\+1$/);
      assert.equal(a.diagnostics[1].fix!.newText, 'y+1');
      // Both fixes together give the textbook handshake.
      assert.equal(applyFixes(text, nonOverlappingFixes(a.diagnostics)), doc(...HANDSHAKE));
      expectCodes(doc(...HANDSHAKE), []);
    });

    it("checks the textbook's handshake and teardown written with SYN=1, ACK=1, and Fix all writes them the tcpseq way", () => {
      const text = doc(
        'C->S SYN=1, seq=x', 'S->C SYN=1, ACK=1, seq=y, ack=x+1', 'C->S ACK=1, seq=x+1, ack=y+1',
        'C->S FIN=1, seq=u', 'S->C ACK=1, seq=v, ack=u+1', 'S->C FIN=1, ACK=1, seq=w, ack=u+1', 'C->S ACK=1, seq=u+1, ack=w+1');
      const a = expectCodes(text, [
        '1:warning:flag-value', '2:warning:flag-value', '2:warning:flag-value', '3:warning:flag-value',
        '4:warning:flag-value', '4:warning:missing-ack-flag', '5:warning:flag-value', '6:warning:flag-value',
        '6:warning:flag-value', '7:warning:flag-value']);
      assert.equal(finalState(a, 'C'), 'TIME-WAIT');
      assert.equal(finalState(a, 'S'), 'CLOSED');
      let fixed = text;
      for (let pass = 0; pass < 3; pass++) fixed = applyFixes(fixed, nonOverlappingFixes(analyze(fixed).diagnostics));
      expectCodes(fixed, []);
      assert.doesNotMatch(fixed, /=1/);
    });

    it('a line whose only flag is the textbook ACK=1 says that it reads as ack=1, and the fix writes ACK', () => {
      const text = doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ACK=1 seq=x+1');
      const a = expectCodes(text, ['3:error:missing-flags']);
      const d = a.diagnostics[0];
      assert.equal(d.message, 'a segment needs flags: ACK=1 here is the acknowledgment number 1; write ACK for the flag');
      assert.deepEqual([d.range.start.character, d.range.end.character, d.fix!.newText], [5, 10, 'ACK']);
      expectCodes(applyFixes(text, nonOverlappingFixes(a.diagnostics)), []);
      // Written in lower case, it is the field, and the message is the usual one.
      assert.equal(analyze(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ack=1 seq=x+1')).diagnostics[0].message,
        'a segment needs flags (SYN, ACK, FIN, RST, ...)');
    });

    it('offers a name the document does not use yet for that ISN', () => {
      const a = analyze(doc('C->S SYN seq=y', 'S->C SYN ACK seq=y+1 ack=y+1'));
      assert.equal(a.diagnostics[0].fix!.newText, 'x');
      const b = analyze(doc('C->S SYN seq=x', 'S->C SYN ACK seq=x ack=x+1', 'C->S FIN ACK seq=z ack=y+1'));
      assert.equal(b.diagnostics[0].fix!.newText, 'isn2', 'x, y and z are written in the document');
    });

    it('a variable is bound at first use to what its position requires', () => {
      const a = expectCodes(doc(...HANDSHAKE, 'C->S FIN ACK seq=u ack=y+1', 'S->C ACK seq=v ack=u+1'), []);
      const u = a.timeline.variables.find((v) => v.name === 'u')!;
      assert.equal(u.line, 3);
      assert.deepEqual(u.space, { sender: 'C', receiver: 'S' });
    });

    it('offsets compare within a space, and a plain number fixes an unknown origin', () => {
      expectCodes(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+2'), ['2:error:ack-mismatch']);
      expectCodes(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=101', 'C->S ACK seq=101 ack=y+1', 'C->S ACK seq=x+1 ack=y+1'), []);
      expectCodes(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=101', 'C->S ACK seq=102 ack=y+1'), ['3:error:seq-mismatch']);
    });

    it('sequence numbers wrap around modulo 2^32', () => {
      expectCodes(doc('C->S SYN seq=4294967295', 'S->C SYN ACK seq=7 ack=0', 'C->S ACK seq=0 ack=8 len=1', 'S->C ACK seq=8 ack=1'), []);
    });
  });

  describe('arrivals', () => {
    it('in-flight segments arrive when an ack covers them, in order, or at a later arrival of their direction', () => {
      const a = expectCodes(doc('C: ESTABLISHED', 'S: ESTABLISHED', 'C~>S ACK seq=1 ack=1 len=10', 'C~>S ACK seq=11 ack=1 len=10',
        'S->C ACK seq=1 ack=11', 'S->C ACK seq=1 ack=21'), []);
      assert.deepEqual(a.timeline.events[4].arrivals, [2]);
      assert.deepEqual(a.timeline.events[5].arrivals, [3]);
      assert.deepEqual(a.timeline.events[2].segment!.arrivedAtLine, 4);
    });

    it('out-of-order data is held, a duplicate ACK is information, the gap fills', () => {
      expectCodes(doc(...HANDSHAKE, 'C-xS ACK seq=x+1 ack=y+1 len=10', 'C->S ACK seq=x+11 ack=y+1 len=10', 'S->C ACK seq=y+1 ack=x+1',
        'C->S ACK seq=x+1 ack=y+1 len=10', 'S->C ACK seq=y+1 ack=x+21'),
      ['5:information:out-of-order', '6:information:duplicate-ack', '7:information:retransmission']);
    });

    it('an old duplicate SYN is handled by its receiver and needs no ack', () => {
      expectCodes(doc('A: LISTEN', 'B: LISTEN', 'A->B SYN seq=z old', 'B->A SYN ACK seq=x ack=z+1', 'A->B RST seq=z+1', 'B: LISTEN'),
        ['3:information:old-duplicate']);
    });
  });

  describe('structure', () => {
    it('par: nested par and other statements inside are errors; a missing end is reported', () => {
      expectCodes(doc('par', 'par', 'end'), ['2:error:nested-par']);
      expectCodes(doc('par', 'wait 1s', 'end'), ['2:error:not-in-par']);
      expectCodes(doc('end'), ['1:error:unmatched-end']);
      expectCodes(doc('par', 'C->S ACK seq=1 ack=1'), ['1:error:unclosed-par']);
    });

    it('one mistake, one diagnostic: the model goes on with the expected value', () => {
      expectCodes(doc('C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x', 'C->S ACK seq=x+1 ack=y+1', 'C->S ACK seq=x+1 ack=y+1 len=5',
        'S->C ACK seq=y+1 ack=x+6'), ['2:error:ack-mismatch']);
    });
  });

  describe('timeline', () => {
    it('has one event per statement with states before and after and numbers in the document\'s terms', () => {
      const a = analyze(doc('title T', ...HANDSHAKE));
      assert.equal(a.timeline.title, 'T');
      assert.equal(a.timeline.events.length, 4);
      const e = a.timeline.events[2];
      assert.deepEqual(e.before.map((s) => `${s.endpoint}:${s.state}`), ['C:SYN-SENT', 'S:SYN-RECEIVED']);
      assert.deepEqual(e.after.map((s) => `${s.endpoint}:${s.state}`), ['C:ESTABLISHED', 'S:SYN-RECEIVED']);
      const s = e.after.find((x) => x.endpoint === 'S')!;
      assert.deepEqual([s.sndNxt, s.rcvNxt, s.iss, s.irs], ['y+1', 'x+1', 'y', 'x']);
      assert.deepEqual(e.segment!.seq, { text: 'y', written: true });
    });

    it('values left out are computed; wrong ones carry the expected value', () => {
      const a = analyze(doc(...HANDSHAKE, 'C->S ACK len=5', 'S->C ACK ack=x+1'));
      assert.deepEqual(a.timeline.events[3].segment!.seq, { text: 'x+1', written: false });
      assert.deepEqual(a.timeline.events[4].segment!.ack, { text: 'x+1', written: true, expected: 'x+6' });
      assert.equal(finalState(a, 'C'), 'ESTABLISHED');
    });
  });
});
