// The `#! error` / `#! warning` marks of example documents, and how to hold diagnostics to them.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository's root (tests run from out/test/...). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
/** The shared examples beside the repository. */
export const SHARED_EXAMPLES = path.resolve(REPO, '..', 'shared', 'examples');
/** The project's own fixture documents. */
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'documents');

/** The example documents of a folder: .tcpseq files and Markdown notes (not README.md). */
export function exampleFiles(dir: string): string[] {
  return fs.readdirSync(dir)
    .filter((f) => (f.endsWith('.tcpseq') || f.endsWith('.md')) && f !== 'README.md')
    .sort()
    .map((f) => path.join(dir, f));
}

/** 1-based line -> the severity its mark asks for. */
export function marks(text: string): Map<number, 'error' | 'warning'> {
  const out = new Map<number, 'error' | 'warning'>();
  text.split(/\r\n|\r|\n/).forEach((l, i) => {
    const m = /#!\s*(error|warning)\b/.exec(l);
    if (m) out.set(i + 1, m[1] as 'error' | 'warning');
  });
  return out;
}

/** Every way the diagnostics (1-based line, severity) disagree with the marks; empty when they hold. */
export function markProblems(text: string, diagnostics: readonly { line: number; severity: string; message?: string }[]): string[] {
  const want = marks(text);
  const got = new Map<number, Set<string>>();
  for (const d of diagnostics) {
    if (!got.has(d.line)) got.set(d.line, new Set());
    got.get(d.line)!.add(d.severity);
  }
  const problems: string[] = [];
  const lines = new Set([...want.keys(), ...got.keys()]);
  for (const line of [...lines].sort((a, b) => a - b)) {
    const s = got.get(line) ?? new Set<string>();
    const w = want.get(line);
    const bad = (w === 'error' && !s.has('error'))
      || (w === 'warning' && (!s.has('warning') || s.has('error')))
      || (!w && (s.has('error') || s.has('warning')));
    if (bad) {
      const msgs = diagnostics.filter((d) => d.line === line).map((d) => `${d.severity}: ${d.message}`).join('; ');
      problems.push(`line ${line}: marked ${w ?? 'clean'}, got ${msgs || 'nothing'}`);
    }
  }
  return problems;
}
