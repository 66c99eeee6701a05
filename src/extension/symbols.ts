// Outline (title, then the phases the model sees, each with its segments) and folding of `par` blocks.
import * as vscode from 'vscode';
import { phaseName } from '../core/explain';
import { buildOutline, parFoldingRanges } from '../core/outline';
import { analysisOf, SELECTOR, toRange } from './features';
import { coreMessages } from './l10n';

export function registerSymbols(): vscode.Disposable {
  const symbols = vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
    provideDocumentSymbols(document) {
      const outline = buildOutline(analysisOf(document));
      const result: vscode.DocumentSymbol[] = [];
      if (outline.title && outline.title.text.trim() !== '') {
        const r = toRange(outline.title.range);
        result.push(new vscode.DocumentSymbol(outline.title.text, 'title', vscode.SymbolKind.String, r, r));
      }
      for (const phase of outline.phases) {
        const first = phase.segments[0].line + 1;
        const last = phase.segments[phase.segments.length - 1].line + 1;
        const detail = first === last ? vscode.l10n.t('line {line}', { line: first }) : vscode.l10n.t('lines {first}-{last}', { first, last });
        const symbol = new vscode.DocumentSymbol(
          phaseName(phase.kind, coreMessages()), detail, vscode.SymbolKind.Namespace, toRange(phase.range), toRange(phase.selectionRange),
        );
        symbol.children = phase.segments.map((s) => {
          const r = toRange(s.range);
          return new vscode.DocumentSymbol(s.name, s.label ?? '', vscode.SymbolKind.Event, r, r);
        });
        result.push(symbol);
      }
      return result;
    },
  }, { label: 'tcpseq' });
  const folding = vscode.languages.registerFoldingRangeProvider(SELECTOR, {
    provideFoldingRanges(document) {
      return parFoldingRanges(analysisOf(document)).map((f) => new vscode.FoldingRange(f.startLine, f.endLine));
    },
  });
  return vscode.Disposable.from(symbols, folding);
}
