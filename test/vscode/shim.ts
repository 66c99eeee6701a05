// A stand-in for the `code` executable that @vscode/test-electron's runTests launches: it takes VS
// Code's own flags (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
// --extensions-dir=, a folder), runs code-server with them, opens its workbench in Chromium, relays
// the extension host's test output (codeAutomationLog) and exits with the code the tests report
// (codeAutomationExit). run.ts writes a tiny executable script that runs this file with Node.
//
// Environment:
//   TCPSEQ_VSCODE_TIMEOUT_MS   hard limit for the whole run (default 300000); then everything is killed
//   TCPSEQ_RESULTS_FILE        where to write {"passed":N,"failed":N} read from the suite's output
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import { RESULTS_MARKER } from './results';

interface Flags {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  folder?: string;
  locale?: string;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {};
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (m) {
      const [, name, value] = m;
      if (name === 'extensionDevelopmentPath') flags.extensionDevelopmentPath = path.resolve(value);
      else if (name === 'extensionTestsPath') flags.extensionTestsPath = path.resolve(value);
      else if (name === 'user-data-dir') flags.userDataDir = path.resolve(value);
      else if (name === 'extensions-dir') flags.extensionsDir = path.resolve(value);
      else if (name === 'locale') flags.locale = value;
      // Desktop-only flags (--no-sandbox, --disable-gpu-sandbox, --skip-welcome, ...) mean nothing here.
    } else if (!arg.startsWith('-')) {
      flags.folder = path.resolve(arg);
    }
  }
  return flags;
}

/** Turns the workbench's console arguments (a format string and its values) into text. */
function formatLog(args: unknown): string {
  const list: unknown[] = Array.isArray(args) ? args : [args];
  return format(list[0], ...list.slice(1));
}

/** The workbench's own chatter about starting up: harmless, and it hides the test output. */
const NOISE = [
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Updating additional builtin extensions/,
  /^\[Service Worker\]/, /^ChatSessionStore/, /ENOTFOUND open-vsx\.org/,
];

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (!flags.extensionTestsPath || !flags.extensionDevelopmentPath) {
    console.error('usage: shim --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [FOLDER]');
    return 2;
  }
  const timeoutMs = Number(process.env.TCPSEQ_VSCODE_TIMEOUT_MS) || 300_000;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tcpseq-vscode-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({
      userDataDir: flags.userDataDir ?? path.join(scratch, 'user-data'),
      extensionsDir: flags.extensionsDir ?? path.join(scratch, 'extensions'),
      locale: flags.locale,
    });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const line = formatLog(args);
      if (line.startsWith(RESULTS_MARKER) && process.env.TCPSEQ_RESULTS_FILE) {
        writeFileSync(process.env.TCPSEQ_RESULTS_FILE, line.slice(RESULTS_MARKER.length));
      }
      if (NOISE.some((re) => re.test(line))) return;
      (type === 'error' ? process.stderr : process.stdout).write(line + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`extension tests did not finish within ${timeoutMs / 1000} s: stopping VS Code`);
        resolve(124);
      }, timeoutMs);
    });
    await page.goto(workbenchUrl(server, {
      folder: flags.folder ?? scratch,
      extensionDevelopmentPath: flags.extensionDevelopmentPath,
      extensionTestsPath: flags.extensionTestsPath,
    }));
    return await Promise.race([exited, timedOut]);
  } catch (err) {
    console.error(`could not run the extension tests in code-server: ${(err as Error).message}`);
    return 1;
  } finally {
    clearTimeout(timer);
    // A wedged browser must not hold the run: process.exit then makes Playwright kill it.
    await Promise.race([browser?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
