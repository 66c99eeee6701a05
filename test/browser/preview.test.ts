// The diagram page in real Chromium with real Mermaid: every example draws, exports stand on
// their own, hostile text cannot alter a diagram, themes change the colours, source sync works.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, findTcpseqBlocks } from '../../src/core';
import { ChromiumRenderer } from '../../src/render/chromium';
import { timelineToMermaid } from '../../src/render/mermaid';
import type { PageToHost } from '../../webview/protocol';
import { everything, event, handshake, longExchange, segment, timeline } from '../unit/renderTimelines';
import { PAGE_STRINGS } from '../../webview/strings';

const EXAMPLES = '/work/shared/examples';

/** Every example document: the .tcpseq files and each tcpseq block of notes.md. */
function exampleDocuments(): { name: string; text: string }[] {
  const docs: { name: string; text: string }[] = [];
  for (const f of readdirSync(EXAMPLES).sort()) {
    if (f.endsWith('.tcpseq')) docs.push({ name: f, text: readFileSync(join(EXAMPLES, f), 'utf8') });
    if (f === 'notes.md') {
      for (const b of findTcpseqBlocks(readFileSync(join(EXAMPLES, f), 'utf8'))) docs.push({ name: `${f} block ${b.index + 1}`, text: b.text });
    }
  }
  return docs;
}

