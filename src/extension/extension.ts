// Activation: wires the language features, the preview, capture import and the capture page. Nothing heavy happens
// here; Mermaid never loads in the extension host (it lives in the webview bundle).
import * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerEditorFeatures } from './features';
import { registerPreview } from './preview';
import { registerCaptureImport } from './importCapture';
import { registerCaptureEditor } from './captureEditor';
import { extendMarkdownIt } from '../markdown/plugin';
import { localizer } from './l10n';
import { DEFAULT_MAX_SEGMENTS } from '../render/mermaid';

/** `extendMarkdownIt` draws tcpseq fences in VS Code's Markdown preview. */
export function activate(context: vscode.ExtensionContext): { extendMarkdownIt: typeof extendMarkdownIt } {
  registerLanguageFeatures(context);
  registerEditorFeatures(context);
  registerPreview(context);
  registerCaptureImport(context);
  registerCaptureEditor(context);
  // Problems in the Markdown preview are written in the editor's display language; its diagrams
  // draw as many segments as the preview's do.
  const maxSegments = () => vscode.workspace.getConfiguration('tcpseq.preview').get<number>('maxSegments', DEFAULT_MAX_SEGMENTS);
  return { extendMarkdownIt: (md) => extendMarkdownIt(md, localizer, maxSegments) };
}

export function deactivate(): void {}
