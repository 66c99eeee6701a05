// Typing latency inside the real extension host (VS Code's extensionTestsPath for the benchmark):
// on a 2,000-line document, the time from a change event to the diagnostics being published.
// Each edit flips one ack between right and wrong, so every check changes the diagnostics.
//
//   published   change event -> vscode.languages.getDiagnostics shows the new result (our latency)
//   event       change event -> onDidChangeDiagnostics (adds VS Code's own 50 ms debounce)
//   core        the core's analyze() from scratch on the same text, in the same process (the editor
//               passes the previous analysis, so unchanged lines are not parsed again)
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { analyze } from '../../../src/core';
import { RESULTS_MARKER } from '../results';

/** The 2,000-line document is the target (under 5 ms); 200 lines shows how it scales. */
const SIZES = [200, 2_000];
const WARMUP = 5;
const EDITS = 60;

/** A handshake, then data segments each acknowledged: no mistakes, LINES lines. */
function document(lines: number): string {
  const out = ['C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ACK seq=x+1 ack=y+1'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`C->S ACK seq=x+${1 + 100 * i} ack=y+1 len=100`);
    out.push(`S->C ACK seq=y+1 ack=x+${1 + 100 * (i + 1)}`);
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function errorsOn(uri: vscode.Uri, line: number): number {
  return vscode.languages.getDiagnostics(uri)
    .filter((d) => d.source === 'tcpseq' && d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error).length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** One edit: resolves with [published, event] latencies in ms. */
function timeEdit(doc: vscode.TextDocument, line: number, wrong: boolean): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    let t0 = 0;
    let published = 0;
    const timer = setTimeout(() => { dispose(); reject(new Error('no diagnostics within 10 s of an edit')); }, 10_000);
    const poll = () => {
      if (errorsOn(doc.uri, line) === (wrong ? 1 : 0)) published = performance.now() - t0;
      else setImmediate(poll);
    };
    const changed = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || t0) return;
      t0 = performance.now();
      setImmediate(poll);
    });
    const diagnosed = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!t0 || !published || !e.uris.some((u) => u.toString() === doc.uri.toString())) return;
      const event = performance.now() - t0;
      dispose();
      resolve([published, event]);
    });
    const dispose = () => { clearTimeout(timer); changed.dispose(); diagnosed.dispose(); };
    // Line 2's `ack=x+1`: x+2 is wrong (an error there), x+1 is right.
    const at = doc.lineAt(line).text.indexOf('ack=x+') + 'ack=x+'.length;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(line, at, line, at + 1), wrong ? '2' : '1');
    vscode.workspace.applyEdit(edit).then((ok) => { if (!ok) { dispose(); reject(new Error('edit refused')); } }, reject);
  });
}

async function benchSize(lines: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'tcpseq', content: document(lines) });
  await vscode.window.showTextDocument(doc);
  const line = 1;
  const published: number[] = [];
  const events: number[] = [];
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const [p, e] = await timeEdit(doc, line, i % 2 === 0);
    if (i >= WARMUP) { published.push(p); events.push(e); }
  }
  const core: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const text = doc.getText();
    const t0 = performance.now();
    analyze(text);
    core.push(performance.now() - t0);
  }
  for (const list of [published, events, core]) list.sort((a, b) => a - b);
  const fmt = (ms: number) => ms.toFixed(2).padStart(7);
  const row = (label: string, list: number[], note = '') =>
    console.log(`  ${label.padEnd(34)} median ${fmt(percentile(list, 0.5))} ms   p95 ${fmt(percentile(list, 0.95))} ms${note}`);
  console.log(`typing latency, ${lines}-line document, ${EDITS} edits in the extension host:`);
  row('change -> diagnostics published', published);
  row('core analyze() from scratch', core);
  row('change -> onDidChangeDiagnostics', events, "   (includes VS Code's 50 ms debounce)");
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

export async function run(): Promise<void> {
  for (const lines of SIZES) await benchSize(lines);
  console.log(RESULTS_MARKER + JSON.stringify({ passed: 1, failed: 0 }));
}
