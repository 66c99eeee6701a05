// What the preview draws for a document: its checked timeline turned into Mermaid source.
import * as vscode from 'vscode';
import { analyze } from '../core';
import type { Analysis } from '../core';
import { DEFAULT_MAX_SEGMENTS, timelineToMermaid } from '../render/mermaid';
import type { DiagramSource } from '../../webview/protocol';
import { getAnalysis } from './analysisCache';
import { localizer } from './l10n';

/** The document's analysis: the one the diagnostics made for this version when there is one. */
export function analysisFor(document: vscode.TextDocument): Analysis {
  // A file opened with the preview command but not (yet) in the tcpseq language is checked as tcpseq.
  return getAnalysis(document) ?? analyze(document.getText());
}

/** The setting that limits how many segments a diagram draws (0: all). */
export const MAX_SEGMENTS_SETTING = 'tcpseq.preview.maxSegments';

/**
 * Mermaid source and source map for the document's diagram, with its problems marked. A document
 * with more segments than the setting allows is drawn around `around` (the editor's cursor line).
 */
export function diagramFor(document: vscode.TextDocument, around: number | undefined = cursorLine(document)): DiagramSource {
  const analysis = analysisFor(document);
  const maxSegments = vscode.workspace.getConfiguration('tcpseq.preview', document).get<number>('maxSegments', DEFAULT_MAX_SEGMENTS);
  return timelineToMermaid(analysis.timeline, {
    diagnostics: analysis.diagnostics, l10n: localizer, maxSegments, around,
    moreHint: vscode.l10n.t('The setting {setting} draws more.', { setting: MAX_SEGMENTS_SETTING }),
  });
}

/** The cursor's line in an editor showing the document (the active one first), if one does. */
export function cursorLine(document: vscode.TextDocument): number | undefined {
  const active = vscode.window.activeTextEditor;
  const editor = active?.document === document ? active : vscode.window.visibleTextEditors.find((e) => e.document === document);
  return editor?.selection.active.line;
}

/** True when a diagram drawn for part of its document does not draw `line`. */
export function drawsOtherLines(diagram: DiagramSource | undefined, line: number): boolean {
  const drawn = diagram?.drawn;
  return drawn !== undefined && (line < drawn.firstLine || (drawn.endLine !== undefined && line >= drawn.endLine));
}
