// `tcpseq render --to svg|png` end to end: dist/cli.js drives the bundled page in real Chromium.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromiumRenderer } from '../../src/render/chromium';
import { REPO, SHARED_EXAMPLES } from '../unit/marks';

const CLI = join(REPO, 'dist', 'cli.js');

describe('tcpseq render in Chromium', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tcpseq-render-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws a Markdown block to SVG with its mistake marked at the Markdown line', () => {
    const out = join(dir, 'block2.svg');
    const r = spawnSync(process.execPath, [CLI, 'render', join(SHARED_EXAMPLES, 'notes.md'), '--block', '2', '--to', 'svg', '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /^(<\?xml[^>]*>\s*)?<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/class="messageLine[01]"/g)?.length, 3, 'three arrows');
    // The note wraps over several <tspan>s.
    assert.match(svg, />✗ line 16: ack should be y\+1: the</);
    assert.match(svg, /SYN at line 15 takes one sequence number</);
    assert.doesNotMatch(svg, /line [1-3][:<\s]/, 'no block-relative line numbers');
  });

  it('writes Markdown whose mermaid blocks real Mermaid draws: every arrow, and the mistake', async () => {
    const r = spawnSync(process.execPath, [CLI, 'render', join(SHARED_EXAMPLES, 'notes.md'), '--to', 'markdown'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const blocks = [...r.stdout.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] + '\n');
    assert.equal(blocks.length, 2);
    const renderer = await ChromiumRenderer.launch();
    try {
      const svgs: string[] = [];
      for (const source of blocks) {
        await renderer.render({ source, map: { messages: [], notes: [] } });
        svgs.push(await renderer.svg());
      }
      for (const svg of svgs) assert.equal(svg.match(/class="messageLine[01]"/g)?.length, 3, 'three arrows');
      assert.match(svgs[1], />✗ line 16: ack should be y\+1: the</);
      assert.doesNotMatch(svgs[0], /✗/);
    } finally {
      await renderer.close();
    }
  });

  it('draws a PNG', () => {
    const out = join(dir, 'handshake.png');
    const r = spawnSync(process.execPath, [CLI, 'render', join(SHARED_EXAMPLES, 'handshake.tcpseq'), '--to', 'png', '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const png = readFileSync(out);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.readUInt32BE(16) > 200 && png.readUInt32BE(20) > 200, 'a real picture');
  });
});
