// Random and mutated documents, seeded and reproducible: the core never throws, every diagnostic
// and fix range lies inside the document, and huge or hostile inputs still get their diagnostics.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyze, analyzeMarkdown } from '../../src/core';
import type { Analysis, Range } from '../../src/core';
import { runModel, runParsed } from '../../src/core/model';
import { parse } from '../../src/core/parser';
import { renderMessage } from '../../src/core/messages';
import { FIXTURES, SHARED_EXAMPLES, exampleFiles } from './marks';
import { rng } from './random';


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const ENDPOINTS = ['C', 'S', 'A', 'B', 'Client', 'x'];
const FLAG_WORDS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'SYN-ACK', 'FIN,ACK', 'syn+ack', 'BOGUS', ''];
const STATES = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN_RCVD', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN_WAIT2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT', 'SYN_SEND', 'NOPE', ''];
const ARROWS = ['->', '~>', '-x', '-X', '=>', ' -> ', '->:'];

function expr(r: () => number): string {
  const v = pick(r, ['x', 'y', 'u', 'v', 'w', 'z', '']);
  const n = pick(r, [0, 1, 2, 100, 101, 4294967295, 4294967296, 7]);
  const form = Math.floor(r() * 5);
  if (form === 0) return String(n);
  if (form === 1 && v) return v;
  if (form === 2 && v) return `${v}+${n}`;
  if (form === 3 && v) return `${v} - ${n}`;
  return `${n}+${v || 'q'}`;
}

/** One random line from the language (and a little outside it). */
function randomLine(r: () => number): string {
  switch (Math.floor(r() * 12)) {
    case 0: return `${pick(r, ENDPOINTS)}: ${pick(r, STATES)}`;
    case 1: return pick(r, ['par', 'end', 'par', 'end', '  par', 'end # x']);
    case 2: return `wait ${pick(r, ['2MSL', '2*MSL', '1 s', '0.5 s', 'forever', '30 min', 'MSL'])}`;
    case 3: return pick(r, ['msl 30s', 'msl 1 min', 'title T', 'participant C as Client', 'note over C,S: hi', 'note left of S: "#x"']);
    case 4: return pick(r, ['', '# comment', '   ', '"unpaired # quote', '\t\t']);
    default: {
      const parts = [`${pick(r, ENDPOINTS)}${pick(r, ARROWS)}${pick(r, ENDPOINTS)}`];
      const nf = Math.floor(r() * 3);
      for (let i = 0; i < nf; i++) parts.push(pick(r, FLAG_WORDS));
      if (r() < 0.8) parts.push(`seq=${expr(r)}`);
      if (r() < 0.7) parts.push(`ack=${expr(r)}`);
      if (r() < 0.4) parts.push(`len=${pick(r, [0, 1, 10, 100, 1460])}`);
      if (r() < 0.1) parts.push(pick(r, ['win=100', 'mss=1460', 'wscale=7', 'sackok', 'old', 'wscale=99']));
      if (r() < 0.2) parts.push(`: ${pick(r, ['label', '"HTTP #1"', 'end', '%%', '<script>'])}`);
      return parts.join(' ');
    }
  }
}

/** Random edits of a real document: characters inserted, deleted, replaced; lines swapped. */
function mutate(r: () => number, text: string): string {
  const chars = [...text];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n && chars.length > 0; i++) {
    const at = Math.floor(r() * chars.length);
    const op = Math.floor(r() * 4);
    const c = pick(r, ['-', '>', '~', 'x', '=', '+', '1', ' ', '\n', '\r', ':', '#', '"', 'S', 'A', '\u0000', '😀']);
    if (op === 0) chars.splice(at, 0, c);
    else if (op === 1) chars.splice(at, 1);
    else if (op === 2) chars[at] = c;
    else {
      const lines = chars.join('').split('\n');
      const a = Math.floor(r() * lines.length);
      const b = Math.floor(r() * lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
  }
  return chars.join('');
}

/** The document's lines as VS Code counts them, to check ranges against. */
function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

function assertInside(lengths: number[], r: Range, what: string): void {
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lengths.length && p.character >= 0 && p.character <= lengths[p.line];
  assert.ok(ok(r.start) && ok(r.end), `${what} ${JSON.stringify(r)} lies outside the document`);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what} ends before it starts`);
}

function checkAnalysis(text: string, a: Analysis, seed: number): void {
  const lengths = lineLengths(text);
  for (const d of a.diagnostics) {
    assertInside(lengths, d.range, `seed ${seed}: ${d.code}`);
    if (d.fix) assertInside(lengths, d.fix.range, `seed ${seed}: fix of ${d.code}`);
    assert.ok(d.message.length > 0 && !/\{\w+\}/.test(d.message), `seed ${seed}: message with a hole: ${d.message}`);
  }
  for (const e of a.timeline.events) assert.ok(e.line >= 0 && e.line < lengths.length, `seed ${seed}: event line ${e.line}`);
  // A parse from nothing reads the text in one piece; a parse after an edit goes line by line
  // (here every line, as none matches the earlier text): both must find the same.
  const byLines = parse(text, 0, parse('\u0001'));
  assert.equal(JSON.stringify(byLines), JSON.stringify(a.parsed), `seed ${seed}: the whole-text and line-by-line parses differ`);
  // A check runs the model on the compact rows without recording the timeline; the statement
  // objects, with or without recording, must give the same.
  const compact = JSON.stringify(runParsed(a.parsed, undefined, false).diagnostics);
  for (const record of [false, true]) {
    const objects = runModel(a.parsed.statements, a.parsed.lineCount, undefined, record).diagnostics;
    assert.equal(JSON.stringify(objects), compact, `seed ${seed}: the runs differ (record ${record})`);
  }
}

describe('fuzz: the core never throws and keeps every range inside the document', () => {
  it('3,000 random documents', function () {
    this.timeout(600000); // thousands of documents: seconds on a busy machine
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 30);
      const text = Array.from({ length: n }, () => randomLine(r)).join(pick(r, ['\n', '\r\n', '\r']));
      checkAnalysis(text, analyze(text), seed);
    }
  });

  it('3,000 mutations of the examples and fixtures, also as Markdown', function () {
    this.timeout(600000);
    const sources = [...exampleFiles(SHARED_EXAMPLES), ...exampleFiles(FIXTURES)].map((f) => fs.readFileSync(f, 'utf8'));
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(100000 + seed);
      const text = mutate(r, pick(r, sources));
      checkAnalysis(text, analyze(text), seed);
      const md = `# notes\n\n  \`\`\`tcpseq\n${text}\n  \`\`\`\n`;
      const lengths = lineLengths(md);
      for (const b of analyzeMarkdown(md)) {
        for (const d of b.diagnostics) assertInside(lengths, d.range, `markdown seed ${seed}: ${d.code}`);
      }
    }
  });
});

