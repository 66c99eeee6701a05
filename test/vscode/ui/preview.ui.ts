// The preview as a person uses it: open an example, open the preview to the side, see the
// diagram, click an arrow to jump to its line, and export an SVG through the save dialog.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { UiContext } from '../run';
import { frameWith, goToLine } from '../workbench';

/** In handshake.tcpseq, `S->C SYN ACK seq=y ack=x+1` is the 10th line (0-based 9). */
const SYN_ACK_LINE = 9;

/** The webview frame that shows the drawn diagram (webviews are nested iframes in the workbench). */
function diagramFrame(page: Page): Promise<Frame> {
  return frameWith(page, '#tcpseq-diagram svg [data-tcpseq-line]');
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, page: Page, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/**
 * The status bar's cursor position, e.g. `Ln 10, Col 42 (26 selected)`, or '' when no text
 * editor is active (the item is then gone: waiting for it would outlast the caller's deadline).
 */
async function cursorStatus(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ });
  if (await item.count() === 0) return '';
  return (await item.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
}

/** The active editor tab's name, for messages. */
async function activeTab(page: Page): Promise<string> {
  const tab = page.locator('.tabs-container .tab.active');
  return (await tab.count()) > 0 ? (await tab.first().getAttribute('aria-label')) ?? '' : '(none)';
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  // Only the example and its diagram, side by side (no welcome page, no explorer).
  await ctx.runCommand('View: Close All Editors');
  await openFromExplorer(page, 'handshake.tcpseq');
  await ctx.runCommand('View: Close Primary Side Bar');
  await ctx.runCommand('View: Toggle Minimap');
  await ctx.runCommand('tcpseq: Open Preview to the Side');

  const frame = await diagramFrame(page);
  ctx.log('the diagram is drawn in the webview');
  // Zoom out (the page's own button) until the whole width of the diagram shows.
  for (let i = 0; i < 4; i++) {
    // (A string: this runs in the page, whose DOM types this Node project does not load.)
    const fits = await frame.evaluate(`(() => {
      const svg = document.querySelector('#tcpseq-diagram svg');
      return !svg || svg.getBoundingClientRect().right <= window.innerWidth - 8;
    })()`);
    if (fits) break;
    await frame.click('#tcpseq-zoom-out');
  }
  // Back in the editor, put the cursor on the SYN line (7): the page highlights its arrow.
  await ctx.runCommand('View: Focus First Editor Group');
  await goToLine(page, 7, 1);
  await frame.waitForSelector('[data-tcpseq-line="6"].tcpseq-highlight', { state: 'attached', timeout: 10_000 });
  await ctx.runCommand('Notifications: Clear All Notifications');
  await page.waitForTimeout(300); // let the last paint settle before the picture
  await page.screenshot({ path: path.join(ctx.resultsDir, 'preview.png') });
  ctx.log(`screenshot: ${path.join(ctx.resultsDir, 'preview.png')}`);

  // Click the SYN,ACK arrow's label: the editor selects that line.
  const label = frame.locator(`text.messageText[data-tcpseq-line="${SYN_ACK_LINE}"]`).first();
  const selected = async () => /^Ln 10, Col \d+ \(\d+ selected\)/.test(await cursorStatus(page));
  await label.click();
  // On a fast machine the editor has once been seen still not showing the line 45 s after the
  // click, for a cause not found. A person would click again: so does the test, and logs it.
  if (!(await waitUntil('the first click', selected, page, 10_000).then(() => true, () => false))) {
    ctx.log(`the first click did not select line ${SYN_ACK_LINE + 1} (active tab: ${await activeTab(page)}; cursor: "${await cursorStatus(page)}"): clicking again`);
    await label.click();
  }
  await waitUntil(`the editor to select line ${SYN_ACK_LINE + 1}`, selected, page).catch(async (err: Error) => {
    throw new Error(`${err.message} (active tab: ${await activeTab(page)}; cursor: "${await cursorStatus(page)}")`);
  });
  ctx.log(`after the click: ${await cursorStatus(page)}`);
  // And the page highlights what the editor now points at.
  await frame.waitForSelector(`.tcpseq-highlight[data-tcpseq-line="${SYN_ACK_LINE}"]`, { state: 'attached', timeout: 10_000 });

  // Export through the real save dialog (code-server's simple dialog: a path in a quick input).
  const target = path.join(ctx.workspace, 'handshake-exported.svg');
  await ctx.runCommand('tcpseq: Export Diagram as SVG');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await waitUntil('the dialog to suggest handshake.svg', async () => (await input.inputValue()).endsWith('handshake.svg'), page);
  await input.fill(target);
  await page.keyboard.press('Enter');
  await waitUntil('the SVG file to be written', () => existsSync(target) && readFileSync(target, 'utf8').includes('</svg>'), page, 30_000);
  const svg = readFileSync(target, 'utf8');
  if (!/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg)) throw new Error('the exported file is not a standalone SVG');
  if (!svg.includes('>Client<')) throw new Error('the exported SVG does not show the participants');
  ctx.log(`exported ${svg.length} bytes of SVG`);

  // After a reload the serializer brings the panel back, drawing the same document. The workbench
  // stores its open editors (the panel among them) a moment after they change, and code-server
  // writes that storage to the server: give it time to land before the page goes away.
  await page.waitForTimeout(3000);
  await page.reload();
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const restored = await diagramFrame(page);
  await restored.waitForSelector(`text.messageText[data-tcpseq-line="${SYN_ACK_LINE}"]`, { timeout: 30_000 });
  ctx.log('the preview came back after a reload');

  // The Markdown preview draws tcpseq fences with the bundled Mermaid, and lists the problems.
  await ctx.runCommand('View: Close All Editors');
  await ctx.runCommand('View: Show Explorer');
  await openFromExplorer(page, 'notes.md');
  // "Preview diagram" above the second tcpseq fence: the live diagram of that block (its third
  // arrow is the file's line 16, 0-based 15), not the first one's.
  const lenses = page.locator('.codelens-decoration a', { hasText: 'Preview diagram' });
  await lenses.nth(1).click();
  const block = await frameWith(page, '#tcpseq-diagram svg [data-tcpseq-line="15"]');
  if (await block.$('#tcpseq-diagram svg [data-tcpseq-line="6"]')) throw new Error('the lens drew the first block too');
  ctx.log(`"Preview diagram" above the second fence drew that block (${await lenses.count()} lenses)`);
  await ctx.runCommand('View: Close All Editors');
  await openFromExplorer(page, 'notes.md');
  await ctx.runCommand('Markdown: Open Preview to the Side');
  const markdown = await frameWith(page, '.tcpseq-diagram[data-rendered="true"] svg');
  const drawn = await markdown.$$('.tcpseq-diagram[data-rendered="true"] svg');
  if (drawn.length !== 2) throw new Error(`the Markdown preview drew ${drawn.length} tcpseq diagrams, expected 2`);
  const errors = await markdown.$$eval('.tcpseq-problems .tcpseq-error', (items) => items.map((i) => i.textContent ?? ''));
  if (!errors.some((e) => /line 16/.test(e))) throw new Error(`the classmate's error (line 16) is not listed: ${JSON.stringify(errors)}`);
  if (await markdown.$('code.language-text') === null) throw new Error('the text fence is no longer shown as code');
  await page.screenshot({ path: path.join(ctx.resultsDir, 'markdown-preview.png') });
}

/**
 * Opens a file by double-clicking it in the explorer (quick open depends on the file search
 * having indexed the folder, which is sometimes late on a fresh server).
 */
async function openFromExplorer(page: Page, name: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().dblclick();
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}
