// Format Document: canonical spacing and case (src/core/format.ts), one edit per changed line.
import * as vscode from 'vscode';
import { formatEdits } from '../core/format';
import { SELECTOR } from './features';

export function registerFormatting(): vscode.Disposable {
  return vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, {
    provideDocumentFormattingEdits(document) {
      return formatEdits(document.getText()).map((e) => vscode.TextEdit.replace(document.lineAt(e.line).range, e.newText));
    },
  });
}
