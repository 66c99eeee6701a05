// The problems a person sees in the workbench: squiggles under the mistakes of
// arithmetic-mistakes.tcpseq, the same messages in the Problems view, the message on hover, and
// the quick fix offered with Ctrl+. that corrects `ack=x` to `ack=x+1`.
// Screenshots: test-results/problems.png (hover and Problems view), test-results/quickfix.png.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { analyze } from '../../../src/core';
import type { UiContext } from '../run';
import { expectProblems, goToLine } from '../workbench';

const FILE = 'arithmetic-mistakes.tcpseq';

async function waitForCount(locator: Locator, n: number, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = await locator.count();
  while (count !== n) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count}, expected ${n}`);
    await new Promise((r) => setTimeout(r, 100));
    count = await locator.count();
  }
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  // What the editor must show: the core's own verdict on the file (run here in Node).
  const text = fs.readFileSync(path.join(ctx.workspace, FILE), 'utf8');
  const expected = analyze(text).diagnostics.filter((d) => d.severity === 'error');
  if (expected.length !== 3) throw new Error(`the core reports ${expected.length} errors in ${FILE}, the example marks 3`);
  const first = expected[0];

  // VS Code for the web saves after a second by default; here nothing may be saved.
  fs.mkdirSync(path.join(ctx.workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ctx.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'files.autoSave': 'off' }));

  await ctx.openFile(FILE);
  const editor = page.locator('.editor-instance .monaco-editor').first();
  // The squiggles, and the Problems view listing each message with its position.
  await expectProblems(page, ctx.runCommand, expected);
  ctx.log(`Problems view: ${expected.length} errors with their messages and positions`);

  // The message on hover over the first mistake.
  await goToLine(page, first.range.start.line + 1, first.range.start.character + 2);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover').filter({ hasText: first.message });
  await hover.first().waitFor();
  await page.screenshot({ path: path.join(ctx.resultsDir, 'problems.png') });

  // The quick fix menu (Ctrl+.) offers the core's fix, preferred; choosing it corrects the line.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Period');
  const menu = page.locator('.action-widget');
  const fixTitle = first.fix?.title;
  if (!fixTitle) throw new Error('the core offers no fix for the first mistake');
  const item = menu.locator('.monaco-list-row', { hasText: fixTitle });
  await item.first().waitFor();
  await page.screenshot({ path: path.join(ctx.resultsDir, 'quickfix.png') });
  // The preferred fix comes first and has the focus: Enter applies it, as a person would.
  await menu.locator('.monaco-list-row.focused', { hasText: fixTitle }).waitFor();
  await page.keyboard.press('Enter');
  const line = editor.locator('.view-line').filter({ hasText: 'S->C SYN ACK seq=y' });
  await line.filter({ hasText: 'ack=x+1' }).waitFor();
  await waitForCount(editor.locator('.squiggly-error'), expected.length - 1, 'error squiggles after the fix');
  ctx.log(`quick fix "${fixTitle}" applied; ${expected.length - 1} errors left`);

  // Typing re-checks at once, without saving: ack=y+1 -> ack=y+10 on line 4 is a new mistake.
  const line4 = text.split('\n')[3];
  await goToLine(page, 4, line4.indexOf('ack=y+1') + 'ack=y+1'.length + 1);
  await page.keyboard.type('0');
  await waitForCount(editor.locator('.squiggly-error'), expected.length, 'error squiggles after typing a mistake');
  await page.keyboard.press('Backspace');
  await waitForCount(editor.locator('.squiggly-error'), expected.length - 1, 'error squiggles after taking it back');
  await page.locator('.tabs-container .tab.active.dirty').waitFor();
  if (fs.readFileSync(path.join(ctx.workspace, FILE), 'utf8') !== text) throw new Error('the file was saved');
  ctx.log('typing a mistake and taking it back updated the squiggles without a save');
}
