import { parse } from './parser';
import type { Analysis, AnalyzeOptions } from './types';
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(text);
  return { parsed, diagnostics: parsed.diagnostics, timeline: { participants: [], events: [], variables: [], mslMs: options.defaultMslMs ?? 120000 } };
}
