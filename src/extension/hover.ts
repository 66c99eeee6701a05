// Hover: a segment's effect on both endpoints and why, a state's meaning and history, a variable's binding.
import * as vscode from 'vscode';
import { hoverAt } from '../core/explain';
import { analysisOf, SELECTOR, toRange } from './features';
import { coreMessages } from './l10n';

export function registerHover(): vscode.Disposable {
  return vscode.languages.registerHoverProvider(SELECTOR, {
    provideHover(document, position) {
      const hover = hoverAt(analysisOf(document), { line: position.line, character: position.character }, coreMessages());
      if (!hover) return undefined;
      return new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range));
    },
  });
}
