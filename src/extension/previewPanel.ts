// One preview panel: a webview showing the diagram of one tcpseq document, kept in step with the
// editor (updates as the user types, cursor <-> diagram), and able to export what it shows.
import * as vscode from 'vscode';
import type {
  DiagramSource, ExportPngMessage, ExportSvgMessage, HostToPage, PageToHost, PngMessage, SvgMessage,
} from '../../webview/protocol';
import { previewHtml, webviewOptions } from './previewHtml';
import { diagramFor, drawsOtherLines } from './previewSource';

export const PREVIEW_VIEW_TYPE = 'tcpseq.preview';

/** How long an export may take before it is reported as failed. */
const EXPORT_TIMEOUT_MS = 30_000;
/** Edits closer together than one frame (60 Hz) are sent as one update. */
const FRAME_MS = 16;

/** What the page last showed, for the `tcpseq.preview.inspect` command the tests use. */
export interface PreviewPanelState {
  readonly documentUri: string;
  readonly visible: boolean;
  readonly viewColumn?: number;
  readonly ready: boolean;
  readonly postedVersion: number;
  readonly renderedVersion: number;
  readonly lastUpdate?: { readonly version: number; readonly diagram: DiagramSource };
  readonly lastHighlight?: number | null;
  readonly lastRenderError?: string;
  /** Milliseconds the page reported for its last render. */
  readonly lastRenderMs?: number;
}

