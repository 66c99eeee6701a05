// The HTML that hosts the diagram page (dist/webview/preview.js). The page builds its own DOM
// and styles, so a host only supplies this shell: the VS Code panel with its CSP source and a
// nonce, headless Chromium with the script inlined.

import { stringsElement } from '../../webview/strings';
import type { PageStrings } from '../../webview/strings';

export interface PreviewPageOptions {
  /** URL of dist/webview/preview.js (a webview URI in VS Code). */
  readonly scriptUri?: string;
  /** The script's text, inlined instead of `scriptUri` (headless rendering). */
  readonly inlineScript?: string;
  /** `webview.cspSource`; with it a Content-Security-Policy is set. */
  readonly cspSource?: string;
  /** A fresh random nonce for the script tag (required with `cspSource`). */
  readonly nonce?: string;
  /** `vscode-light` / `vscode-dark` / `vscode-high-contrast`: VS Code sets it itself; headless hosts choose. */
  readonly bodyClass?: string;
  readonly title?: string;
  /** The page's own words in another language (webview/strings.ts). */
  readonly strings?: PageStrings;
}

/**
 * The page shell. Mermaid writes `<style>` into its SVG and style attributes, hence
 * `style-src 'unsafe-inline'`; PNG export draws the SVG through a `data:` image.
 */
export function previewPageHtml(o: PreviewPageOptions): string {
  const nonce = o.nonce ? ` nonce="${attr(o.nonce)}"` : '';
  const csp = o.cspSource
    ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${attr(o.cspSource)} data: blob:; ` +
      `style-src ${attr(o.cspSource)} 'unsafe-inline'; font-src ${attr(o.cspSource)}; script-src 'nonce-${attr(o.nonce ?? '')}';">`
    : '';
  const script = o.inlineScript !== undefined
    ? `<script${nonce}>${o.inlineScript.replace(/<\/script/gi, '<\\/script')}</script>`
    : `<script${nonce} src="${attr(o.scriptUri ?? '')}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${csp}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${text(o.title ?? 'TCP sequence diagram')}</title>
</head>
<body${o.bodyClass ? ` class="${attr(o.bodyClass)}"` : ''}>
${o.strings ? stringsElement(o.strings) : ''}
${script}
</body>
</html>
`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
