// Driving code-server's workbench page with Playwright the way a person would: quick open,
// command palette, waiting for editors. Shared by the UI tests (see run.ts for their contract).
import type { Frame, Locator, Page } from 'playwright-core';

/** Waits until the workbench is laid out and the explorer shows the folder. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

/** Runs a command by its title through the command palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  // Typed key by key, as a person would: the palette reacts to key events, not to a filled value.
  await input.fill('>');
  await input.pressSequentially(title);
  // The palette filters as it goes: wait for the exact entry, then choose it.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Opens a workspace file by name and waits for its editor to be active: through quick open, as a
 * person would, and from the explorer when quick open finds nothing in time (its file search can be
 * slow on a fresh code-server on a busy machine).
 */
export async function openFile(page: Page, name: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  try {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.pressSequentially(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
  } catch {
    await page.keyboard.press('Escape');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().dblclick();
  }
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Moves the cursor of the active editor to a line and column (1-based) with Go to Line. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.pressSequentially(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** A problem the workbench must show: its message and where it starts (0-based, as the core counts). */
export interface ExpectedProblem {
  readonly message: string;
  readonly range: { readonly start: { readonly line: number; readonly character: number } };
}

/**
 * Checks that the active editor has exactly one error squiggle per expected problem, then opens the
 * Problems view and finds each message at its `[Ln, Col]`. Returns the view's rows for more checks.
 */
export async function expectProblems(
  page: Page, runCommand: (title: string) => Promise<void>, expected: readonly ExpectedProblem[],
): Promise<Locator> {
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.squiggly-error').first().waitFor();
  const squiggles = await editor.locator('.squiggly-error').count();
  if (squiggles !== expected.length) throw new Error(`${squiggles} error squiggles, expected ${expected.length}`);
  await runCommand('Focus on Problems View');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: expected[0].message }).first().waitFor();
  for (const d of expected) {
    const position = `[Ln ${d.range.start.line + 1}, Col ${d.range.start.character + 1}]`;
    const row = rows.filter({ hasText: d.message }).filter({ hasText: position });
    if ((await row.count()) !== 1) throw new Error(`the Problems view has no row "${d.message}" at ${position}`);
  }
  return rows;
}

/** The first frame where `selector` matches. */
export async function frameWith(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no frame shows ${selector}`);
    await page.waitForTimeout(200);
  }
}
