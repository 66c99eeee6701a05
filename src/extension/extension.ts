// Activation: wires the language features, the preview and capture import. Nothing heavy happens
// here; Mermaid never loads in the extension host (it lives in the webview bundle).
import type * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerEditorFeatures } from './features';
import { registerPreview } from './preview';
import { registerCaptureImport } from './importCapture';
import { extendMarkdownIt } from '../markdown/plugin';

/** `extendMarkdownIt` draws tcpseq fences in VS Code's Markdown preview. */
export function activate(context: vscode.ExtensionContext): { extendMarkdownIt: typeof extendMarkdownIt } {
  registerLanguageFeatures(context);
  registerEditorFeatures(context);
  registerPreview(context);
  registerCaptureImport(context);
  return { extendMarkdownIt };
}

export function deactivate(): void {}