type Waiter = { resolve: (m: PageToHost) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class PreviewPanel implements vscode.Disposable {
  private documentValue: vscode.TextDocument;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  /** Fired when the panel closes. */
  readonly onDidDispose = this.onDisposeEmitter.event;

  private ready = false;
  private version = 0;
  private renderedVersion = 0;
  private pendingUpdate: NodeJS.Timeout | undefined;
  private lastUpdate: PreviewPanelState['lastUpdate'];
  private lastHighlight: number | null | undefined;
  private lastRenderError: string | undefined;
  private lastRenderMs: number | undefined;
  private nextRequestId = 1;
  private readonly exportWaiters = new Map<number, Waiter>();
  private readonly renderWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    document: vscode.TextDocument,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.documentValue = document;
    panel.webview.options = webviewOptions(extensionUri);
    this.setTitle();
    panel.webview.html = previewHtml(panel.webview, extensionUri, panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get document(): vscode.TextDocument {
    return this.documentValue;
  }

  /** Shows another document in this panel (the panel that follows the active editor). */
  setDocument(document: vscode.TextDocument): void {
    if (document === this.documentValue) return;
    this.documentValue = document;
    this.setTitle();
    this.lastHighlight = undefined;
    this.postUpdateNow();
  }

  /** The document changed: send the new diagram, at most once per frame. */
  scheduleUpdate(): void {
    if (this.pendingUpdate || this.disposed) return;
    this.pendingUpdate = setTimeout(() => {
      this.pendingUpdate = undefined;
      this.postUpdateNow();
    }, FRAME_MS);
  }

  /**
   * The editor's cursor moved to `line` (0-based): light up that line's segment. A diagram of part
   * of a long document is drawn again around the cursor when the cursor leaves the part drawn.
   */
  highlight(line: number | null): void {
    if (line === this.lastHighlight) return;
    this.lastHighlight = line;
    if (this.ready) this.post({ type: 'highlight', line });
    if (line !== null && drawsOtherLines(this.lastUpdate?.diagram, line)) this.scheduleUpdate();
  }

  /** Resolves once the page has drawn the latest update (or failed to). */
  whenRendered(): Promise<void> {
    if (this.ready && this.renderedVersion >= this.version && this.pendingUpdate === undefined) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** Asks the page for a standalone SVG of what it shows. */
  async exportSvg(): Promise<string> {
    const reply = await this.request<SvgMessage>({ type: 'exportSvg' });
    return reply.svg;
  }

  /** Asks the page for a PNG (`scale` times the drawn size) and returns its bytes. */
  async exportPng(scale: number, background: string | undefined): Promise<Uint8Array> {
    const message: ExportPngMessage = { type: 'exportPng', scale, ...(background ? { background } : {}) };
    const reply = await this.request<PngMessage>(message);
    const match = /^data:image\/png;base64,(.*)$/s.exec(reply.dataUrl);
    if (!match) throw new Error(vscode.l10n.t('the preview sent an image that is not a PNG'));
    return Buffer.from(match[1], 'base64');
  }

  state(): PreviewPanelState {
    return {
      documentUri: this.documentValue.uri.toString(),
      visible: this.panel.visible,
      viewColumn: this.panel.viewColumn,
      ready: this.ready,
      postedVersion: this.version,
      renderedVersion: this.renderedVersion,
      lastUpdate: this.lastUpdate,
      lastHighlight: this.lastHighlight,
      lastRenderError: this.lastRenderError,
      lastRenderMs: this.lastRenderMs,
    };
  }

  reveal(preserveFocus: boolean): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.pendingUpdate);
    for (const [, w] of this.exportWaiters) {
      clearTimeout(w.timer);
      w.reject(new Error(vscode.l10n.t('the preview was closed')));
    }
    this.exportWaiters.clear();
    this.flushRenderWaiters();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }

  private setTitle(): void {
    const name = this.documentValue.uri.path.split('/').pop() || 'tcpseq';
    this.panel.title = vscode.l10n.t('Preview {name}', { name });
  }

  private postUpdateNow(): void {
    clearTimeout(this.pendingUpdate);
    this.pendingUpdate = undefined;
    if (!this.ready || this.disposed) return; // the page asks with `ready` once it listens
    const diagram = diagramFor(this.documentValue, this.lastHighlight ?? undefined);
    this.version += 1;
    this.lastUpdate = { version: this.version, diagram };
    this.post({ type: 'update', version: this.version, diagram });
  }

  private post(message: HostToPage): void {
    void this.panel.webview.postMessage(message);
  }

  private async request<T extends SvgMessage | PngMessage>(message: ExportSvgMessage | ExportPngMessage): Promise<T> {
    // The page must have drawn the latest text before it can export it.
    let waited: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_, reject) => {
      waited = setTimeout(() => reject(new Error(vscode.l10n.t('the preview did not draw the diagram within {seconds} s', { seconds: EXPORT_TIMEOUT_MS / 1000 }))), EXPORT_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.whenRendered(), tooLong]);
    } finally {
      clearTimeout(waited);
    }
    if (this.disposed) throw new Error(vscode.l10n.t('the preview was closed'));
    const requestId = this.nextRequestId++;
    const reply = new Promise<PageToHost>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exportWaiters.delete(requestId);
        reject(new Error(vscode.l10n.t('the preview did not answer within {seconds} s', { seconds: EXPORT_TIMEOUT_MS / 1000 })));
      }, EXPORT_TIMEOUT_MS);
      this.exportWaiters.set(requestId, { resolve, reject, timer });
    });
    this.post({ ...message, requestId });
    return (await reply) as T;
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const message = raw as PageToHost;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postUpdateNow();
        if (this.lastHighlight !== undefined) this.post({ type: 'highlight', line: this.lastHighlight });
        break;
      case 'rendered':
        this.renderedVersion = Math.max(this.renderedVersion, message.version);
        this.lastRenderError = undefined;
        this.lastRenderMs = message.ms;
        if (this.renderedVersion >= this.version) this.flushRenderWaiters();
        break;
      case 'renderError':
        this.renderedVersion = Math.max(this.renderedVersion, message.version);
        this.lastRenderError = message.message;
        if (this.renderedVersion >= this.version) this.flushRenderWaiters();
        break;
      case 'reveal':
        if (typeof message.line === 'number') void this.revealLine(message.line);
        break;
      case 'svg':
      case 'png':
      case 'exportError':
        this.settleExport(message);
        break;
    }
  }

  private settleExport(message: SvgMessage | PngMessage | { type: 'exportError'; message: string; requestId?: number }): void {
    // The page answers in order; a reply without id settles the oldest request.
    const id = message.requestId ?? [...this.exportWaiters.keys()][0];
    const waiter = id === undefined ? undefined : this.exportWaiters.get(id);
    if (!waiter || id === undefined) return;
    this.exportWaiters.delete(id);
    clearTimeout(waiter.timer);
    if (message.type === 'exportError') waiter.reject(new Error(message.message));
    else waiter.resolve(message);
  }

  private flushRenderWaiters(): void {
    for (const resolve of this.renderWaiters.splice(0)) resolve();
  }

  /** The user clicked a segment: select its line in an editor showing the document. */
  private async revealLine(line: number): Promise<void> {
    const document = this.documentValue;
    if (line < 0 || line >= document.lineCount) return;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = visible
      ? await vscode.window.showTextDocument(document, { viewColumn: visible.viewColumn, preserveFocus: false })
      : await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    const text = document.lineAt(line);
    const start = new vscode.Position(line, text.firstNonWhitespaceCharacterIndex);
    const end = text.range.end;
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(text.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
