// parse -> model -> diagnostics and timeline.
import { runModel } from './model';
import { parse } from './parser';
import type { Analysis, AnalyzeOptions, Diagnostic } from './types';

/** Checks one tcpseq document. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(text, options.firstLine ?? 0, options.previous?.parsed);
  const model = runModel(parsed.statements, parsed.lineCount, options.defaultMslMs);
  const diagnostics = [...parsed.diagnostics, ...model.diagnostics].sort(byPosition);
  return { parsed, diagnostics, timeline: model.timeline };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
