// `tcpseq render` on Markdown: the chosen block is checked at its Markdown lines, so problem notes
// and the core's messages name the file's lines, each offset counted once.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { diagramOfFile, markdownWithMermaid, parseRenderArgs } from '../../src/cli/render';
import { longExchange } from './renderTimelines';
import { REPO, SHARED_EXAMPLES } from './marks';

const NOTES = path.join(SHARED_EXAMPLES, 'notes.md');

describe('tcpseq render (Markdown blocks)', () => {
  it('marks the mistake of notes.md block 2 at Markdown line 16, naming the SYN at line 15', () => {
    const d = diagramOfFile(NOTES, readFileSync(NOTES, 'utf8'), 2);
    assert.ok(typeof d !== 'string', String(d));
    const problems = d.source.split('\n').filter((l) => /[✗⚠]/.test(l)).map((l) => l.trim());
    assert.deepEqual(problems, [
      'note over C,S:wrap: ✗ line 16#58; ack should be y+1#58; the SYN at line 15 takes one sequence number',
    ]);
    // The source map points into the Markdown file too: the three arrows are its lines 14 to 16.
    assert.deepEqual(d.map.messages, [13, 14, 15]);
  });

  it('prints the same Mermaid source from the command line, and names a missing block', () => {
    const cli = path.join(REPO, 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'render', NOTES, '--block', '2', '--to', 'mermaid'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /✗ line 16#58; ack should be y\+1#58; the SYN at line 15 /);
    const missing = spawnSync(process.execPath, [cli, 'render', NOTES, '--block', '3', '--to', 'mermaid'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /has 2 tcpseq blocks, not 3/);
  });
});

describe('tcpseq render --max-segments', () => {
  it('draws 1,000 segments by default and as many as asked, and says where the diagram stops', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tcpseq-render-'));
    try {
      const file = path.join(dir, 'long.tcpseq');
      writeFileSync(file, longExchange(600)); // 1,203 segments
      const cli = path.join(REPO, 'dist', 'cli.js');
      const arrows = (source: string) => source.split('\n').filter((l) => /^\s*\w+(->>|-x|--\))\w+:/.test(l)).length;
      const byDefault = spawnSync(process.execPath, [cli, 'render', file, '--to', 'mermaid'], { encoding: 'utf8' });
      assert.equal(byDefault.status, 0, byDefault.stderr);
      assert.equal(arrows(byDefault.stdout), 1000);
      assert.match(byDefault.stdout, /The diagram stops here, before line 1001#58; it draws 1000 of 1203 segments\. --max-segments draws more \(0#58; all\)\./);
      const five = spawnSync(process.execPath, [cli, 'render', file, '--to', 'mermaid', '--max-segments', '5'], { encoding: 'utf8' });
      assert.equal(arrows(five.stdout), 5);
      const all = spawnSync(process.execPath, [cli, 'render', file, '--to', 'mermaid', '--max-segments=0'], { encoding: 'utf8' });
      assert.equal(arrows(all.stdout), 1203);
      assert.doesNotMatch(all.stdout, /stops here/);
      // Segment k stands on line k: --around 600 draws segments 595 to 604 (600 in the middle), and says so.
      const around = spawnSync(process.execPath, [cli, 'render', file, '--to', 'mermaid', '--max-segments', '10', '--around', '600'], { encoding: 'utf8' });
      assert.equal(around.status, 0, around.stderr);
      assert.equal(arrows(around.stdout), 10);
      assert.match(around.stdout, /The diagram starts here, at line 595 \(C ESTABLISHED, S ESTABLISHED\)#58; it draws segments 595 to 604 of 1203\./);
      assert.match(around.stdout, /stops here, before line 605#58;/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a limit that is not a number', () => {
    assert.match(String(parseRenderArgs(['a.tcpseq', '--to', 'mermaid', '--max-segments', 'many'])), /--max-segments must be a number/);
    assert.match(String(parseRenderArgs(['a.tcpseq', '--to', 'mermaid', '--max-segments', '-3'])), /--max-segments must be a number/);
    assert.match(String(parseRenderArgs(['a.tcpseq', '--to', 'mermaid', '--around', '0'])), /--around must be a line number from 1/);
    assert.match(String(parseRenderArgs(['a.tcpseq', '--to', 'mermaid', '--around=x'])), /--around must be a line number from 1/);
  });
});

describe('tcpseq render --to markdown', () => {
  const CLI = path.join(REPO, 'dist', 'cli.js');
  // CRLF endings, a block indented in a list, a tilde fence, a fence in another language that
  // looks like tcpseq, and a last block left open (it runs to the end of the file).
  const NOTE = [
    '# Notes',
    '',
    '1. The handshake:',
    '',
    '   ```tcpseq',
    '   C->S SYN seq=x',
    '   S->C SYN ACK seq=y ack=x',
    '   ```',
    '',
    '```text',
    'C->S SYN seq=x',
    '```',
    '',
    '~~~ TCPSEQ label',
    'C->S RST seq=1 : `reset`',
    '~~~',
    'Text between.',
    '```tcpseq',
    'C->S SYN seq=x',
  ].join('\r\n');

  it('draws every tcpseq block as a mermaid block, and keeps the rest of the file as it is', () => {
    const { text, blocks } = markdownWithMermaid(NOTE);
    assert.equal(blocks, 3);
    const lines = text.split('\r\n');
    assert.ok(!/(^|[^\r])\n/.test(text), 'every line ends as the file does (CRLF)');
    // What is not a block is kept: the lines around the blocks, in order.
    const mermaidFence = /^ *`{3,}mermaid$/;
    const kept: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!mermaidFence.test(lines[i])) { kept.push(lines[i]); continue; }
      const fence = /`+/.exec(lines[i])![0];
      while (lines[++i].trim() !== fence);
    }
    assert.deepEqual(kept, ['# Notes', '', '1. The handshake:', '', '', '```text', 'C->S SYN seq=x', '```', '', 'Text between.', '']);
    // Each block holds the same diagram as `render --block N --to mermaid`, at the fence's indentation.
    const bodies = [...text.matchAll(/^( *)(`{3,})mermaid\r\n([\s\S]*?)\r\n\1\2\r?\n?/gm)];
    assert.equal(bodies.length, 3);
    bodies.forEach((m, k) => {
      const single = diagramOfFile('notes.md', NOTE, k + 1);
      assert.ok(typeof single !== 'string', String(single));
      const expected = single.source.replace(/\n$/, '').split('\n').map((l) => (l ? m[1] + l : l)).join('\r\n');
      assert.equal(m[3], expected, `block ${k + 1}`);
    });
    assert.equal(bodies[0][1], '   ', 'the list item keeps its block');
    // The mistake is marked at its Markdown line; a label's backticks cannot close the fence.
    assert.match(bodies[0][3], /✗ line 7#58; ack should be x\+1/);
    assert.match(bodies[1][3], /RST seq=1<br>#96;reset#96;/);
    assert.ok(text.endsWith('\r\n```\r\n'), 'the block left open is closed');
  });

  it('leaves a file with no tcpseq block as it is', () => {
    const plain = '# Nothing\n\n```text\nC->S SYN seq=x\n```\n';
    assert.deepEqual(markdownWithMermaid(plain), { text: plain, blocks: 0 });
  });

  it('writes the file from the command line, and never over its source', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tcpseq-render-'));
    try {
      const note = path.join(dir, 'notes.md');
      writeFileSync(note, NOTE);
      const out = path.join(dir, 'notes.github.md');
      const r = spawnSync(process.execPath, [CLI, 'render', note, '--to', 'markdown', '-o', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readFileSync(out, 'utf8'), markdownWithMermaid(NOTE).text);
      // Standard input, to standard output.
      const piped = spawnSync(process.execPath, [CLI, 'render', '-', '--to', 'markdown'], { input: NOTE, encoding: 'utf8' });
      assert.equal(piped.status, 0, piped.stderr);
      assert.equal(piped.stdout, markdownWithMermaid(NOTE).text);
      // -o naming the source itself would lose its tcpseq blocks: refused, the file untouched.
      const over = spawnSync(process.execPath, [CLI, 'render', note, '--to', 'markdown', '-o', path.join(dir, '.', 'notes.md')], { encoding: 'utf8' });
      assert.equal(over.status, 2);
      assert.match(over.stderr, /is FILE itself: its tcpseq blocks would be lost/);
      assert.equal(readFileSync(note, 'utf8'), NOTE);
      // A file with no block is written as it is, and said so.
      const plain = path.join(dir, 'plain.md');
      writeFileSync(plain, '# Nothing here\n');
      const none = spawnSync(process.execPath, [CLI, 'render', plain, '--to', 'markdown'], { encoding: 'utf8' });
      assert.equal(none.status, 0, none.stderr);
      assert.equal(none.stdout, '# Nothing here\n');
      assert.match(none.stderr, /has no tcpseq block: written as it is/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a document that is not Markdown, and the options that choose one block', () => {
    assert.match(String(parseRenderArgs(['a.tcpseq', '--to', 'markdown'])), /--to markdown needs a Markdown file/);
    assert.match(String(parseRenderArgs(['a.md', '--to', 'markdown', '--block', '2'])), /--block does not apply/);
    assert.match(String(parseRenderArgs(['a.md', '--to', 'markdown', '--around', '2'])), /--around does not apply/);
    assert.match(String(parseRenderArgs(['a.md', '--to', 'html'])), /--to must be mermaid, svg, png or markdown/);
  });
});
