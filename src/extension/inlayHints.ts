// Inlay hints: at the end of a segment (or `wait`) line, the state changes it causes.
import * as vscode from 'vscode';
import { describeState, explainText, transitionLabel } from '../core/explain';
import { analysisOf, SELECTOR } from './features';
import { coreMessages } from './l10n';

const SETTING = 'tcpseq.inlayHints.enable';

export function registerInlayHints(): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    provideInlayHints(document, range) {
      if (!vscode.workspace.getConfiguration('tcpseq', document).get<boolean>('inlayHints.enable', true)) return [];
      const hints: vscode.InlayHint[] = [];
      for (const event of analysisOf(document).timeline.events) {
        if (event.line < range.start.line || event.line > range.end.line) continue;
        if (event.transitions.length === 0 || (event.kind !== 'segment' && event.kind !== 'wait')) continue;
        const end = document.lineAt(event.line).text.trimEnd().length;
        const hint = new vscode.InlayHint(
          new vscode.Position(event.line, end),
          event.transitions.map((t) => transitionLabel(t, coreMessages())).join(', '),
          vscode.InlayHintKind.Type,
        );
        hint.paddingLeft = true;
        hint.tooltip = new vscode.MarkdownString(
          event.transitions
            .map((t) => vscode.l10n.t('**{endpoint}** → {state}: {reason}. {meaning}', {
              endpoint: t.endpoint, state: t.to, reason: explainText(t.reason, coreMessages()), meaning: describeState(t.to, coreMessages()),
            }))
            .join('\n\n'),
        );
        hints.push(hint);
      }
      return hints;
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerInlayHintsProvider(SELECTOR, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTING) || e.affectsConfiguration('tcpseq.msl')) changed.fire();
    }),
  );
}
