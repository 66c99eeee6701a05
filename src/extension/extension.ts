// Activation: wires the language features, the preview and capture import. Nothing heavy happens
// here; Mermaid never loads in the extension host (it lives in the webview bundle).
import type * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerEditorFeatures } from './features';
import { registerPreview } from './preview';
import { registerCaptureImport } from './importCapture';
import { extendMarkdownIt } from '../markdown/plugin';
import { localizer } from './l10n';

/** `extendMarkdownIt` draws tcpseq fences in VS Code's Markdown preview. */
export function activate(context: vscode.ExtensionContext): { extendMarkdownIt: typeof extendMarkdownIt } {
  registerLanguageFeatures(context);
  registerEditorFeatures(context);
  registerPreview(context);
  registerCaptureImport(context);
  // Problems in the Markdown preview are written in the editor's display language.
  return { extendMarkdownIt: (md) => extendMarkdownIt(md, localizer) };
}

export function deactivate(): void {}
