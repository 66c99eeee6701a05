// Diagnostics and quick fixes in the real editor: every example gets errors and warnings on exactly
// its `#!`-marked lines (the rule of examples/README.md), fixes apply, edits re-check without a
// save, closing clears, and Markdown fences report at their Markdown lines.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { analyze, analyzeMarkdown, type Diagnostic } from '../../../src/core';
import { waitFor, workspaceFile } from './helpers';

const SOURCE = 'tcpseq';
const FIX_ALL = 'source.fixAll.tcpseq';
const MARK = /#!\s*(error|warning)\b/;

type Mark = 'error' | 'warning';

/** The examples: every .tcpseq file and the Markdown notes. */
function exampleNames(): string[] {
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  return fs.readdirSync(folder).filter((f) => f.endsWith('.tcpseq') || f === 'notes.md').sort();
}

function marksOf(text: string): Map<number, Mark> {
  const marks = new Map<number, Mark>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = MARK.exec(line);
    if (m) marks.set(i, m[1] as Mark);
  });
  return marks;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Resolves at the next change of the diagnostics of `uri` (subscribe before causing it). */
function nextChange(uri: vscode.Uri, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { listener.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

function inATab(uri: vscode.Uri): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) =>
    t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));
}

function errorsOn(uri: vscode.Uri, line: number): vscode.Diagnostic[] {
  return ours(uri).filter((d) => d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error);
}

/**
 * Shows a file and waits until its diagnostics were published. A file already in a tab was checked
 * when it opened or last changed; any other one is checked now, which changes its diagnostics.
 */
async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const shown = inATab(uri);
  const checked = nextChange(uri, `diagnostics for ${uri.path}`);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  if (!shown) await checked;
  else checked.catch(() => undefined);
  return document;
}

async function openUntitled(content: string, language = 'tcpseq'): Promise<vscode.TextDocument> {
  // Its URI is only known once it exists: wait for any change, then for one of its own.
  let document: vscode.TextDocument | undefined;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { listener.dispose(); reject(new Error('timed out waiting for an untitled document\'s diagnostics')); }, 10_000);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (document && e.uris.some((u) => u.toString() === document!.uri.toString())) {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });
    vscode.workspace.openTextDocument({ language, content }).then((d) => (document = d), reject);
  });
  return document!;
}

/** Lines whose errors/warnings disagree with the marks, described for an assertion message. */
function disagreements(document: vscode.TextDocument): string[] {
  const marks = marksOf(document.getText());
  const problems: string[] = [];
  const diagnostics = ours(document.uri);
  for (let line = 0; line < document.lineCount; line++) {
    const on = diagnostics.filter((d) => d.range.start.line === line);
    const errors = on.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const warnings = on.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning);
    const mark = marks.get(line);
    const where = `line ${line + 1} (${document.lineAt(line).text.trim()})`;
    if (mark === 'error' && errors.length === 0) problems.push(`${where}: expected an error, got none`);
    if (mark === 'warning' && warnings.length === 0) problems.push(`${where}: expected a warning, got none`);
    if (mark !== 'error' && errors.length > 0) problems.push(`${where}: unexpected error: ${errors.map((d) => d.message).join('; ')}`);
    if (mark === undefined && warnings.length > 0) problems.push(`${where}: unexpected warning: ${warnings.map((d) => d.message).join('; ')}`);
  }
  return problems;
}

const SEVERITY_NAME = ['error', 'warning', 'information', 'hint'];

/** A diagnostic as one comparable line: `line:col-line:col severity code message`. */
function shown(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${SEVERITY_NAME[d.severity]} ${String(d.code)} ${d.message}`;
}

function fromCore(d: Diagnostic): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${d.severity} ${d.code} ${d.message}`;
}

async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

// First, while every example is as written (the tests after this one edit some of them).
describe('diagnostics: the examples get errors and warnings on exactly their marked lines', () => {
  for (const name of exampleNames()) {
    it(name, async () => {
      const document = await open(workspaceFile(name));
      const problems = disagreements(document);
      assert.deepStrictEqual(problems, [], `${name}:\n  ${problems.join('\n  ')}`);
      // And what the editor shows is exactly the core's verdict: ranges, severities, codes, messages.
      const text = document.getText();
      const core = name.endsWith('.md') ? analyzeMarkdown(text).flatMap((b) => b.diagnostics) : analyze(text).diagnostics;
      assert.deepStrictEqual(ours(document.uri).map(shown).sort(), core.map(fromCore).sort());
    });
  }
});

