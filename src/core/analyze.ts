// parse -> model -> diagnostics and timeline.
import { runParsed } from './model';
import { parse } from './parser';
import type { Analysis, AnalyzeOptions, Diagnostic, Timeline } from './types';

/**
 * Checks one tcpseq document. The diagnostics are made at once; the timeline (every line's
 * states, numbers and remarks) is made the first time it is read, by running the model again
 * with recording on: a check (the command line, squiggles) needs only the diagnostics.
 */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = options.parsed ?? parse(text, options.firstLine ?? 0, options.previous?.parsed);
  const model = runParsed(parsed, options.defaultMslMs, false);
  const diagnostics = [...parsed.diagnostics, ...model.diagnostics].sort(byPosition);
  let timeline: Timeline | undefined;
  return {
    parsed,
    diagnostics,
    get timeline(): Timeline {
      return (timeline ??= runParsed(parsed, options.defaultMslMs, true).timeline);
    },
  };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
