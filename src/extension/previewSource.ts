// What the preview draws for a document: its checked timeline turned into Mermaid source.
import * as vscode from 'vscode';
import { analyze } from '../core';
import type { Analysis, MarkdownBlockAnalysis } from '../core';
import { DEFAULT_MAX_SEGMENTS, timelineToMermaid } from '../render/mermaid';
import type { DiagramSource } from '../../webview/protocol';
import { MARKDOWN_LANGUAGE, getAnalysis, getMarkdownAnalysis } from './analysisCache';
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
  const maxSegments = vscode.workspace.getConfiguration('tcpseq.preview', document).get<number>('maxSegments', DEFAULT_MAX_SEGMENTS);
  const draw = (analysis: Analysis) => timelineToMermaid(analysis.timeline, {
    diagnostics: analysis.diagnostics, l10n: localizer, maxSegments, around,
    moreHint: vscode.l10n.t('The setting {setting} draws more.', { setting: MAX_SEGMENTS_SETTING }),
  });
  if (document.languageId !== MARKDOWN_LANGUAGE) return draw(analysisFor(document));
  // Markdown notes: the tcpseq block at the cursor, analysed at its Markdown lines, so that
  // clicking an arrow and moving the cursor work as in a .tcpseq file.
  const chosen = blockAt(getMarkdownAnalysis(document), around);
  if (!chosen) return draw(analyze(''));
  const diagram = draw(chosen.fence.analysis);
  // Drawn for the lines where the cursor chooses this block: leaving them draws another block.
  return diagram.drawn ? diagram : { ...diagram, drawn: chosen.region };
}

/**
 * The block of a Markdown file that a cursor on `line` previews: the one holding the line, else the
 * nearest above it, else the first. `region` is every line that chooses it.
 */
export function blockAt(blocks: readonly MarkdownBlockAnalysis[], line: number | undefined): { fence: MarkdownBlockAnalysis; region: { firstLine: number; endLine?: number } } | undefined {
  if (blocks.length === 0) return undefined;
  let k = 0;
  while (line !== undefined && k + 1 < blocks.length && blocks[k + 1].block.fenceLine <= line) k++;
  return {
    fence: blocks[k],
    region: { firstLine: k === 0 ? 0 : blocks[k].block.fenceLine, endLine: blocks[k + 1]?.block.fenceLine },
  };
}

/** True for a Markdown file with at least one tcpseq block. */
export function hasTcpseqBlock(document: vscode.TextDocument): boolean {
  return getMarkdownAnalysis(document).length > 0;
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
