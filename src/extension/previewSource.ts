// What the preview draws for a document: its checked timeline turned into Mermaid source.
import type * as vscode from 'vscode';
import { analyze } from '../core';
import type { Analysis } from '../core';
import { timelineToMermaid } from '../render/mermaid';
import type { DiagramSource } from '../../webview/protocol';

/** The document's analysis. */
export function analysisFor(document: vscode.TextDocument): Analysis {
  return analyze(document.getText());
}

/** Mermaid source and source map for the document's diagram. */
export function diagramFor(document: vscode.TextDocument): DiagramSource {
  const analysis = analysisFor(document);
  return timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics });
}
