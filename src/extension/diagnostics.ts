// Problems in the editor: every tcpseq document and every tcpseq fence of a Markdown file is
// checked as it changes (no save needed), and its diagnostics are published in the Problems view.
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity } from '../core';
import { forgetDocument, getDocumentAnalysis, isChecked } from './analysisCache';
import { diagnosticText } from './l10n';

export const DIAGNOSTIC_SOURCE = 'tcpseq';
const SETTING_SECTION = 'tcpseq';
const SETTING_ENABLE = 'validate.enable';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export function toVscodeRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The editor's form of a core diagnostic. */
export function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toVscodeRange(d.range), diagnosticText(d), SEVERITY[d.severity]);
  diagnostic.code = d.code;
  diagnostic.source = DIAGNOSTIC_SOURCE;
  return diagnostic;
}

function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return [input.uri];
  if (input instanceof vscode.TabInputTextDiff) return [input.original, input.modified];
  return [];
}

/** Keeps the diagnostic collection in step with the open documents and the setting. */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Documents with a check scheduled for the next turn of the event loop. */
  private readonly pending = new Map<string, vscode.TextDocument>();
  private scheduled: NodeJS.Immediate | undefined;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      // VS Code keeps a document alive for a while after its editor closes: clear its problems
      // when its last tab goes, as a person closing the file expects.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const open = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap(tabUris).map(String));
        for (const uri of e.closed.flatMap(tabUris)) if (!open.has(uri.toString())) this.clear(uri);
        // Reopened before VS Code let go of it: no open event comes, so check it here.
        for (const uri of e.opened.flatMap(tabUris)) {
          const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          if (document) this.schedule(document);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // The MSL decides when TIME-WAIT ends, so it changes what is right.
        if (e.affectsConfiguration(`${SETTING_SECTION}.${SETTING_ENABLE}`) || e.affectsConfiguration(`${SETTING_SECTION}.msl`)) this.refreshAll();
      }),
    );
    this.refreshAll();
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration(SETTING_SECTION).get<boolean>(SETTING_ENABLE, true);
  }

  /**
   * Checks on the next turn of the event loop rather than inside the change event: other
   * listeners are not held up, and a burst of changes (an applied edit, typing) is checked once.
   */
  private schedule(document: vscode.TextDocument): void {
    if (!isChecked(document)) return;
    this.pending.set(document.uri.toString(), document);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = undefined;
    const documents = [...this.pending.values()];
    this.pending.clear();
    for (const document of documents) this.publish(document);
  }

  private publish(document: vscode.TextDocument): void {
    // A document closed since its change was scheduled has nothing to show.
    if (document.isClosed) return;
    if (!this.enabled) {
      this.collection.delete(document.uri);
      return;
    }
    try {
      const { diagnostics } = getDocumentAnalysis(document);
      this.collection.set(document.uri, diagnostics.map(toVscodeDiagnostic));
    } catch (err) {
      // A fault in the checker must not take the editor down: say so on the first line.
      const message = vscode.l10n.t('tcpseq could not check this document: {error}', { error: (err as Error).message });
      const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      this.collection.set(document.uri, [diagnostic]);
    }
  }

  private clear(uri: vscode.Uri): void {
    this.pending.delete(uri.toString());
    this.collection.delete(uri);
    forgetDocument(uri);
  }

  /** Checks every open document again (after the setting changed, and at start). */
  private refreshAll(): void {
    if (!this.enabled) {
      this.collection.clear();
      return;
    }
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
  }

  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    for (const d of this.disposables) d.dispose();
  }
}
