// Quick fixes: the core attaches one replacement to each diagnostic it can fix (`ack=x` -> `ack=x+1`);
// each becomes a preferred quick fix, and "Fix all tcpseq problems" applies them all at once.
import * as vscode from 'vscode';
import type { Diagnostic } from '../core';
import { nonOverlappingFixes, type Fixable } from '../core/fixes';
import { getDocumentAnalysis } from './analysisCache';
import { DIAGNOSTIC_SOURCE, toVscodeDiagnostic, toVscodeRange } from './diagnostics';
import { diagnosticText, fixTitle } from './l10n';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('tcpseq');
export const FIX_ALL_TITLE = vscode.l10n.t('Fix all tcpseq problems');

function sameRange(a: vscode.Range, b: vscode.Range): boolean {
  return a.start.isEqual(b.start) && a.end.isEqual(b.end);
}

export class TcpseqCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    let diagnostics: readonly Diagnostic[];
    try {
      ({ diagnostics } = getDocumentAnalysis(document));
    } catch {
      return []; // the diagnostics already say the document could not be checked
    }
    const actions: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);

    if (wants(vscode.CodeActionKind.QuickFix)) {
      // The editor hands back its copies of our diagnostics: find the core's by code and range.
      const shown = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
      for (const d of diagnostics) {
        if (!d.fix) continue;
        const match = shown.find((s) => s.code === d.code && s.message === diagnosticText(d) && sameRange(s.range, toVscodeRange(d.range)));
        if (!match && !toVscodeRange(d.range).intersection(range)) continue;
        actions.push(this.quickFix(document, d as Fixable, match ?? toVscodeDiagnostic(d)));
      }
    }

    if (context.only && wants(FIX_ALL_KIND)) {
      const fixAll = this.fixAll(document, diagnostics);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  private quickFix(document: vscode.TextDocument, d: Fixable, shown: vscode.Diagnostic): vscode.CodeAction {
    const action = new vscode.CodeAction(fixTitle(d.fix), vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, toVscodeRange(d.fix.range), d.fix.newText);
    action.diagnostics = [shown];
    // Every core fix is the one replacement that makes the line right.
    action.isPreferred = true;
    return action;
  }

  private fixAll(document: vscode.TextDocument, diagnostics: readonly Diagnostic[]): vscode.CodeAction | undefined {
    const fixes = nonOverlappingFixes(diagnostics);
    if (fixes.length === 0) return undefined;
    const action = new vscode.CodeAction(FIX_ALL_TITLE, FIX_ALL_KIND);
    action.edit = new vscode.WorkspaceEdit();
    for (const d of fixes) action.edit.replace(document.uri, toVscodeRange(d.fix.range), d.fix.newText);
    action.diagnostics = fixes.map(toVscodeDiagnostic);
    return action;
  }
}
