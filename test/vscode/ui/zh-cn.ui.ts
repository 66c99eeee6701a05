// The workbench in Chinese (code-server started with --locale zh-cn): the squiggles of
// arithmetic-mistakes.tcpseq carry Chinese messages, in the Problems view, on hover and in the quick
// fix menu. VS Code's own words stay English here (no language pack can be installed); the
// extension's come from l10n/bundle.l10n.zh-cn.json.
// Screenshot: test-results/zh-cn-squiggles.png (squiggle, hover and Problems view).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { analyze } from '../../../src/core';
import { cliLocalizer } from '../../../src/cli/l10n';
import type { UiContext } from '../run';
import { expectProblems, goToLine } from '../workbench';

/** The display language run.ts starts code-server with for this test. */
export const locale = 'zh-cn';

const FILE = 'arithmetic-mistakes.tcpseq';

export async function run(page: Page, ctx: UiContext): Promise<void> {
  // What the editor must show: the core's diagnostics, in the Chinese of the extension's bundle.
  const text = fs.readFileSync(path.join(ctx.workspace, FILE), 'utf8');
  const zh = cliLocalizer('zh-cn');
  const expected = analyze(text).diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ ...d, chinese: zh.message(d.messageData), fixTitle: d.fix?.titleMessage && zh.message(d.fix.titleMessage) }));
  if (expected.length !== 3) throw new Error(`the core reports ${expected.length} errors in ${FILE}, the example marks 3`);
  const first = expected[0];
  if (!first.chinese.startsWith('ack 应为 x+1：')) throw new Error(`the first mistake reads "${first.chinese}" in Chinese`);

  await ctx.openFile(FILE);
  // The editor and the Problems view take the whole width: the screenshot is about the messages.
  await ctx.runCommand('View: Close Primary Side Bar');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  const editor = page.locator('.editor-instance .monaco-editor').first();
  // The squiggles, and the Problems view listing each Chinese message at its position, and no English one.
  const rows = await expectProblems(page, ctx.runCommand, expected.map((d) => ({ message: d.chinese, range: d.range })));
  for (const d of expected) {
    if ((await rows.filter({ hasText: d.message }).count()) !== 0) throw new Error(`the Problems view shows "${d.message}" in English`);
  }
  ctx.log(`Problems view: ${expected.length} errors in Chinese with their positions`);

  // The message on hover over the first mistake, as a person reads it beside the squiggle.
  // The cursor at the start of `ack=x`, so that it does not cut through the squiggle.
  await goToLine(page, first.range.start.line + 1, first.range.start.character + 1);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover').filter({ hasText: first.chinese }).first();
  await hover.waitFor();
  await page.getByText('ack 应为 x+1', { exact: false }).first().waitFor({ state: 'visible' });
  // The squiggle under `ack=x` is in view beside the hover.
  const squiggle = editor.locator('.squiggly-error').first();
  if (!(await squiggle.isVisible())) throw new Error('the squiggle of the first mistake is not visible');
  await page.screenshot({ path: path.join(ctx.resultsDir, 'zh-cn-squiggles.png') });
  ctx.log(`hover: "${first.chinese}"`);

  // The quick fix menu (Ctrl+.) offers the fix with its Chinese title.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Period');
  if (first.fixTitle !== '改为 x+1') throw new Error(`the first fix is titled "${first.fixTitle}" in Chinese`);
  await page.locator('.action-widget .monaco-list-row', { hasText: first.fixTitle }).first().waitFor();
  await page.keyboard.press('Escape');
  ctx.log(`quick fix: "${first.fixTitle}"`);
}
