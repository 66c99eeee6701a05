import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core';
import type { Analysis } from '../../src/core';
import { formatDocument, formatEdits, splitComment } from '../../src/core/format';
import { rng } from './random';

const EXAMPLES = '/work/shared/examples';

/** Every example document: .tcpseq files whole, and each tcpseq block of the Markdown notes. */
function exampleDocuments(): { name: string; text: string }[] {
  const docs: { name: string; text: string }[] = [];
  for (const file of readdirSync(EXAMPLES).sort()) {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    if (file.endsWith('.tcpseq')) docs.push({ name: file, text });
    if (file === 'notes.md') {
      const blocks = text.split(/^```tcpseq\n/m).slice(1).map((b) => b.slice(0, b.indexOf('```')));
      blocks.forEach((b, i) => docs.push({ name: `${file} block ${i + 1}`, text: b }));
    }
  }
  return docs;
}

/** Keys that hold positions or wording, which formatting may legitimately change. */
const POSITION_KEYS = new Set(['range', 'flagsRange', 'durationRange', 'fix', 'message', 'messageData', 'written']);

/** What formatting must not change: diagnostics (line, severity, code) and the timeline. */
function meaning(a: Analysis): { diagnostics: string[]; timeline: string } {
  return {
    diagnostics: a.diagnostics.map((d) => `${d.range.start.line}:${d.severity}:${d.code}`),
    timeline: JSON.stringify(a.timeline, (key, value: unknown) => {
      if (POSITION_KEYS.has(key)) return undefined;
      // A value as written keeps its digits and variables; only blanks inside it may change.
      if (key === 'text' && typeof value === 'string') return value.replace(/\s+/g, '');
      return value;
    }),
  };
}

function assertSameMeaning(name: string, before: string): string {
  const after = formatDocument(before);
  assert.deepEqual(meaning(analyze(after)), meaning(analyze(before)), `${name}: formatting changed the meaning\n${after}`);
  assert.equal(formatDocument(after), after, `${name}: formatting is not idempotent`);
  return after;
}


/** Documents written the way people write them: odd spacing, case, separators, labels, comments, mistakes. */
function fuzzDocument(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const sp = (): string => pick(['', ' ', '  ', '\t', ' ']);
  const sp1 = (): string => pick([' ', '  ', '\t', ' ']);
  const kase = (w: string): string => pick([w, w.toLowerCase(), w[0] + w.slice(1).toLowerCase()]);
  const flags = (): string => {
    const set = pick([['SYN'], ['SYN', 'ACK'], ['ACK'], ['FIN', 'ACK'], ['PSH', 'ACK'], ['RST'], ['RST', 'ACK'], ['FIN'], ['ACK', 'ACK']]);
    const sep = pick([' ', ',', '+', '-', '|', ' , ', '  ']);
    return set.map(kase).join(sep);
  };
  const expr = (v: string): string => pick([v, `${v}+1`, `${v} + ${Math.floor(rnd() * 300)}`, `${v}-1`, String(Math.floor(rnd() * 5000))]);
  const field = (): string => pick([
    `seq${sp()}=${sp()}${expr(pick(['x', 'y', 'u']))}`, `${kase('ack')}=${expr(pick(['x', 'y', 'v']))}`,
    `len=${pick([0, 1, 100, 1460])}`, `win=${pick([0, 1000, 65535])}`, `mss=1460`, `wscale=7`, kase('sackok'), 'old',
  ]);
  const segment = (): string => {
    const [from, to] = pick([['C', 'S'], ['S', 'C'], ['A', 'B']]);
    const arrow = pick(['->', '~>', '-x', '-X']);
    const colon = pick(['', '', ':', ' :']);
    const fields = Array.from({ length: Math.floor(rnd() * 3) }, field).join(sp1());
    const label = pick(['', '', `${sp()}:${sp()}${pick(['GET /', 'lost', '"HTTP #1"', '1st: hi', ''])}`]);
    return `${sp()}${from}${sp()}${arrow}${sp()}${to}${colon}${sp1()}${flags()}${fields ? sp1() + fields : ''}${label}`;
  };
  const line = (): string => pick([
    segment, segment, segment, segment,
    () => `${pick(['C', 'S', 'A'])}${sp()}:${sp()}${kase(pick(['SYN_SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'ESTAB', 'TIME-WAIT', 'LISTEN', 'CLOSED', 'SYN_SEND', 'FOO']))}`,
    () => `${kase('wait')}${sp1()}${pick(['2MSL', '2 msl', '2*MSL', '30 s', '0.5s', '100ms', '1 h', 'MSL'])}`,
    () => `${kase('par')}`, () => `${sp()}${kase('end')}`,
    () => `note${sp1()}${pick(['over', 'left of', 'right of'])}${sp1()}${pick(['C', 'C,S', 'C , S'])}${sp()}:${sp()}text # x`,
    () => `# a comment`, () => '', () => `${kase('title')}${sp1()}A title`, () => `participant${sp1()}C${sp1()}as${sp1()}Client`,
    () => `msl${sp1()}${pick(['30s', '1 min', '2MSL'])}`, () => `C->S ${pick(['', 'BOGUS', 'SYN seq=', 'SYN seq=x+y', 'SYN len=-1'])}`,
  ])();
  const lines = Array.from({ length: 3 + Math.floor(rnd() * 14) }, () => {
    const l = line();
    return rnd() < 0.15 ? `${l}${sp()}# note ${pick(['!', '"#"', 'x'])}` : l + pick(['', '', ' ']);
  });
  return lines.join(pick(['\n', '\n', '\r\n']));
}

describe('formatDocument', () => {
  it('writes segments with canonical spacing, case and flag separators', () => {
    assert.equal(formatDocument('  C  ->  S  syn+Ack   Seq = x + 1  ACK=y'), 'C->S SYN ACK seq=x+1 ack=y');
    assert.equal(formatDocument('C-XS fin,ack seq=u'), 'C-xS FIN ACK seq=u');
    assert.equal(formatDocument('C ~> S SYN-ACK   seq=y ack=x+1   mss=1460 SACKOK'), 'C~>S SYN ACK seq=y ack=x+1 mss=1460 sackok');
  });

  it("writes the commas of textbook notes (and of Fix all's rewrite of SYN=1，) as spaces", () => {
    assert.equal(formatDocument('S->C SYN,ACK,seq=y,ack=x+1'), 'S->C SYN ACK seq=y ack=x+1');
    assert.equal(formatDocument('C->S ACK, seq=x+1, ack=y+1, len=10 : GET /'), 'C->S ACK seq=x+1 ack=y+1 len=10 : GET /');
    // Other separators still need a flag after them; flags written as bits are left for their fix.
    assert.equal(formatDocument('C->S SYN-seq=x'), 'C->S SYN-seq=x');
    assert.equal(formatDocument('C->S SYN=1, seq=x'), 'C->S SYN=1, seq=x');
  });

  it('keeps what the writer chose: field order, the Mermaid colon, state spellings, variables', () => {
    assert.equal(formatDocument('C->S:  SYN len=0 seq=X'), 'C->S: SYN len=0 seq=X');
    assert.equal(formatDocument('S :  syn_rcvd'), 'S: SYN_RCVD');
    assert.equal(formatDocument('C:estab'), 'C: ESTAB');
    assert.equal(formatDocument('WAIT  2 * msl'), 'wait 2 * MSL');
  });

  it('indents par bodies by two spaces, comments included', () => {
    const text = 'A: ESTABLISHED\nB: ESTABLISHED\nPAR\nA->B FIN ACK seq=u ack=v\n      # crossing\n B->A FIN ACK seq=v ack=u\n   end';
    assert.equal(
      formatDocument(text),
      'A: ESTABLISHED\nB: ESTABLISHED\npar\n  A->B FIN ACK seq=u ack=v\n  # crossing\n  B->A FIN ACK seq=v ack=u\nend',
    );
  });

  it('aligns labels within a run of segment lines, and trailing comments after them', () => {
    const text = [
      'C->S SYN seq=x : connect',
      'S->C SYN ACK seq=y ack=x+1:accept  # 2nd',
      'C->S ACK seq=x+1 ack=y+1',
      'C: ESTABLISHED',
      'C->S ACK seq=x+1 ack=y+1 len=10 :  data',
    ].join('\n');
    assert.equal(formatDocument(text), [
      'C->S SYN seq=x             : connect',
      'S->C SYN ACK seq=y ack=x+1 : accept  # 2nd',
      'C->S ACK seq=x+1 ack=y+1',
      'C: ESTABLISHED',
      'C->S ACK seq=x+1 ack=y+1 len=10 : data',
    ].join('\n'));
  });

  it('keeps comments, and a # inside a quoted label is not a comment', () => {
    assert.equal(formatDocument('C->S SYN seq=x   :   "HTTP #1"   #  why'), 'C->S SYN seq=x : "HTTP #1"  #  why');
    assert.deepEqual(splitComment('C->S SYN : "a # b" # c'), { body: 'C->S SYN : "a # b" ', comment: '# c' });
    assert.deepEqual(splitComment('C->S SYN : 5" # c'), { body: 'C->S SYN : 5" ', comment: '# c' });
  });

  it('leaves lines with syntax errors exactly as written', () => {
    for (const bad of ['C  ->  S   SYN SYN seq=x', 'C ->  S  SYN   seq=x+y', 'C ->  S  SYN  seq=4294967296', 'par  nonsense ', '  wait   forever']) {
      assert.ok(analyze(bad).parsed.diagnostics.some((d) => d.severity === 'error'), `expected a syntax error in ${bad}`);
      assert.equal(formatDocument(`C->S  SYN seq=1\n${bad}`), `C->S SYN seq=1\n${bad}`);
    }
  });

  it('keeps the line breaks of the document and removes trailing blanks', () => {
    assert.equal(formatDocument('title  T  \r\nC->S  SYN\r\n\r\n'), 'title T\r\nC->S SYN\r\n\r\n');
  });

  it('reports only the lines it changes', () => {
    assert.deepEqual(formatEdits('title T\nC->S  SYN\nS: LISTEN'), [{ line: 1, newText: 'C->S SYN' }]);
  });

  it('changes nothing that matters in any example, and is idempotent', () => {
    const docs = exampleDocuments();
    assert.ok(docs.length >= 14, 'examples found');
    for (const { name, text } of docs) assertSameMeaning(name, text);
  });

  it('changes nothing that matters in fuzzed documents, and is idempotent', function () {
    // 400 documents, each analysed three times: more than mocha's default 2 s on a busy machine.
    this.timeout(60_000);
    let changed = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const text = fuzzDocument(rng(seed));
      if (assertSameMeaning(`fuzz seed ${seed}:\n${text}\n`, text) !== text) changed++;
    }
    // The generator writes sloppy documents: most of them must actually be reformatted.
    assert.ok(changed > 200, `only ${changed} of 400 fuzzed documents changed`);
  });
});
