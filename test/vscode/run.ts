// The extension tests, run in a real VS Code (code-server 4.100.3 = VS Code 1.100.3; no desktop VS
// Code can be downloaded here). `npm test` runs this after building; on its own:
//
//   node out/test/vscode/run.js            both parts below
//   node out/test/vscode/run.js suite      only the extension-host suites
//   node out/test/vscode/run.js ui [NAME]  only the UI tests (NAME: a file such as problems.ui.js)
//   node out/test/vscode/run.js start      only the check of `npm start`
//
// 1. Extension-host suites: @vscode/test-electron's runTests launches shim.ts in place of the `code`
//    executable; every `out/test/vscode/suite/*.test.js` runs with mocha (bdd, 20 s per test) inside
//    the extension host, with the extension loaded and a scratch copy of ../shared/examples open.
// 2. UI tests: every `out/test/vscode/ui/*.ui.js` is a module exporting
//        export async function run(page: Page, ctx: UiContext): Promise<void>
//    It gets a Playwright page showing the workbench of a fresh code-server (the extension loaded,
//    its own scratch copy of the examples open, the explorer visible) and throws to fail. It may save
//    screenshots to ctx.resultsDir (test-results/). Each UI test has its own code-server and its own
//    hard time limit. A module that also exports `locale` (`export const locale = 'zh-cn'`) gets a
//    code-server started in that display language; one that exports `prepare(workspace)` gets it
//    called before the workbench opens (to add files the Explorer must list).
//
// 3. `npm start`: startCheck.ts runs src/tools/start.sh and opens the address it prints.
//
// code-server and Chromium are killed (by process group) after every run, also on failure or timeout.
// The last line says `N passed, N failed`; the exit status is 1 when anything failed.
import { runTests } from '@vscode/test-electron';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, launchChromium, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import type { RunResults } from './results';
import { checkNpmStart } from './startCheck';
import { openFile, runCommand, waitForWorkbench } from './workbench';

/** The examples the workspace is copied from (read-only, shared with others). */
export const EXAMPLES_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'examples');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const SUITE_DIR = path.join(__dirname, 'suite');
const UI_DIR = path.join(__dirname, 'ui');
const UI_TIMEOUT_MS = Number(process.env.TCPSEQ_UI_TIMEOUT_MS) || 120_000;

/** What a UI test receives besides its page. */
export interface UiContext {
  /** The scratch copy of the examples the workbench has open. */
  readonly workspace: string;
  /** Where screenshots go (test-results/, created). */
  readonly resultsDir: string;
  readonly server: CodeServer;
  /** Opens a workspace file by name through quick open. */
  openFile(name: string): Promise<void>;
  /** Runs a command by its title through the command palette. */
  runCommand(title: string): Promise<void>;
  log(message: string): void;
}

export type UiTest = (page: Page, ctx: UiContext) => Promise<void>;

/** A scratch copy of the examples, so tests that edit files never touch the shared ones. */
export function copyExamples(into: string): string {
  const workspace = path.join(into, 'examples');
  cpSync(EXAMPLES_DIR, workspace, { recursive: true });
  return workspace;
}

/**
 * Runs one extension-host entry (a suite index) in code-server; returns its counts. With `locale`
 * (`zh-cn`), VS Code runs in that display language and the suite runs only its l10n tests.
 */
