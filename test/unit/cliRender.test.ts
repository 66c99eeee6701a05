// `tcpseq render` on Markdown: the chosen block is checked at its Markdown lines, so problem notes
// and the core's messages name the file's lines, each offset counted once.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { diagramOfFile, parseRenderArgs } from '../../src/cli/render';
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