describe('diagnostics', () => {
  it('reports the wrong ack on the ack field, with the core\'s code, severity and source', async () => {
    const uri = workspaceFile('arithmetic-mistakes.tcpseq');
    const document = await open(uri);
    const line = 2; // S->C SYN ACK seq=y ack=x
    const errors = errorsOn(uri, line);
    assert.strictEqual(errors.length, 1, `one error on line 3, got ${errors.map((d) => d.message).join('; ')}`);
    const [error] = errors;
    const start = document.lineAt(line).text.indexOf('ack=x');
    const field = new vscode.Range(line, start, line, start + 'ack=x'.length);
    assert.ok(field.contains(error.range), `range ${JSON.stringify(error.range)} lies within ack=x`);
    assert.ok(!error.range.isEmpty, 'the range covers the token at fault');
    assert.strictEqual(error.source, 'tcpseq');
    assert.ok(typeof error.code === 'string' && /^[a-z][a-z-]+$/.test(error.code), `a stable code, got ${String(error.code)}`);
    assert.match(error.message, /x\+1/, 'the message names the expected value');
  });

  it('shows information (a retransmission, a duplicate ACK) with severity Information', async () => {
    const uri = workspaceFile('loss-and-retransmission.tcpseq');
    await open(uri);
    const info = ours(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Information);
    const lines = info.map((d) => d.range.start.line + 1);
    assert.ok(lines.includes(9) && lines.includes(10), `information on the duplicate ACK (line 9) and the retransmission (line 10), got lines ${lines.join(', ') || 'none'}`);
  });

  it('applies a quick fix: ack=x becomes ack=x+1 and the error goes', async () => {
    const uri = workspaceFile('arithmetic-mistakes.tcpseq');
    const document = await open(uri);
    const line = 2;
    const [error] = errorsOn(uri, line);
    assert.ok(error, 'the error on line 3 is shown');
    const actions = await codeActions(uri, error.range);
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && a.isPreferred);
    assert.ok(fix?.edit, `a preferred quick fix, got ${actions.map((a) => a.title).join(', ') || 'none'}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(document.lineAt(line).text, /^S->C SYN ACK seq=y ack=x\+1\s/);
    await waitFor('the error on line 3 to go', () => errorsOn(uri, line).length === 0);
    // The rest of the file is untouched: the other two mistakes are still reported.
    assert.strictEqual(errorsOn(uri, 5).length, 1);
    assert.strictEqual(errorsOn(uri, 7).length, 1);
  });

  it('fixes every problem at once with "Fix all tcpseq problems"', async () => {
    // The file on disk still has all three mistakes (the test above fixed one in memory only).
    const text = fs.readFileSync(workspaceFile('arithmetic-mistakes.tcpseq').fsPath, 'utf8');
    const document = await openUntitled(text);
    await waitFor('three errors', () => ours(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length === 3);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = await codeActions(document.uri, whole, FIX_ALL);
    const fixAll = actions.find((a) => a.kind?.value === FIX_ALL);
    assert.ok(fixAll?.edit, `a ${FIX_ALL} action, got ${actions.map((a) => a.title).join(', ') || 'none'}`);
    assert.strictEqual(fixAll.title, 'Fix all tcpseq problems');
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    assert.match(document.lineAt(2).text, /ack=x\+1\b/);
    assert.match(document.lineAt(5).text, /ack=x\+101\b/);
    assert.match(document.lineAt(7).text, /seq=y\+1 ack=x\+102\b/);
    await waitFor('no errors after fixing all', () =>
      ours(document.uri).every((d) => d.severity !== vscode.DiagnosticSeverity.Error));
  });

  it("writes a Markdown note's textbook notation (SYN=1，ACK=1，：) the tcpseq way with Fix all", async () => {
    const text = '# 三次握手\n\n```tcpseq\nC->S SYN=1，seq=x\nS->C SYN=1，ACK=1，seq=y，ack=x+1\nC->S ACK=1，seq=x+1，ack=y+1：第三次\n```\n';
    const document = await openUntitled(text, 'markdown');
    await waitFor('11 warnings', () => ours(document.uri).length === 11);
    const found = ours(document.uri);
    assert.ok(found.every((d) => d.severity === vscode.DiagnosticSeverity.Warning), found.map((d) => d.message).join('; '));
    const first = found.find((d) => d.range.start.line === 3 && d.code === 'flag-value');
    assert.deepStrictEqual(first && [first.range.start.character, first.range.end.character, first.message], [5, 10, 'SYN=1 sets the SYN flag: write SYN']);
    for (let pass = 0; pass < 3 && ours(document.uri).length > 0; pass++) {
      const actions = await codeActions(document.uri, new vscode.Range(0, 0, document.lineCount, 0), FIX_ALL);
      const fixAll = actions.find((a) => a.kind?.value === FIX_ALL);
      assert.ok(fixAll?.edit, `a ${FIX_ALL} action, got ${actions.map((a) => a.title).join(', ') || 'none'}`);
      const left = ours(document.uri).length;
      assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
      await waitFor('the diagnostics of the fixed text', () => ours(document.uri).length < left);
    }
    await waitFor('no warning left', () => ours(document.uri).length === 0);
    assert.deepStrictEqual([3, 4, 5].map((l) => document.lineAt(l).text),
      ['C->S SYN,seq=x', 'S->C SYN,ACK,seq=y,ack=x+1', 'C->S ACK,seq=x+1,ack=y+1:第三次']);
  });

  it('checks as the text changes, without saving', async () => {
    const document = await openUntitled('C->S SYN seq=x\nS->C SYN ACK seq=y ack=x+1\nC->S ACK seq=x+1 ack=y+1\n');
    assert.deepStrictEqual(ours(document.uri).map((d) => d.message), []);
    const at = document.lineAt(1).text.indexOf('x+1');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(1, at, 1, at + 3), 'x+2');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('an error on the edited line', () => errorsOn(document.uri, 1).length > 0);
    const undo = new vscode.WorkspaceEdit();
    undo.replace(document.uri, new vscode.Range(1, at, 1, at + 3), 'x+1');
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitFor('the error to go after the edit is undone', () => errorsOn(document.uri, 1).length === 0);
    assert.ok(document.isDirty, 'nothing was saved');
  });

  it('clears a document\'s diagnostics when it is closed', async () => {
    const uri = workspaceFile('illegal-transitions.tcpseq');
    await open(uri);
    assert.ok(ours(uri).length > 0, 'the example has errors while open');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the diagnostics to be cleared', () => ours(uri).length === 0);
  });

  it('reports tcpseq fences of Markdown at their Markdown lines, and fixes them there', async () => {
    const uri = workspaceFile('notes.md');
    const document = await open(uri);
    const line = 15; // C->S ACK seq=x+1 ack=y  (inside the second fence)
    const [error] = errorsOn(uri, line);
    assert.ok(error, 'an error on the Markdown line of the mistake');
    const start = document.lineAt(line).text.indexOf('ack=y');
    assert.ok(new vscode.Range(line, start, line, start + 5).contains(error.range), 'on the ack=y field');
    // The ```text block is not tcpseq: nothing there.
    assert.deepStrictEqual(ours(uri).filter((d) => d.range.start.line >= 19).map((d) => d.message), []);
    const fix = (await codeActions(uri, error.range)).find((a) => a.kind?.value === 'quickfix');
    assert.ok(fix?.edit, 'a quick fix in Markdown');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(document.lineAt(line).text, /ack=y\+1\b/);
    await waitFor('the Markdown error to go', () => errorsOn(uri, line).length === 0);
  });

  it('checks a document again when it is reopened after closing', async () => {
    const uri = workspaceFile('illegal-transitions.tcpseq');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('the errors to come back', () => ours(uri).length > 0);
  });

  it('checks with the MSL of the tcpseq.msl setting, and again when it changes', async () => {
    const document = await openUntitled([
      'A: ESTABLISHED', 'B: ESTABLISHED',
      'A->B FIN ACK seq=u ack=v', 'B->A ACK seq=v ack=u+1', 'B->A FIN ACK seq=v ack=u+1', 'A->B ACK seq=u+1 ack=v+1',
      'wait 60s',
      'A: CLOSED', // after 2 MSL only when MSL is 30 s
    ].join('\n'));
    const line = 7;
    assert.strictEqual(errorsOn(document.uri, line).length, 1, 'with the default MSL (2 min), A is still in TIME-WAIT');
    const config = vscode.workspace.getConfiguration('tcpseq');
    try {
      await config.update('msl', '30s', vscode.ConfigurationTarget.Global);
      await waitFor('the TIME-WAIT error to go with MSL 30 s', () => errorsOn(document.uri, line).length === 0);
    } finally {
      await config.update('msl', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the error to come back with the default MSL', () => errorsOn(document.uri, line).length === 1);
  });

  it('stops checking when tcpseq.validate.enable is off, and resumes when it is on', async () => {
    const uri = workspaceFile('illegal-transitions.tcpseq');
    await open(uri);
    await waitFor('errors', () => ours(uri).length > 0);
    const config = vscode.workspace.getConfiguration('tcpseq');
    assert.strictEqual(config.get('validate.enable'), true, 'on by default');
    try {
      await config.update('validate.enable', false, vscode.ConfigurationTarget.Global);
      await waitFor('the diagnostics to be cleared', () => ours(uri).length === 0);
    } finally {
      await config.update('validate.enable', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the diagnostics to come back', () => ours(uri).length > 0);
  });
});
