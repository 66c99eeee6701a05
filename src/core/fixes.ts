// Fixing many problems at once, as "Fix all tcpseq problems" in the editor and `tcpseq check --fix`
// do: the fixes that do not overlap, applied to the text in one pass.
import type { Diagnostic, Fix, Position } from './types';

export type Fixable = Diagnostic & { readonly fix: Fix };

const SEVERITY_RANK = { error: 0, warning: 1, information: 2 } as const;

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * The fixes of a document that do not overlap, in document order. Where two overlap, the first
 * wins, and at one position an error's fix wins over a warning's.
 */
export function nonOverlappingFixes(diagnostics: readonly Diagnostic[]): Fixable[] {
  const fixable = diagnostics.filter((d): d is Fixable => d.fix !== undefined);
  const sorted = [...fixable].sort((a, b) => compare(a.fix.range.start, b.fix.range.start) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const chosen: Fixable[] = [];
  let end: Position | undefined;
  for (const d of sorted) {
    const range = d.fix.range;
    if (end && compare(range.start, end) < 0) continue;
    // Two insertions at one point would both apply: keep only the first.
    const empty = compare(range.start, range.end) === 0;
    const lastEmpty = chosen.length > 0 && compare(chosen[chosen.length - 1].fix.range.start, chosen[chosen.length - 1].fix.range.end) === 0;
    if (end && empty && compare(range.start, end) === 0 && lastEmpty) continue;
    chosen.push(d);
    end = range.end;
  }
  return chosen;
}

/**
 * `text` with `fixes` applied; they must not overlap (nonOverlappingFixes). Lines end at LF (a CR
 * before it stays in the line, as the core counts characters).
 */
export function applyFixes(text: string, fixes: readonly Fixable[]): string {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (p: Position): number => Math.min((lineStarts[p.line] ?? text.length) + p.character, text.length);
  let out = '';
  let at = 0;
  for (const d of [...fixes].sort((a, b) => compare(a.fix.range.start, b.fix.range.start))) {
    const start = offset(d.fix.range.start);
    if (start < at) continue; // overlapping: not applied
    out += text.slice(at, start) + d.fix.newText;
    at = offset(d.fix.range.end);
  }
  return out + text.slice(at);
}
