import * as vscode from 'vscode';
import { MARKDOWN_LANGUAGE, TCPSEQ_LANGUAGE } from './analysisCache';
import { TcpseqCodeActionProvider } from './codeActions';
import { DiagnosticsPublisher } from './diagnostics';

/** tcpseq documents, and Markdown files for their tcpseq fences. */
const CHECKED: vscode.DocumentSelector = [{ language: TCPSEQ_LANGUAGE }, { language: MARKDOWN_LANGUAGE }];

/** Diagnostics as documents change, and quick fixes for them. */
export function registerLanguageFeatures(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    new DiagnosticsPublisher(),
    vscode.languages.registerCodeActionsProvider(CHECKED, new TcpseqCodeActionProvider(), TcpseqCodeActionProvider.metadata),
  );
}
