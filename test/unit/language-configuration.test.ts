// The language configuration's regular expressions, compiled the way VS Code compiles them
// (`new RegExp(pattern, flags)`), on lines as people write them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const CONFIG_FILE = resolve(__dirname, '../../../syntaxes/tcpseq.language-configuration.json');

interface PatternSpec { readonly pattern: string; readonly flags?: string }
const config = JSON.parse(readFileSync(CONFIG_FILE, 'utf8'));
const regex = (spec: string | PatternSpec, extraFlags = '') =>
  typeof spec === 'string' ? new RegExp(spec, extraFlags) : new RegExp(spec.pattern, (spec.flags ?? '') + extraFlags);

/** The words VS Code's word pattern finds on a line (it adds the `g` flag itself). */
function words(line: string): string[] {
  return [...line.matchAll(regex(config.wordPattern, 'g'))].map((m) => m[0]);
}

describe('language configuration (syntaxes/tcpseq.language-configuration.json)', () => {
  it('comments lines with #', () => {
    assert.equal(config.comments.lineComment, '#');
  });

  it('closes and surrounds with double quotes, outside strings and comments', () => {
    assert.deepEqual(config.autoClosingPairs, [{ open: '"', close: '"', notIn: ['string', 'comment'] }]);
    assert.deepEqual(config.surroundingPairs, [['"', '"']]);
  });

  describe('word pattern', () => {
    it('keeps hyphenated state names whole, in any case and spelling', () => {
      assert.deepEqual(words('C: FIN-WAIT-1'), ['C', 'FIN-WAIT-1']);
      assert.deepEqual(words('S: syn-sent  # SYN-RECEIVED next'), ['S', 'syn-sent', 'SYN-RECEIVED', 'next']);
      assert.deepEqual(words('C: FIN-WAIT2 TIME-WAIT CLOSE-WAIT LAST-ACK SYN-RCVD SYN_RECV'),
        ['C', 'FIN-WAIT2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'SYN-RCVD', 'SYN_RECV']);
    });

    it('splits flags, fields and expressions so a variable or a number is one word', () => {
      assert.deepEqual(words('S->C SYN-ACK seq=y ack=x+1 len=100'),
        ['S', 'C', 'SYN', 'ACK', 'seq', 'y', 'ack', 'x', '1', 'len', '100']);
      assert.deepEqual(words('C->S ACK seq=u + 4294967295'), ['C', 'S', 'ACK', 'seq', 'u', '4294967295']);
    });

    it('reads the arrow first: in C-xS the words are C and S', () => {
      assert.deepEqual(words('C-xS ACK'), ['C', 'S', 'ACK']);
      assert.deepEqual(words('Client-XServer FIN'), ['Client', 'Server', 'FIN']);
      assert.deepEqual(words('C -x xS'), ['C', 'x', 'xS']);
    });

    it('keeps a duration with its unit', () => {
      assert.deepEqual(words('wait 2MSL'), ['wait', '2MSL']);
      assert.deepEqual(words('wait 0.5 s'), ['wait', '0.5', 's']);
    });
  });

  describe('par ... end', () => {
    const cases: [string, boolean, boolean][] = [
      // line, starts a block, ends a block
      ['par', true, false],
      ['  PAR   # crossing FINs', true, false],
      ['end', false, true],
      ['\tEnd', false, true],
      ['participant P', false, false],
      ['end->S SYN', false, false],
      ['  A->B FIN ACK seq=u ack=v', false, false],
    ];
    for (const [line, starts, ends] of cases) {
      it(`${JSON.stringify(line)}: ${starts ? 'folds and indents after it' : ends ? 'ends the fold and outdents' : 'is neither start nor end'}`, () => {
        assert.equal(regex(config.folding.markers.start).test(line), starts);
        assert.equal(regex(config.indentationRules.increaseIndentPattern).test(line), starts);
        assert.equal(regex(config.onEnterRules[0].beforeText).test(line), starts);
        assert.equal(regex(config.folding.markers.end).test(line), ends);
        assert.equal(regex(config.indentationRules.decreaseIndentPattern).test(line), ends);
      });
    }
  });
});
