// Opening a capture file (a double click in the Explorer): instead of VS Code's "binary file"
// notice, a read-only page listing its connections, each with a button that imports it as a
// tcpseq document with its diagram (the Import Capture command, without the file dialog). The
// page follows the file: a capture made again, or still being written, is read again.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { connectionOutcome, type CaptureConnection } from '../capture';
import { importCapture, openConnection, outcomeText, readCaptureFile, type CaptureRead } from './importCapture';
import { escapeHtml, pageHead } from './previewHtml';

export const CAPTURE_VIEW_TYPE = 'tcpseq.capture';
/** How many connections the page lists; the Import Capture command's list has them all. */
const LISTED = 500;

/** How long the file must stay unchanged before it is read again (tcpdump -U writes as it goes). */
const REREAD_AFTER_MS = 500;

/** A capture file, read; read again when the file changes (a capture made anew, or still growing). */
class CaptureDocument implements vscode.CustomDocument {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the file was read again. */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly uri: vscode.Uri, public read: CaptureRead | string) {
    const name = uri.path.split('/').pop() ?? '';
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), name));
    const reread = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(async () => {
        this.read = await readCaptureFile(uri);
        this.changed.fire();
      }, REREAD_AFTER_MS);
    };
    this.watcher.onDidChange(reread);
    this.watcher.onDidCreate(reread);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** A message from the page: import connection `index` (0-based), or choose among all of them. */
type PageMessage = { type: 'open'; index: number } | { type: 'choose' };

class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument> {
  async openCustomDocument(uri: vscode.Uri): Promise<CaptureDocument> {
    return new CaptureDocument(uri, await readCaptureFile(uri));
  }

  resolveCustomEditor(document: CaptureDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    panel.webview.html = capturePage(document);
    const changes = document.onDidChange(() => { panel.webview.html = capturePage(document); });
    panel.onDidDispose(() => changes.dispose());
    panel.webview.onDidReceiveMessage(async (message: PageMessage) => {
      const { read } = document;
      if (typeof read === 'string') return;
      if (message.type === 'choose') {
        await importCapture(document.uri);
      } else if (message.type === 'open' && Number.isInteger(message.index) && read.connections[message.index]) {
        await openConnection(document.uri, read, read.connections[message.index]);
      }
    });
  }
}

export function registerCaptureEditor(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.window.registerCustomEditorProvider(CAPTURE_VIEW_TYPE, new CaptureEditorProvider(), {
    supportsMultipleEditorsPerDocument: true,
  }));
}

/** The page: what was read, then a table of connections (or why there is none). */
function capturePage(document: CaptureDocument): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`].join('; ');
  const { read } = document;
  const name = document.uri.path.split('/').pop() ?? document.uri.toString();
  let body: string;
  if (typeof read === 'string') {
    body = `<h1>${escapeHtml(name)}</h1>\n<p class="error" role="alert">${escapeHtml(read)}</p>`;
  } else {
    const { capture, connections, notes } = read;
    const listed = connections.slice(0, LISTED);
    const start = firstTime(connections);
    const rows = listed.map((c, i) => connectionRow(c, i, start)).join('\n');
    const more = connections.length > listed.length
      ? `<p>${escapeHtml(connections.length - listed.length === 1
        ? vscode.l10n.t('One more connection is not listed here.')
        : vscode.l10n.t('{count} more connections are not listed here.', { count: connections.length - listed.length }))} <button data-choose>${escapeHtml(vscode.l10n.t('Choose from all…'))}</button></p>`
      : '';
    body = `<h1>${escapeHtml(name)}</h1>
<p>${escapeHtml(vscode.l10n.t('{frames} frames, {segments} TCP segments, {connections} connections', { frames: capture.frameCount, segments: capture.packetCount, connections: connections.length }))}</p>
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
<table>
<thead><tr><th>#</th><th>${escapeHtml(vscode.l10n.t('Client'))}</th><th>${escapeHtml(vscode.l10n.t('Server'))}</th><th class="number">${escapeHtml(vscode.l10n.t('Packets'))}</th><th class="number">${escapeHtml(vscode.l10n.t('Starts at'))}</th><th>${escapeHtml(vscode.l10n.t('Ends'))}</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${more}`;
  }
  return `${pageHead(csp, name)}
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; }
h1 { font-size: 1.4em; font-weight: 600; }
.error { color: var(--vscode-errorForeground); }
.notes { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
th { font-weight: 600; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
.missing { color: var(--vscode-descriptionForeground); }
button { font-family: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
</style>
</head>
<body>
${body}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.hasAttribute('data-choose')) vscode.postMessage({ type: 'choose' });
  else vscode.postMessage({ type: 'open', index: Number(button.dataset.index) });
});
</script>
</body>
</html>`;
}

function connectionRow(c: CaptureConnection, i: number, start: number): string {
  const at = connectionStart(c) - start;
  const handshake = c.handshake ? '' : ` <span class="missing">(${escapeHtml(vscode.l10n.t('no handshake captured'))})</span>`;
  const label = vscode.l10n.t('Open connection {index} as a tcpseq document', { index: c.index });
  return `<tr><td class="number">${c.index}</td><td>${escapeHtml(c.client.text)}</td><td>${escapeHtml(c.server.text)}${handshake}</td>`
    + `<td class="number">${c.packetCount}</td><td class="number">+${at.toFixed(3)} s</td><td>${escapeHtml(outcomeText(connectionOutcome(c)))}</td>`
    + `<td><button data-index="${i}" title="${escapeHtml(label)}" aria-label="${escapeHtml(label)}">${escapeHtml(vscode.l10n.t('Open as tcpseq'))}</button></td></tr>`;
}

/** When a connection's first captured packet was taken, in seconds. */
function connectionStart(c: CaptureConnection): number {
  const row = c.rows[0];
  return c.segments.seconds[row] + c.segments.nanos[row] / 1e9;
}

function firstTime(connections: readonly CaptureConnection[]): number {
  let first = Infinity;
  for (const c of connections) first = Math.min(first, connectionStart(c));
  return Number.isFinite(first) ? first : 0;
}
