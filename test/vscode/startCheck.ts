// `npm start` works for a person: run src/tools/start.sh on a free port (with its own state folder),
// open the address it prints in Chromium, open an example with mistakes and see the extension's
// squiggles. Everything it started is killed (its process group) afterwards.
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, freePort, launchChromium } from './codeServer';
import { openFile, waitForWorkbench } from './workbench';

const STARTUP_TIMEOUT_MS = 120_000;

export async function checkNpmStart(): Promise<void> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'tcpseq-start-'));
  const port = await freePort();
  const child = spawn('bash', [path.join(REPO_ROOT, 'src', 'tools', 'start.sh')], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, PORT: String(port), TCPSEQ_START_DIR: state },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  process.on('exit', stop);
  const browser = await launchChromium();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no address within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`)), STARTUP_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
        // The address is printed just before code-server starts: wait until it listens too.
        if (m && output.includes('HTTP server listening')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
    });
    if (!url.startsWith(`http://127.0.0.1:${port}/`)) throw new Error(`npm start ignored PORT=${port}: ${url}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A loaded machine makes the first start slow: generous limits, and each step named on failure.
    page.setDefaultTimeout(60_000);
    await step('loading the workbench', async () => {
      await page.goto(url);
      await waitForWorkbench(page);
    });
    await step('opening arithmetic-mistakes.tcpseq', () => openFile(page, 'arithmetic-mistakes.tcpseq'));
    // The language is contributed and the extension is active: its diagnostics are drawn.
    await step('waiting for the error squiggles', () => page.locator('.monaco-editor .squiggly-error').first().waitFor());
    const language = await page.locator('.statusbar-item[id="status.editor.mode"]').innerText();
    if (!/tcpseq/i.test(language)) throw new Error(`the file opened as "${language}", not tcpseq`);
  } finally {
    await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    stop();
    process.off('exit', stop);
    removeState(state);
  }
}

async function step(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Deletes the state folder, unlinking the link to the repository first so nothing follows it. */
function removeState(state: string): void {
  const extensions = path.join(state, 'extensions');
  for (const name of safeList(extensions)) {
    const p = path.join(extensions, name);
    if (lstatSync(p).isSymbolicLink()) unlinkSync(p);
  }
  rmSync(state, { recursive: true, force: true });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
