// What the diagram page costs per edit in real Chromium: from the `update` message of a changed
// 50-segment document to the painted diagram (the page answers `rendered` after the frame that
// shows the new SVG). Target: median under 150 ms.
//
// Also the page's start: the size of the script it loads (Mermaid inside) and the time from
// loading the page to its first painted diagram.
//
//   node out/test/bench/previewBrowser.js [BUNDLE]     (or through `npm run bench`)
// BUNDLE: another build of dist/webview/preview.js, to compare two builds in the same conditions.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { analyze } from '../../src/core';
import { ChromiumRenderer, findBundle } from '../../src/render/chromium';
import { timelineToMermaid } from '../../src/render/mermaid';
import { previewPageHtml } from '../../src/render/page';
import type { RenderedMessage } from '../../webview/protocol';

const RUNS = 30;
const STARTS = 5;
const TARGET_MS = 150;

/** A handshake, 23 request/response pairs and a teardown: 52 segments. `n` changes a label. */
function document(n: number): string {
  const lines = ['title Bulk transfer', 'participant C as Client', 'participant S as Server',
    'C->S SYN seq=x', 'S->C SYN ACK seq=y ack=x+1', 'C->S ACK seq=x+1 ack=y+1'];
  const pairs = 22;
  for (let i = 0; i < pairs; i++) {
    lines.push(`C->S ACK PSH seq=x+${1 + 100 * i} ack=y+${1 + 10 * i} len=100 : request ${i + 1}${i === 0 ? ` (edit ${n})` : ''}`);
    lines.push(`S->C ACK PSH seq=y+${1 + 10 * i} ack=x+${1 + 100 * (i + 1)} len=10 : response ${i + 1}`);
  }
  const c = 1 + 100 * pairs;
  const s = 1 + 10 * pairs;
  lines.push(`C->S FIN ACK seq=x+${c} ack=y+${s}`, `S->C ACK seq=y+${s} ack=x+${c + 1}`);
  lines.push(`S->C FIN ACK seq=y+${s} ack=x+${c + 1}`, `C->S ACK seq=x+${c + 1} ack=y+${s + 1}`);
  return lines.join('\n') + '\n';
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface PreviewBrowserResult {
  readonly segments: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly bundleBytes: number;
  readonly startMedianMs: number;
  /** CPU time of the page's main thread per update (mean). */
  readonly cpuMsPerUpdate: number;
}

interface TraceEvent { readonly name: string; readonly ph: string; readonly pid: number; readonly tid: number; readonly tdur?: number; readonly args?: { readonly name?: string } }

/** Sum of the thread time of the renderer main thread's tasks in a Chromium trace, in ms. */
function mainThreadCpuMs(trace: { traceEvents: TraceEvent[] }): number {
  const main = new Set(trace.traceEvents
    .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  let us = 0;
  for (const e of trace.traceEvents) {
    if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.tdur && main.has(`${e.pid}:${e.tid}`)) us += e.tdur;
  }
  return us / 1000;
}

export async function run(bundlePath?: string): Promise<PreviewBrowserResult> {
  const bundle = findBundle(bundlePath);
  const script = readFileSync(bundle, 'utf8');
  const renderer = await ChromiumRenderer.launch({ bundlePath: bundle });
  try {
    const diagrams = Array.from({ length: RUNS + 3 + STARTS }, (_, i) => {
      const a = analyze(document(i));
      return { diagram: timelineToMermaid(a.timeline, { diagnostics: a.diagnostics }), segments: a.timeline.events.filter((e) => e.segment).length };
    });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) await renderer.render(diagrams[i].diagram); // warm Mermaid and the JIT up
    // Wall time suffers from whatever else the machine runs; the page's CPU time (thread time of
    // its main thread, from Chromium's trace) much less, so both are shown.
    const browser = renderer.page.context().browser();
    await browser?.startTracing(renderer.page, { categories: ['toplevel'] });
    for (let i = 3; i < RUNS + 3; i++) {
      const reply: RenderedMessage = await renderer.render(diagrams[i].diagram);
      times.push(reply.ms);
    }
    const cpuMs = browser ? mainThreadCpuMs(JSON.parse((await browser.stopTracing()).toString('utf8'))) / RUNS : NaN;
    // Start: a fresh page (script parsed and run, Mermaid set up) to its first painted diagram.
    const starts: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const start = Date.now();
      const ready = renderer.waitFor((m) => m.type === 'ready');
      await renderer.page.setContent(previewPageHtml({ inlineScript: script, bodyClass: 'vscode-light' }));
      await ready;
      await renderer.render(diagrams[RUNS + 3 + i].diagram);
      starts.push(Date.now() - start);
    }
    times.sort((a, b) => a - b);
    starts.sort((a, b) => a - b);
    const result = {
      segments: diagrams[0].segments, medianMs: percentile(times, 50), p95Ms: percentile(times, 95),
      bundleBytes: Buffer.byteLength(script), startMedianMs: percentile(starts, 50), cpuMsPerUpdate: cpuMs,
    };
    const load = loadavg()[0].toFixed(1);
    console.log(`diagram page in Chromium, ${result.segments} segments, update -> painted  ` +
      `median ${result.medianMs.toFixed(1)} ms  p95 ${result.p95Ms.toFixed(1)} ms  (${RUNS} runs, target < ${TARGET_MS} ms, load ${load}); ` +
      `page CPU ${result.cpuMsPerUpdate.toFixed(1)} ms per update`);
    console.log(`diagram page start: script ${(result.bundleBytes / 1024).toFixed(0)} KB, page load -> first painted diagram ` +
      `median ${result.startMedianMs.toFixed(0)} ms  (${STARTS} starts)`);
    return result;
  } finally {
    await renderer.close();
  }
}

if (require.main === module) {
  run(process.argv[2]).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