export async function runInExtensionHost(extensionTestsPath: string, locale?: string): Promise<RunResults> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tcpseq-suite-'));
  try {
    const workspace = copyExamples(scratch);
    // runTests spawns an executable: a two-line script that hands VS Code's flags to shim.js.
    const shim = path.join(scratch, 'code');
    writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${path.join(__dirname, 'shim.js')}' "$@"\n`);
    chmodSync(shim, 0o755);
    const resultsFile = path.join(scratch, 'results.json');
    let exitCode = 0;
    try {
      await runTests({
        vscodeExecutablePath: shim,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath,
        launchArgs: [
          workspace, `--user-data-dir=${path.join(scratch, 'user-data')}`, `--extensions-dir=${path.join(scratch, 'extensions')}`,
          ...(locale ? [`--locale=${locale}`] : []),
        ],
        extensionTestsEnv: { TCPSEQ_RESULTS_FILE: resultsFile, ...(locale ? { TCPSEQ_SUITE_LOCALE: locale } : {}) },
      });
    } catch (err) {
      exitCode = (err as { code?: number }).code ?? 1;
    }
    if (existsSync(resultsFile)) {
      const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults;
      // A failing exit with no failing test (a crash after the tests) still counts as a failure.
      return exitCode !== 0 && results.failed === 0 ? { ...results, failed: 1 } : results;
    }
    console.error('the extension host reported no results (it did not start, or crashed)');
    return { passed: 0, failed: 1 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one UI test module against a fresh code-server. Returns true when it passed. */
async function runUiTest(file: string): Promise<boolean> {
  const name = path.basename(file, '.ui.js');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tcpseq-ui-'));
  let server: CodeServer | undefined;
  let page: Page | undefined;
  const browser = await launchChromium();
  try {
    const mod = require(file) as { run?: UiTest; locale?: string; prepare?: (workspace: string) => void };
    if (typeof mod.run !== 'function') throw new Error(`${path.basename(file)} exports no run(page, ctx)`);
    const workspace = copyExamples(scratch);
    mod.prepare?.(workspace);
    server = await startCodeServer({
      userDataDir: path.join(scratch, 'user-data'), extensionsDir: path.join(scratch, 'extensions'), locale: mod.locale,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const shown = page;
    // Each step may wait this long (the machine may be busy); the whole test has UI_TIMEOUT_MS.
    page.setDefaultTimeout(45_000);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const ctx: UiContext = {
      workspace,
      resultsDir: RESULTS_DIR,
      server,
      openFile: (n) => openFile(shown, n),
      runCommand: (t) => runCommand(shown, t),
      log: (m) => console.log(`    ${m}`),
    };
    const run = mod.run;
    await withTimeout((async () => {
      await shown.goto(workbenchUrl(server!, { folder: workspace, extensionDevelopmentPath: REPO_ROOT }));
      await waitForWorkbench(shown);
      await run(shown, ctx);
    })(), UI_TIMEOUT_MS, `UI test ${name}`);
    console.log(`  ok   ${name}`);
    return true;
  } catch (err) {
    console.log(`  FAIL ${name}: ${(err as Error).stack ?? err}`);
    // What the workbench showed when it failed: the first thing to look at.
    const picture = path.join(RESULTS_DIR, `${name}-failure.png`);
    if (page && await page.screenshot({ path: picture, timeout: 10_000 }).then(() => true, () => false)) {
      console.log(`       the workbench at the failure: ${picture}`);
    }
    return false;
  } finally {
    await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [part, only] = argv;
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: build first (node src/tools/build.mjs)');
    return 2;
  }
  if (!existsSync(EXAMPLES_DIR)) {
    console.error(`the examples folder ${EXAMPLES_DIR} is missing`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  if (part === undefined || part === 'suite') {
    console.log('-- extension-host suites');
    const r = await runInExtensionHost(path.join(SUITE_DIR, 'index.js'));
    passed += r.passed;
    failed += r.failed;
    console.log('-- extension-host suites in Chinese (--locale zh-cn)');
    const zh = await runInExtensionHost(path.join(SUITE_DIR, 'index.js'), 'zh-cn');
    passed += zh.passed;
    failed += zh.failed;
  }
  if (part === undefined || part === 'ui') {
    const files = existsSync(UI_DIR)
      ? readdirSync(UI_DIR).filter((f) => f.endsWith('.ui.js') && (!only || f === only || f === `${only}.ui.js`)).sort()
      : [];
    console.log(`-- UI tests (${files.length})`);
    for (const f of files) {
      if (await runUiTest(path.join(UI_DIR, f))) passed++;
      else failed++;
    }
  }
  if (part === undefined || part === 'start') {
    console.log('-- npm start');
    try {
      await withTimeout(checkNpmStart(), 3 * UI_TIMEOUT_MS, 'the npm start check');
      console.log('  ok   npm start serves the workbench with the extension active');
      passed++;
    } catch (err) {
      console.log(`  FAIL npm start: ${(err as Error).message}`);
      failed++;
    }
  }
  console.log(`extension tests: ${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    console.error(err);
    process.exit(1);
  });
}
