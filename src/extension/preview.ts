// The preview panel's host side: commands, the panel(s) and their link to the editors, and the
// serializer that brings panels back after a reload.
import * as vscode from 'vscode';
import { PREVIEW_VIEW_TYPE, PreviewPanel } from './previewPanel';
import type { PreviewPanelState } from './previewPanel';
import { MARKDOWN_LANGUAGE, TCPSEQ_LANGUAGE, getMarkdownAnalysis } from './analysisCache';
import { registerExportCommands } from './export';
import { MAX_SEGMENTS_SETTING, hasTcpseqBlock } from './previewSource';

/** The document shown last, for a restored panel whose page kept no state. */
const LAST_DOCUMENT_KEY = 'tcpseq.preview.lastDocument';

/** The preview panel, its commands and exports. */
export function registerPreview(context: vscode.ExtensionContext): void {
  const manager = new PreviewManager(context);
  const lenses = new BlockLenses();
  context.subscriptions.push(
    manager,
    lenses,
    // `line`: a Markdown block's line, from the "Preview diagram" lens above it.
    vscode.commands.registerCommand('tcpseq.openPreviewToSide', (uri?: vscode.Uri, line?: number) =>
      manager.open(uri, vscode.ViewColumn.Beside, line)),
    vscode.commands.registerCommand('tcpseq.openPreview', (uri?: vscode.Uri, line?: number) =>
      manager.open(uri, vscode.ViewColumn.Active, line)),
    vscode.languages.registerCodeLensProvider({ language: MARKDOWN_LANGUAGE }, lenses),
    // Not in the command palette: lets the tests see what the panels were sent and drew.
    vscode.commands.registerCommand('tcpseq.preview.inspect', () => manager.inspect()),
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, manager),
  );
  registerExportCommands(context, manager);
}

/** Documents the preview draws: tcpseq documents, and Markdown notes with a tcpseq block (the block at the cursor). */
function previewable(document: vscode.TextDocument): boolean {
  return document.languageId === TCPSEQ_LANGUAGE || (document.languageId === MARKDOWN_LANGUAGE && hasTcpseqBlock(document));
}

/** "Preview diagram" above each tcpseq block of Markdown notes (the tcpseq.markdown.previewCodeLens setting). */
class BlockLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('tcpseq.markdown.previewCodeLens')) this.changed.fire();
  });

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('tcpseq.markdown', document).get<boolean>('previewCodeLens', true)) return [];
    return getMarkdownAnalysis(document).map(({ block }) => new vscode.CodeLens(new vscode.Range(block.fenceLine, 0, block.fenceLine, 0), {
      title: vscode.l10n.t('Preview diagram'),
      command: 'tcpseq.openPreviewToSide',
      arguments: [document.uri, block.startLine],
    }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Whether one panel follows the active tcpseq editor (else: one panel per document). */
function followsActiveEditor(): boolean {
  return vscode.workspace.getConfiguration('tcpseq.preview').get<boolean>('followActiveEditor', true);
}

export class PreviewManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Set<PreviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        for (const p of this.panels) if (p.document === e.document) p.scheduleUpdate();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        for (const p of this.panels) {
          if (p.document === e.textEditor.document) p.highlight(e.selections[0]?.active.line ?? null);
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(MAX_SEGMENTS_SETTING)) for (const p of this.panels) p.scheduleUpdate();
      }),
    );
  }

  /**
   * Opens (or reveals) the preview of `uri`, or of the active tcpseq editor. With `line`, the cursor
   * goes there first: in Markdown notes, the block at the cursor is the one drawn.
   */
  async open(uri: vscode.Uri | undefined, column: vscode.ViewColumn, line?: number): Promise<void> {
    const document = await this.targetDocument(uri);
    if (!document) {
      void vscode.window.showInformationMessage(vscode.l10n.t('tcpseq: open a .tcpseq file (or Markdown notes with a tcpseq block) to preview its diagram.'));
      return;
    }
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (editor && typeof line === 'number' && line >= 0 && line < document.lineCount) {
      editor.selection = new vscode.Selection(line, 0, line, 0);
    }
    this.show(document, column, column === vscode.ViewColumn.Beside);
  }

  /** The panel showing `document`, opening one beside the editor (without focus) if none does. */
  async panelFor(document: vscode.TextDocument): Promise<PreviewPanel> {
    const existing = this.find(document);
    if (existing) return existing;
    return this.show(document, vscode.ViewColumn.Beside, true);
  }

  /**
   * The document a command without arguments is about: the active editor's (a tcpseq document or
   * Markdown notes with a tcpseq block), else the active panel's.
   */
  activeDocument(): vscode.TextDocument | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor && previewable(editor.document)) return editor.document;
    const active = [...this.panels].find((p) => p.panel.active);
    if (active) return active.document;
    const visible = vscode.window.visibleTextEditors.find((e) => previewable(e.document));
    return visible?.document;
  }

  inspect(): PreviewPanelState[] {
    return [...this.panels].map((p) => p.state());
  }

  /** Restores a panel after a reload. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (state as { documentUri?: unknown } | undefined)?.documentUri;
    const uriText = typeof saved === 'string' ? saved : this.context.workspaceState.get<string>(LAST_DOCUMENT_KEY);
    let document: vscode.TextDocument | undefined;
    try {
      document = uriText ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uriText)) : this.activeDocument();
    } catch {
      document = this.activeDocument();
    }
    if (!document) {
      panel.dispose(); // its file is gone: nothing to show
      return;
    }
    this.adopt(panel, document);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private find(document: vscode.TextDocument): PreviewPanel | undefined {
    return [...this.panels].find((p) => p.document === document);
  }

  private show(document: vscode.TextDocument, column: vscode.ViewColumn, preserveFocus: boolean): PreviewPanel {
    let panel = this.find(document);
    if (!panel && followsActiveEditor()) {
      // One panel follows the active editor: retarget it rather than opening a second one.
      panel = [...this.panels][0];
      panel?.setDocument(document);
    }
    if (panel) {
      panel.reveal(preserveFocus);
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE, vscode.l10n.t('Preview'), { viewColumn: column, preserveFocus }, {},
      );
      panel = this.adopt(webviewPanel, document);
    }
    void this.context.workspaceState.update(LAST_DOCUMENT_KEY, document.uri.toString());
    return panel;
  }

  private adopt(webviewPanel: vscode.WebviewPanel, document: vscode.TextDocument): PreviewPanel {
    const panel = new PreviewPanel(webviewPanel, document, this.context.extensionUri);
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (editor) panel.highlight(editor.selection.active.line);
    return panel;
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    if (!editor || !previewable(editor.document) || !followsActiveEditor()) return;
    const panel = [...this.panels][0];
    if (!panel || panel.document === editor.document) return;
    panel.setDocument(editor.document);
    panel.highlight(editor.selection.active.line);
    void this.context.workspaceState.update(LAST_DOCUMENT_KEY, editor.document.uri.toString());
  }

  private async targetDocument(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    return this.activeDocument();
  }
}
