// Every shared example and every fixture document: each mark holds, each unmarked line is clean.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeMarkdown } from '../../src/core';
import { FIXTURES, REPO, SHARED_EXAMPLES, exampleFiles, markProblems, marks } from './marks';

function diagnosticsOf(file: string, text: string) {
  const ds = file.endsWith('.md') ? analyzeMarkdown(text).flatMap((b) => b.diagnostics) : analyze(text).diagnostics;
  return ds.map((d) => ({ line: d.range.start.line + 1, severity: d.severity, message: d.message }));
}

for (const [name, dir] of [['shared examples', SHARED_EXAMPLES], ['fixture documents', FIXTURES]] as const) {
  describe(`${name} (${dir})`, () => {
    const files = exampleFiles(dir);
    it('the folder holds documents', () => {
      assert.ok(files.length >= 5, `only ${files.length} documents in ${dir}`);
    });
    for (const file of files) {
      it(`${path.basename(file)}: every mark holds and unmarked lines are clean`, () => {
        const text = fs.readFileSync(file, 'utf8');
        assert.deepEqual(markProblems(text, diagnosticsOf(file, text)), []);
      });
    }
  });
}

describe('tcpseq check --format json on the shared examples', () => {
  const cli = path.join(REPO, 'dist', 'cli.js');
  for (const file of exampleFiles(SHARED_EXAMPLES)) {
    it(`${path.basename(file)}`, () => {
      let out: string;
      try {
        out = execFileSync(process.execPath, [cli, 'check', '--format', 'json', file], { encoding: 'utf8' });
      } catch (e) {
        const err = e as { status: number; stdout: string };
        // Exit 1 means errors were found: expected exactly when the file marks an error.
        assert.equal(err.status, 1);
        out = err.stdout;
      }
      const text = fs.readFileSync(file, 'utf8');
      const diagnostics = JSON.parse(out) as { line: number; severity: string; message: string }[];
      assert.deepEqual(markProblems(text, diagnostics), []);
      const hasErrorMark = [...marks(text).values()].includes('error');
      assert.equal(diagnostics.some((d) => d.severity === 'error'), hasErrorMark);
    });
  }
});
