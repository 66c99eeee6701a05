// Fixing all at once (the editor's Fix all, `tcpseq check --fix`): the fixes chosen, and the text
// they make.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeMarkdown } from '../../src/core';
import { applyFixes, nonOverlappingFixes } from '../../src/core/fixes';
import { fixText } from '../../src/cli/check';
import { SHARED_EXAMPLES, exampleFiles } from './marks';

describe('fixing every problem at once', () => {
  it('applies the fixes of one check in one pass, keeping CRLF line ends and the rest of each line', () => {
    const text = 'C->S SYN seq=x\r\nC: SYN_SEND\r\nS->C SYN ACK seq=y ack=x   : the 2nd\r\nC->S ACK seq=x+1 ack=y\r\n';
    const fixes = nonOverlappingFixes(analyze(text).diagnostics);
    assert.equal(applyFixes(text, fixes), 'C->S SYN seq=x\r\nC: SYN-SENT\r\nS->C SYN ACK seq=y ack=x+1   : the 2nd\r\nC->S ACK seq=x+1 ack=y+1\r\n');
  });

  it('of two fixes that overlap, applies the first; of two insertions at one point, one', () => {
    const range = (a: number, b: number) => ({ start: { line: 0, character: a }, end: { line: 0, character: b } });
    const d = (a: number, b: number, newText: string, severity: 'error' | 'warning' = 'error') => ({
      range: range(a, b), severity, code: 'c', message: '', messageData: { id: 'c' }, fix: { range: range(a, b), newText, title: '' },
    });
    const chosen = nonOverlappingFixes([d(4, 8, 'B', 'warning'), d(0, 5, 'A'), d(4, 8, 'C'), d(10, 10, '+'), d(10, 10, '-')]);
    assert.deepEqual(chosen.map((c) => c.fix.newText), ['A', '+']);
    assert.equal(applyFixes('0123456789ab', chosen), 'A56789+ab');
  });

  it('leaves every example with nothing left to fix, and every marked line still its line', () => {
    for (const file of exampleFiles(SHARED_EXAMPLES)) {
      const text = fs.readFileSync(file, 'utf8');
      const { text: fixed, fixed: count } = fixText(file, text);
      const after = /\.md$/.test(file) ? analyzeMarkdown(fixed).flatMap((b) => b.diagnostics) : analyze(fixed).diagnostics;
      assert.deepEqual(after.filter((d) => d.fix), [], path.basename(file));
      assert.equal(fixed.split('\n').length, text.split('\n').length, path.basename(file));
      assert.equal(count > 0, fixed !== text, path.basename(file));
    }
  });
});