/** Counts pixels that differ from the top-left pixel in a PNG, decoded by Chromium. */
async function nonBackgroundPixels(r: ChromiumRenderer, png: Buffer): Promise<{ width: number; height: number; different: number }> {
  return r.page.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let different = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) + Math.abs(d[i + 3] - d[3]) > 48) different++;
    }
    return { width: c.width, height: c.height, different };
  })()`);
}

function count(r: ChromiumRenderer, selector: string): Promise<number> {
  return r.page.evaluate(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
}

/**
 * The count once the page has handled the messages sent before (postMessage is delivered
 * asynchronously): waits up to 5 s for the expected count, then returns whatever there is.
 */
async function countWhenSettled(r: ChromiumRenderer, selector: string, expected: number): Promise<number> {
  await r.page.waitForFunction(
    `document.querySelectorAll(${JSON.stringify(selector)}).length === ${expected}`, undefined, { timeout: 5000 },
  ).catch(() => undefined);
  return count(r, selector);
}

const ARROWS = '#tcpseq-diagram svg .messageLine0, #tcpseq-diagram svg .messageLine1';

describe('preview page in Chromium', function () {
  this.timeout(120_000);
  let r: ChromiumRenderer;
  let dir: string;
  const received: PageToHost[] = [];

  before(async () => {
    r = await ChromiumRenderer.launch();
    r.onMessage((m) => received.push(m));
    dir = mkdtempSync(join(tmpdir(), 'tcpseq-browser-'));
  });
  after(async () => {
    await r?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every example with one arrow per segment, exports a standalone SVG that rsvg-convert rasterises', async () => {
    const docs = exampleDocuments();
    assert.ok(docs.length >= 10, 'the examples are there');
    for (const doc of docs) {
      const analysis = analyze(doc.text);
      const segments = analysis.timeline.events.filter((e) => e.segment).length;
      assert.ok(segments > 0, `${doc.name}: the core finds segments`);
      await r.render(timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics }));
      assert.equal(await count(r, ARROWS), segments, `${doc.name}: one arrow per segment`);
      const labelled: number = await r.page.evaluate(
        `new Set([...document.querySelectorAll('#tcpseq-diagram svg text.messageText')].map((t) => t.getAttribute('data-tcpseq-line'))).size`);
      assert.equal(labelled, segments, `${doc.name}: every label knows its segment's line`);

      const svg = await r.svg();
      assert.doesNotMatch(svg, /foreignObject/i, `${doc.name}: no foreignObject`);
      assert.doesNotMatch(svg, /var\(--/, `${doc.name}: no CSS variables`);
      assert.match(svg, /<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /<svg[^>]* viewBox="[-\d.]+ [-\d.]+ [\d.]+ [\d.]+"/);
      assert.match(svg, /font-family:"trebuchet ms",verdana,arial,sans-serif/);
      const first = analysis.timeline.events.find((e) => e.segment)!.segment!;
      assert.match(svg, new RegExp(`<text[^>]*class="messageText"[^>]*>${first.flags.join(', ')} seq=`), `${doc.name}: labels are <text>`);

      const file = join(dir, doc.name.replace(/\W+/g, '_'));
      writeFileSync(`${file}.svg`, svg);
      execFileSync('rsvg-convert', ['-f', 'png', '-o', `${file}.png`, `${file}.svg`]);
      const pixels = await nonBackgroundPixels(r, readFileSync(`${file}.png`));
      assert.ok(pixels.width > 100 && pixels.height > 100, `${doc.name}: a real picture`);
      assert.ok(pixels.different > 1000, `${doc.name}: rsvg-convert drew the diagram (${pixels.different} non-background pixels)`);
    }
  });

  it("draws a long document up to its segment limit, past Mermaid's own 50,000-character limit", async () => {
    const analysis = analyze(longExchange(1100)); // 2,203 segments
    const d = timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics, maxSegments: 2000 });
    assert.ok(d.source.length > 50_000, `a source longer than Mermaid's default limit (${d.source.length})`);
    await r.render(d);
    assert.equal(await count(r, ARROWS), 2000, 'one arrow per drawn segment');
    const notes: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.noteText')].map((t) => t.textContent)`);
    assert.ok(notes.some((n) => n.includes('it draws 2000 of 2203 segments')), 'the note says where the diagram stops');
  });

  it('marks the lines with errors in the drawing', async () => {
    const text = readFileSync(join(EXAMPLES, 'arithmetic-mistakes.tcpseq'), 'utf8');
    const analysis = analyze(text);
    const errorLines = new Set(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.line));
    assert.ok(errorLines.size > 0);
    await r.render(timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics }));
    const notes: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.noteText')].map((t) => t.textContent)`);
    for (const line of errorLines) {
      assert.ok(notes.some((n) => n.startsWith(`✗ line ${line + 1}:`)), `line ${line + 1} is marked`);
    }
  });

  it('keeps hostile text as text: the diagram keeps its structure', async () => {
    const hostile = 'a;b #c %% d end --> "q" <script>window.hacked=1</script> x: y\nparticipant Z\r\n& `{}` <br> wrap: #59; <img src=x onerror="window.hacked=2">';
    const t = timeline([
      segment(1, 'end', 'par', ['ACK'], { seq: 'u', ack: 'v', label: hostile }),
      event('note', 2, { note: { placement: 'right of', endpoints: ['par'], text: hostile } }),
      segment(3, 'par', 'end', ['ACK'], { arrow: '-x', seq: 'v', ack: 'u', label: hostile }),
    ], [{ id: 'end', label: hostile, line: 0 }, { id: 'par', label: 'Server', line: 0 }], hostile);
    const d = timelineToMermaid(t);
    await r.page.evaluate(`import(${JSON.stringify('data:text/javascript,')})`).catch(() => undefined);
    await r.render(d);
    assert.equal(await count(r, ARROWS), 2, 'two arrows, no more');
    assert.equal(await count(r, '#tcpseq-diagram svg rect.note'), 1, 'one note');
    assert.equal(await count(r, '#tcpseq-diagram svg script, #tcpseq-diagram svg img'), 0, 'no element from the text');
    assert.equal(await r.page.evaluate('window.hacked === undefined'), true, 'no script ran');
    const labels: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.messageText')].map((t) => t.textContent)`);
    assert.equal(labels[0], 'ACK seq=u ack=v');
    // Mermaid breaks a label at our own <br> only: the hostile text is one line, as written
    const tspans: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.messageText')].map((t) => t.textContent)`);
    assert.ok(tspans.includes(hostile.replace(/[\r\n]+/g, ' ')), `label kept verbatim: ${JSON.stringify(tspans)}`);
    const actors: string[] = await r.page.evaluate(`[...new Set([...document.querySelectorAll('#tcpseq-diagram svg text.actor')].map((t) => t.textContent))]`);
    assert.deepEqual(actors.sort(), [hostile.replace(/[\r\n]+/g, ' '), 'Server'].sort());
    const texts: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text')].map((t) => t.textContent)`);
    assert.ok(texts.includes(hostile.replace(/[\r\n]+/g, ' ')), 'the title is kept verbatim');
  });

  it('draws $$ in user text as text: the bundled Mermaid has sequence diagrams only, no KaTeX', async () => {
    const t = timeline([segment(0, 'C', 'S', ['SYN'], { seq: 'x', label: 'costs $$x^2$$ and $5' })]);
    await r.render(timelineToMermaid(t));
    const labels: string[] = await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.messageText')].map((t) => t.textContent)`);
    assert.deepEqual(labels, ['SYN seq=x', 'costs $$x^2$$ and $5']);
    assert.equal(await count(r, '#tcpseq-diagram svg .katex, #tcpseq-diagram svg foreignObject'), 0);
    // Any other diagram type is left out of the bundle: a clear error, and the last diagram stays.
    await assert.rejects(r.render({ source: 'flowchart LR\n  a --> b\n', map: { messages: [], notes: [] } }),
      /sequence diagrams only \(flowDiagram-\w+\.mjs is left out\)/);
    assert.equal(await count(r, ARROWS), 1);
  });

  it('follows the theme: light, dark and high contrast give different colours', async () => {
    await r.render(timelineToMermaid(handshake()));
    const colours = async (): Promise<string> => r.page.evaluate(`(() => {
      const svg = document.querySelector('#tcpseq-diagram svg');
      const actor = svg.querySelector('rect.actor');
      const label = svg.querySelector('text.messageText');
      return [getComputedStyle(actor).fill, getComputedStyle(label).fill, getComputedStyle(document.body).backgroundColor].join(' | ');
    })()`);
    const seen: string[] = [];
    // The page starts light: each switch changes the colours and draws again.
    for (const theme of ['vscode-dark', 'vscode-high-contrast', 'vscode-light'] as const) {
      const rendered = r.waitFor((m) => m.type === 'rendered');
      await r.setTheme(theme);
      await rendered;
      seen.push(await colours());
      const svg = await r.svg();
      assert.doesNotMatch(svg, /var\(--/);
      const png = await r.png();
      const file = join(dir, `theme-${theme}.png`);
      writeFileSync(file, png);
      assert.ok((await nonBackgroundPixels(r, png)).different > 1000);
    }
    assert.equal(new Set(seen).size, 3, `three palettes: ${seen.join(' / ')}`);
  });

  it('takes colours from VS Code variables when the page has them', async () => {
    await r.render(timelineToMermaid(handshake()));
    const rendered = r.waitFor((m) => m.type === 'rendered');
    await r.page.evaluate(`document.documentElement.style.setProperty('--vscode-editor-foreground', 'rgb(10, 120, 30)')`);
    await rendered;
    const fill: string = await r.page.evaluate(`getComputedStyle(document.querySelector('#tcpseq-diagram svg text.messageText')).fill`);
    assert.equal(fill, 'rgb(10, 120, 30)');
    const back = r.waitFor((m) => m.type === 'rendered');
    await r.page.evaluate(`document.documentElement.style.removeProperty('--vscode-editor-foreground')`);
    await back;
  });

  it('reveals the line of a clicked arrow or note, and highlights a line on request', async () => {
    const d = timelineToMermaid(everything());
    await r.render(d);
    for (let i = 0; i < d.map.messages.length; i++) {
      const reveal = r.waitFor((m) => m.type === 'reveal');
      await r.page.evaluate(`document.querySelectorAll('${ARROWS}')[${i}].dispatchEvent(new MouseEvent('click', { bubbles: true }))`);
      assert.deepEqual(await reveal, { type: 'reveal', line: d.map.messages[i] });
    }
    // the second line of the lost segment's label
    const label = r.waitFor((m) => m.type === 'reveal');
    await r.page.evaluate(`[...document.querySelectorAll('#tcpseq-diagram svg text.messageText')].find((t) => t.textContent === 'lost').dispatchEvent(new MouseEvent('click', { bubbles: true }))`);
    assert.deepEqual(await label, { type: 'reveal', line: 2 });
    const reveal = r.waitFor((m) => m.type === 'reveal');
    await r.page.evaluate(`document.querySelectorAll('#tcpseq-diagram svg rect.note')[1].dispatchEvent(new MouseEvent('click', { bubbles: true }))`);
    assert.deepEqual(await reveal, { type: 'reveal', line: d.map.notes[1] });
    // a real mouse click on the middle of the first arrow
    const box = await r.page.locator('#tcpseq-diagram svg .messageLine0').first().boundingBox();
    const clicked = r.waitFor((m) => m.type === 'reveal');
    await r.page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
    assert.deepEqual(await clicked, { type: 'reveal', line: d.map.messages[0] });

    await r.send({ type: 'highlight', line: 2 });
    assert.equal(await countWhenSettled(r, '#tcpseq-diagram svg .messageLine0.tcpseq-highlight, #tcpseq-diagram svg .messageLine1.tcpseq-highlight', 1), 1);
    await r.send({ type: 'highlight', line: null });
    assert.equal(await countWhenSettled(r, '#tcpseq-diagram svg .tcpseq-highlight', 0), 0);
  });

  it("shows the page's own words in the language the host gives", async () => {
    const zh = await ChromiumRenderer.launch({
      strings: { ...PAGE_STRINGS, zoomIn: '放大（Ctrl+滚轮）', mermaidFailed: 'Mermaid 无法绘制时序图：{0}' },
    });
    try {
      assert.equal(await zh.page.evaluate(`document.getElementById('tcpseq-zoom-in').title`), '放大（Ctrl+滚轮）');
      assert.equal(await zh.page.evaluate(`document.getElementById('tcpseq-zoom-out').title`), PAGE_STRINGS.zoomOut);
      await assert.rejects(zh.render({ source: 'sequenceDiagram\n  A->>B\n', map: { messages: [], notes: [] } }));
      assert.match(await zh.page.evaluate(`document.getElementById('tcpseq-banner').textContent`) as string, /^Mermaid 无法绘制时序图：/);
    } finally {
      await zh.close();
    }
  });

  it('keeps the last good diagram under an error banner when Mermaid cannot draw', async () => {
    await r.render(timelineToMermaid(handshake()));
    await assert.rejects(r.render({ source: 'sequenceDiagram\n  A->>B\n', map: { messages: [], notes: [] } }), /Parse error|Expecting/);
    assert.equal(await r.page.evaluate(`document.getElementById('tcpseq-banner').hidden`), false);
    assert.equal(await count(r, ARROWS), 3, 'the last good diagram stays');
    await r.render(timelineToMermaid(handshake()));
    assert.equal(await r.page.evaluate(`document.getElementById('tcpseq-banner').hidden`), true);
  });

  it('renders only the newest of quickly following updates, and skips an unchanged source', async () => {
    const start = received.length;
    const sources = [1, 2, 3, 4, 5].map((n) => timelineToMermaid(timeline(
      Array.from({ length: n }, (_, i) => segment(i, 'C', 'S', ['ACK'], { seq: `x+${i}`, ack: 'y' })))));
    const last = r.waitFor((m) => m.type === 'rendered' && m.version === 1005);
    // Posted at once, as fast typing does: the page is still drawing the first when the rest come.
    const posts = sources.map((diagram, i) => `window.postMessage(${JSON.stringify({ type: 'update', version: 1001 + i, diagram })}, '*');`);
    await r.page.evaluate(posts.join('\n'));
    await last;
    const versions = received.slice(start).filter((m) => m.type === 'rendered').map((m) => (m as { version: number }).version);
    assert.ok(versions.length < 5, `stale updates were skipped: ${versions.join(',')}`);
    assert.equal(await count(r, ARROWS), 5);
    const svgBefore: unknown = await r.page.evaluate(`document.querySelector('#tcpseq-diagram svg').id`);
    await r.send({ type: 'update', version: 1006, diagram: sources[4] });
    await r.waitFor((m) => m.type === 'rendered' && m.version === 1006);
    assert.equal(await r.page.evaluate(`document.querySelector('#tcpseq-diagram svg').id`), svgBefore, 'same source, same SVG element');
  });

  it('exports PNG at twice the size, and zooms with the buttons', async () => {
    await r.render(timelineToMermaid(handshake()));
    const size: { w: number; h: number } = await r.page.evaluate(`(() => { const b = document.querySelector('#tcpseq-diagram svg').viewBox.baseVal; return { w: b.width, h: b.height }; })()`);
    const png = await r.png();
    assert.equal(png.readUInt32BE(16), Math.round(size.w * 2));
    assert.equal(png.readUInt32BE(20), Math.round(size.h * 2));
    await r.page.click('#tcpseq-zoom-in');
    assert.equal(await r.page.evaluate(`document.getElementById('tcpseq-zoom-reset').textContent`), '125%');
    await r.page.click('#tcpseq-zoom-reset');
    assert.equal(await r.page.evaluate(`document.getElementById('tcpseq-zoom-reset').textContent`), '100%');
  });
});
