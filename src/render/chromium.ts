// Drawing outside the editor: the diagram page (dist/webview/preview.js, Mermaid inside) in
// headless Chromium, driven through the same messages as the VS Code panel. So `tcpseq render`
// and the panel's export give the same SVG.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Timeline } from '../core/types';
import type { DiagramSource, HostToPage, PageToHost, RenderedMessage } from '../../webview/protocol';
import { previewPageHtml } from './page';
import type { PageStrings } from '../../webview/strings';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

export type BodyTheme = 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast' | 'vscode-high-contrast-light';

export interface ChromiumOptions {
  /** A Chromium or Chrome executable; default `$TCPSEQ_CHROMIUM`, then /usr/bin/chromium. */
  readonly executablePath?: string;
  /** The page's theme class (default light). */
  readonly theme?: BodyTheme;
  /** The page's own words in another language (English by default). */
  readonly strings?: PageStrings;
  /** dist/webview/preview.js; found next to this module's bundle by default. */
  readonly bundlePath?: string;
}

/** How long a render or an export may take before we give up (a broken page must not hang the CLI). */
const REPLY_TIMEOUT_MS = 60_000;

/** The preview page in a headless Chromium; one instance renders many diagrams. */
export class ChromiumRenderer {
  private readonly listeners = new Set<(m: PageToHost) => void>();
  private version = 0;
  private requestId = 0;

  private constructor(private readonly browser: Browser, readonly page: Page) {}

  /** Starts Chromium and loads the page; throws a message saying how to install Chromium. */
  static async launch(options: ChromiumOptions = {}): Promise<ChromiumRenderer> {
    const executablePath = options.executablePath ?? process.env.TCPSEQ_CHROMIUM ?? CHROMIUM_PATH;
    if (!existsSync(executablePath)) {
      throw new Error(
        `Chromium is needed to draw SVG and PNG files, and ${executablePath} does not exist. ` +
        'Install it with `apt-get install chromium` (Debian, Ubuntu), or set TCPSEQ_CHROMIUM to a ' +
        'Chromium or Chrome executable. `--to mermaid` works without it.');
    }
    const script = readFileSync(findBundle(options.bundlePath), 'utf8');
    const { chromium } = loadPlaywright();
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const renderer = new ChromiumRenderer(browser, page);
      const ready = renderer.waitFor((m) => m.type === 'ready');
      await page.exposeFunction('tcpseqHost', (m: PageToHost) => renderer.receive(m));
      await page.setContent(previewPageHtml({ inlineScript: script, bodyClass: options.theme ?? 'vscode-light', strings: options.strings }));
      await ready;
      return renderer;
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Draws a timeline or Mermaid source; rejects with Mermaid's message when it cannot. */
  async render(input: Timeline | DiagramSource): Promise<RenderedMessage> {
    const version = ++this.version;
    const done = this.waitFor((m) => (m.type === 'rendered' || m.type === 'renderError') && m.version === version);
    await this.send('source' in input && 'map' in input
      ? { type: 'update', version, diagram: input }
      : { type: 'update', version, timeline: input as Timeline });
    const reply = await done;
    if (reply.type === 'renderError') throw new Error(reply.message);
    return reply as RenderedMessage;
  }

  /** The current diagram as a standalone SVG file. */
  async svg(): Promise<string> {
    const requestId = ++this.requestId;
    const reply = this.waitFor((m) => (m.type === 'svg' || m.type === 'exportError') && m.requestId === requestId);
    await this.send({ type: 'exportSvg', requestId });
    const m = await reply;
    if (m.type !== 'svg') throw new Error(m.type === 'exportError' ? m.message : 'no SVG');
    return m.svg;
  }

  /** The current diagram as PNG bytes, `scale` times its size (default 2). */
  async png(options: { background?: string; scale?: number } = {}): Promise<Buffer> {
    const requestId = ++this.requestId;
    const reply = this.waitFor((m) => (m.type === 'png' || m.type === 'exportError') && m.requestId === requestId);
    await this.send({ type: 'exportPng', requestId, ...options });
    const m = await reply;
    if (m.type !== 'png') throw new Error(m.type === 'exportError' ? m.message : 'no PNG');
    return Buffer.from(m.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  }

  /** Switches the page's theme class, as VS Code does when the user changes theme. */
  async setTheme(theme: BodyTheme): Promise<void> {
    // Evaluated as text: this module is compiled without the DOM's types.
    await this.page.evaluate(`document.body.className = ${JSON.stringify(theme)}`);
  }

  async send(message: HostToPage): Promise<void> {
    await this.page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
  }

  /** Resolves with the first message from the page that satisfies `test`. */
  waitFor(test: (m: PageToHost) => boolean, timeoutMs = REPLY_TIMEOUT_MS): Promise<PageToHost> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`the diagram page did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const listener = (m: PageToHost) => {
        if (!test(m)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m);
      };
      this.listeners.add(listener);
    });
  }

  /** Messages the page posted, for those who want to watch (tests, benchmarks). */
  onMessage(listener: (m: PageToHost) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  private receive(m: PageToHost): void {
    for (const l of [...this.listeners]) l(m);
  }
}

/** Draws one diagram to a standalone SVG. */
export async function renderSvg(input: Timeline | DiagramSource, options: ChromiumOptions = {}): Promise<string> {
  const r = await ChromiumRenderer.launch(options);
  try {
    await r.render(input);
    return await r.svg();
  } finally {
    await r.close();
  }
}

/** Draws one diagram to PNG bytes at twice its size. */
export async function renderPng(input: Timeline | DiagramSource, options: ChromiumOptions & { background?: string; scale?: number } = {}): Promise<Buffer> {
  const r = await ChromiumRenderer.launch(options);
  try {
    await r.render(input);
    return await r.png({ background: options.background, scale: options.scale });
  } finally {
    await r.close();
  }
}

/** dist/webview/preview.js, from dist/cli.js or from out/src/render/chromium.js. */
export function findBundle(explicit?: string): string {
  const candidates = explicit ? [explicit] : [
    join(__dirname, 'webview', 'preview.js'),
    join(__dirname, '..', 'dist', 'webview', 'preview.js'),
    join(__dirname, '..', '..', '..', 'dist', 'webview', 'preview.js'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the diagram page is not built (looked for ${candidates.join(', ')}): run \`npm run build\``);
  return found;
}

/**
 * playwright-core is loaded only when a picture is asked for, so `tcpseq check` stays light,
 * and through `createRequire`, so that bundlers leave it to Node (it reads its own files).
 */
function loadPlaywright(): typeof import('playwright-core') {
  try {
    return createRequire(__filename)('playwright-core') as typeof import('playwright-core');
  } catch {
    throw new Error('the playwright-core package is needed to drive Chromium: install it next to tcpseq');
  }
}
