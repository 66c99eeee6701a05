// Export commands: the diagram as SVG or PNG (drawn by the preview page), or its Mermaid source
// on the clipboard (GitHub draws ```mermaid blocks).
import * as vscode from 'vscode';
import type { PreviewManager } from './preview';
import { MARKDOWN_LANGUAGE, getMarkdownAnalysis } from './analysisCache';
import { blockAt, cursorLine, diagramFor } from './previewSource';

/** PNGs are drawn at twice the diagram's size: sharp on high-density screens and in slides. */
const PNG_SCALE = 2;

/**
 * Optional argument of the export commands, for scripts and tests: `uri` picks the document
 * (default: the active tcpseq editor), `target` the file to write without asking.
 */
export interface ExportArgs {
  readonly uri?: vscode.Uri | string;
  readonly target?: vscode.Uri | string;
}

type Format = 'svg' | 'png';

export function registerExportCommands(context: vscode.ExtensionContext, manager: PreviewManager): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpseq.exportSvg', (args?: unknown) => exportDiagram(manager, 'svg', args)),
    vscode.commands.registerCommand('tcpseq.exportPng', (args?: unknown) => exportDiagram(manager, 'png', args)),
    vscode.commands.registerCommand('tcpseq.copyMermaidSource', (args?: unknown) => copyMermaidSource(manager, args)),
  );
}

/** Writes the diagram to a file; returns the file written, or undefined when cancelled or failed. */
async function exportDiagram(manager: PreviewManager, format: Format, rawArgs: unknown): Promise<vscode.Uri | undefined> {
  const args = readArgs(rawArgs);
  const document = await documentFor(manager, args);
  if (!document) return undefined;
  const target = args.target ? toUri(args.target) : await askTarget(document, format);
  if (!target) return undefined; // the user cancelled the save dialog
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('tcpseq: exporting {format}…', { format: format.toUpperCase() }) },
      async () => {
        const panel = await manager.panelFor(document);
        const bytes = format === 'svg'
          ? new TextEncoder().encode(await panel.exportSvg())
          : await panel.exportPng(PNG_SCALE, pngBackground());
        await vscode.workspace.fs.writeFile(target, bytes);
      },
    );
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(vscode.l10n.t('tcpseq: could not export {file}: {reason}', { file: target.fsPath || target.toString(), reason }));
    return undefined;
  }
  if (!args.target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('tcpseq: diagram exported to {file}', { file: vscode.workspace.asRelativePath(target) }));
  }
  return target;
}

/** Copies the document's diagram as Mermaid source; returns the text copied. */
async function copyMermaidSource(manager: PreviewManager, rawArgs: unknown): Promise<string | undefined> {
  const document = await documentFor(manager, readArgs(rawArgs));
  if (!document) return undefined;
  const { source } = diagramFor(document);
  await vscode.env.clipboard.writeText(source);
  void vscode.window.showInformationMessage(vscode.l10n.t('tcpseq: Mermaid source copied. Paste it in a ```mermaid block to show it on GitHub.'));
  return source;
}

/** `transparent`, or undefined for the page's own (theme) background. */
function pngBackground(): string | undefined {
  const setting = vscode.workspace.getConfiguration('tcpseq.export').get<string>('pngBackground', 'transparent');
  return setting === 'theme' ? undefined : 'transparent';
}

/** The save dialog (which asks before overwriting), starting next to the document. */
async function askTarget(document: vscode.TextDocument, format: Format): Promise<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export diagram as {format}', { format: format.toUpperCase() }),
    defaultUri: defaultTarget(document, format),
    filters: format === 'svg' ? { [vscode.l10n.t('SVG image')]: ['svg'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
    saveLabel: vscode.l10n.t('Export'),
  });
}

/**
 * `notes.tcpseq` -> `notes.svg` in the same folder (an imported capture's untitled document too:
 * it has the path it saves to); other untitled documents go to the workspace folder. Markdown
 * notes get the number of the block drawn (`notes-2.svg`), so that each block has its own file.
 */
export function defaultTarget(document: vscode.TextDocument, format: Format): vscode.Uri | undefined {
  const uri = document.uri;
  if (uri.scheme === 'untitled' && uri.path.startsWith('/')) {
    return uri.with({ scheme: 'file', path: `${uri.path.replace(/\.[^./]*$/, '')}.${format}` });
  }
  if (uri.scheme === 'untitled') {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return folder ? vscode.Uri.joinPath(folder, `diagram.${format}`) : undefined;
  }
  const base = uri.path.replace(/\.[^./]*$/, '');
  const chosen = document.languageId === MARKDOWN_LANGUAGE ? blockAt(getMarkdownAnalysis(document), cursorLine(document)) : undefined;
  return uri.with({ path: chosen ? `${base}-${chosen.fence.block.index + 1}.${format}` : `${base}.${format}` });
}

async function documentFor(manager: PreviewManager, args: ExportArgs): Promise<vscode.TextDocument | undefined> {
  if (args.uri) {
    try {
      return await vscode.workspace.openTextDocument(toUri(args.uri));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('tcpseq: cannot open {file}: {reason}', { file: String(args.uri), reason: e instanceof Error ? e.message : String(e) }));
      return undefined;
    }
  }
  const document = manager.activeDocument();
  if (!document) void vscode.window.showErrorMessage(vscode.l10n.t('tcpseq: open a .tcpseq file (or its preview) to export its diagram.'));
  return document;
}

function readArgs(raw: unknown): ExportArgs {
  // Invoked from the editor title or a context menu, the argument is the file's URI.
  if (raw instanceof vscode.Uri) return { uri: raw };
  if (typeof raw !== 'object' || raw === null) return {};
  const { uri, target } = raw as Record<string, unknown>;
  const ok = (v: unknown) => (v instanceof vscode.Uri || typeof v === 'string' ? v : undefined);
  return { uri: ok(uri), target: ok(target) };
}

function toUri(value: vscode.Uri | string): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  // A plain path, or a URI with a scheme.
  return /^[a-z][a-z0-9+.-]+:/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
}
