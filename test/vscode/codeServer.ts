// Starting and stopping a real VS Code: code-server (VS Code 1.100.3's server and web workbench)
// on a free 127.0.0.1 port, and Debian's Chromium driven by playwright-core to open its workbench.
// Used by the test runner (run.ts), its VS Code stand-in (shim.ts) and the UI tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The repository root (this file compiles to out/test/vscode/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_ENTRY = path.join(
  REPO_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];
/** How long code-server may take to answer /healthz. */
const STARTUP_TIMEOUT_MS = 60_000;

export interface CodeServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** Everything code-server printed so far (for error messages). */
  output(): string;
  /** Kills code-server and everything it started (its process group). */
  stop(): void;
}

export interface CodeServerOptions {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Port to listen on; a free one when absent. */
  readonly port?: number;
  /** Receives code-server's own output line by line when given. */
  readonly log?: (line: string) => void;
  /** The display language (`zh-cn`): VS Code loads the extension's l10n bundle for it. */
  readonly locale?: string;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * No language pack can be downloaded here, and VS Code keeps English for a locale without one: an
 * empty pack (VS Code's own strings fall back to English) lets `--locale` select the language, so
 * that extensions get their l10n bundle for it, as with a real pack installed.
 */
function writeLanguagePack(userDataDir: string, locale: string): void {
  const translations = path.join(userDataDir, `empty-language-pack.${locale}.json`);
  writeFileSync(translations, JSON.stringify({ contents: {} }));
  const packs = { [locale]: { hash: `tcpseq-test-${locale}`, label: locale, extensions: [{ extensionIdentifier: { id: 'tcpseq.empty-language-pack' }, version: '0.0.0' }], translations: { vscode: translations } } };
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

/** Starts code-server and resolves once it answers /healthz. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error('code-server is not installed: run `bash src/tools/code-server.sh install`');
  }
  const port = options.port ?? (await freePort());
  mkdirSync(options.userDataDir, { recursive: true });
  mkdirSync(options.extensionsDir, { recursive: true });
  // Without a config file of its own, code-server writes ~/.config/code-server/config.yaml.
  const config = path.join(options.userDataDir, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  // No welcome page: tests (and their screenshots) start with an empty editor area. No autosave
  // (VS Code for the web saves after a second by default): a test's edits stay unsaved unless it saves.
  const settings = path.join(options.userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'files.autoSave': 'off' }, null, 2));
  }
  if (options.locale) writeLanguagePack(options.userDataDir, options.locale);
  const args = [
    CODE_SERVER_ENTRY, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', options.userDataDir, '--extensions-dir', options.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened',
    ...(options.locale ? ['--locale', options.locale] : []),
  ];
  // detached: its own process group, so stop() takes the extension host and watchers with it.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (options.log) for (const line of text.split('\n')) if (line.trim()) options.log(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  // Its own process group outlives us unless we kill it: on exit, and on Ctrl+C or a kill.
  const stopOnExit = () => killGroup(child);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    killGroup(child);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', stopOnExit);
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const server: CodeServer = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stop() {
      process.off('exit', stopOnExit);
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
      killGroup(child);
    },
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while ((await get(`${server.baseUrl}/healthz`)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) {
      server.stop();
      throw new Error(`code-server exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if (Date.now() > deadline) {
      server.stop();
      throw new Error(`code-server did not answer /healthz within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

export interface WorkbenchOptions {
  /** Absolute path of the folder to open. */
  readonly folder: string;
  /** Loads this folder as an extension under development (absolute path). */
  readonly extensionDevelopmentPath?: string;
  /** Runs these tests in the extension host (absolute path of the suite's index.js). */
  readonly extensionTestsPath?: string;
}

/**
 * The workbench address. code-server refuses --extensionDevelopmentPath on its command line; the
 * workbench takes it, as VS Code's browser integration tests pass it, in the `payload` parameter,
 * as a URI of the remote (server) side whose authority is the literal word `remote`.
 */
export function workbenchUrl(server: CodeServer, options: WorkbenchOptions): string {
  const remote = (p: string) => `vscode-remote://remote${p}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  const query = [`folder=${encodeURIComponent(options.folder)}`];
  if (payload.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.baseUrl}/?${query.join('&')}`;
}

/** Launches Debian's Chromium (headless). Playwright kills its process group if we exit early. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
