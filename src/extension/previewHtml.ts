// The preview panel's page: a strict Content-Security-Policy, one script with a fresh nonce.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { stringsElement } from '../../webview/strings';
import type { PageStrings } from '../../webview/strings';

/** The folder the page may load from (and nothing else). */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** Options for every preview panel: scripts on, resources only from dist/webview. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [webviewRoot(extensionUri)],
    // The page keeps its zoom and scroll when the panel goes to the background.
    retainContextWhenHidden: true,
  };
}

/** The page's HTML. Mermaid injects <style> elements, hence 'unsafe-inline' for styles only. */
export function previewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), 'preview.js'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
  ].join('; ');
  return `${pageHead(csp, title)}
</head>
<body>
${stringsElement(pageStrings())}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/**
 * A webview page's start, up to the open <head> (the caller may add to it): the language of VS
 * Code's display, the Content-Security-Policy `csp`, and `title`.
 */
export function pageHead(csp: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>`;
}

/** The page's own words in VS Code's display language (English ones in webview/strings.ts). */
export function pageStrings(): PageStrings {
  return {
    zoom: vscode.l10n.t('Zoom'),
    zoomOut: vscode.l10n.t('Zoom out (Ctrl+wheel)'),
    zoomIn: vscode.l10n.t('Zoom in (Ctrl+wheel)'),
    actualSize: vscode.l10n.t('Actual size'),
    waiting: vscode.l10n.t('Waiting for the document…'),
    // The page fills {0} itself: the argument keeps the placeholder.
    cannotDraw: vscode.l10n.t('Cannot draw this document: {0}', '{0}'),
    mermaidFailed: vscode.l10n.t('Mermaid could not draw the diagram: {0}', '{0}'),
    noSvg: vscode.l10n.t('Mermaid returned no SVG'),
    nothingToExport: vscode.l10n.t('There is no diagram to export yet.'),
    exportFailed: vscode.l10n.t('Export failed: {0}', '{0}'),
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