describe('incremental parsing', () => {
  it('reusing a previous analysis gives exactly the analysis of the new text (1,000 random edits)', function () {
    this.timeout(600000);
    const sources = [...exampleFiles(SHARED_EXAMPLES), ...exampleFiles(FIXTURES)].map((f) => fs.readFileSync(f, 'utf8'));
    for (let seed = 1; seed <= 1000; seed++) {
      const r = rng(500000 + seed);
      const before = pick(r, sources);
      const after = mutate(r, before);
      const incremental = analyze(after, { previous: analyze(before) });
      const fresh = analyze(after);
      assert.equal(JSON.stringify(incremental.diagnostics), JSON.stringify(fresh.diagnostics), `seed ${seed}`);
      assert.equal(JSON.stringify(incremental.timeline), JSON.stringify(fresh.timeline), `seed ${seed}`);
    }
  });
});

describe('hostile inputs get diagnostics', function () {
  this.timeout(600000);
  it('a 1 MB line', () => {
    const line = 'C->S ACK ' + 'SYN '.repeat(262144);
    const a = analyze(line);
    assert.ok(a.diagnostics.some((d) => d.code === 'duplicate-flag'));
    const junk = 'C->S ' + 'x'.repeat(1 << 20);
    assert.equal(analyze(junk).diagnostics[0].code, 'syntax');
    // The message quotes the start of the word, not the megabyte.
    const word = analyze('!'.repeat(1 << 20)).diagnostics[0];
    assert.match(renderMessage(word.messageData), /, not '!{39}…'$/);
  });

  it('a 200,000-line document', () => {
    const lines = ['C->S SYN seq=0', 'S->C SYN ACK seq=0 ack=1', 'C->S ACK seq=1 ack=1'];
    for (let i = 0; i < 199997; i++) lines.push(i % 1000 === 0 ? 'C->S ACK seq=2 ack=1' : `C->S ACK seq=1 ack=1`);
    const a = analyze(lines.join('\n'));
    assert.equal(a.timeline.events.length, 200000);
    assert.equal(a.diagnostics.filter((d) => d.code === 'seq-mismatch').length, 200);
  });

  it('deep nesting of par', () => {
    const text = 'par\n'.repeat(50000) + 'end\n'.repeat(50000);
    const a = analyze(text);
    assert.equal(a.diagnostics.filter((d) => d.code === 'nested-par').length, 49999);
    assert.equal(a.diagnostics.filter((d) => d.code === 'unmatched-end').length, 49999);
  });

  it('binary junk', () => {
    const r = rng(7);
    const bytes = Buffer.from(Array.from({ length: 200000 }, () => Math.floor(r() * 256)));
    for (const text of [bytes.toString('latin1'), bytes.toString('utf8')]) {
      const a = analyze(text);
      checkAnalysis(text, a, 7);
      assert.ok(a.diagnostics.length > 0);
      // Messages quote no control character: a terminal showing `tcpseq check` would obey one.
      for (const d of a.diagnostics) assert.doesNotMatch(renderMessage(d.messageData), /[\u0000-\u001f\u007f-\u009f]/);
    }
  });

  it('control characters in a word are quoted as \\xNN', () => {
    const a = analyze('C->S SYN seq=x \u001b[31mRED\u0007\nC: \u001bFOO\n');
    assert.deepEqual(a.diagnostics.map((d) => renderMessage(d.messageData).split(':')[0]), [
      "unexpected '\\x1b[31mRED\\x07'",
      "'\\x1bFOO' is not a TCP state",
    ]);
  });
});
