// What the preview costs per keystroke in the extension host: check the document and turn its
// timeline into Mermaid source (the page then draws it). The panel sends at most one update per
// frame (16 ms); this shows whether that needs a longer debounce for big documents.
//
//   node out/test/bench/preview.js      (or through `npm run bench`)
import { performance } from 'node:perf_hooks';
import { analyze } from '../../src/core';
import { timelineToMermaid } from '../../src/render/mermaid';
import MarkdownIt from 'markdown-it';
import { extendMarkdownIt } from '../../src/markdown/plugin';

/** A handshake, `exchanges` request/response pairs with data, and a teardown. */
export function generatedExchange(exchanges: number): string {
  const lines = [
    'title Bulk transfer',
    'participant C as Client',
    'participant S as Server',
    'C->S SYN seq=x',
    'S->C SYN ACK seq=y ack=x+1',
    'C->S ACK seq=x+1 ack=y+1',
  ];
  for (let i = 0; i < exchanges; i++) {
    lines.push(`C->S ACK PSH seq=x+${1 + 100 * i} ack=y+${1 + 10 * i} len=100 : request ${i + 1}`);
    lines.push(`S->C ACK PSH seq=y+${1 + 10 * i} ack=x+${1 + 100 * (i + 1)} len=10 : response ${i + 1}`);
  }
  const c = 1 + 100 * exchanges;
  const s = 1 + 10 * exchanges;
  lines.push(`C->S FIN ACK seq=x+${c} ack=y+${s}`, `S->C ACK seq=y+${s} ack=x+${c + 1}`);
  lines.push(`S->C FIN ACK seq=y+${s} ack=x+${c + 1}`, `C->S ACK seq=x+${c + 1} ack=y+${s + 1}`);
  return lines.join('\n') + '\n';
}

/** Median time of `run`, after one warm-up call (the first call pays for compilation). */
function measure(run: () => void, minMs = 300): { median: number; runs: number } {
  run();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minMs || times.length < 5) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], runs: times.length };
}

/** Prints one line per document size; returns the rows for a caller that collects them. */
export function benchPreview(): { name: string; lines: number; medianMs: number }[] {
  const rows: { name: string; lines: number; medianMs: number }[] = [];
  const md = extendMarkdownIt(new MarkdownIt());
  for (const exchanges of [5, 100, 1000]) {
    const text = generatedExchange(exchanges);
    const lines = text.split('\n').length - 1;
    const analysis = analyze(text);
    if (analysis.diagnostics.some((d) => d.severity === 'error')) throw new Error('the generated exchange should be correct');
    // The check itself is shared with the diagnostics (one analysis per document version).
    rows.push({ name: 'check (analyze, shared with diagnostics)', lines, medianMs: measure(() => analyze(text)).median });
    rows.push({
      name: 'preview update: Mermaid source',
      lines,
      medianMs: measure(() => timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics })).median,
    });
    const markdown = `# Notes\n\n\`\`\`tcpseq\n${text}\`\`\`\n`;
    rows.push({ name: 'Markdown preview: fence (check + source)', lines, medianMs: measure(() => md.render(markdown)).median });
  }
  for (const r of rows) {
    console.log(`${r.name.padEnd(44)} ${String(r.lines).padStart(5)} lines  ${r.medianMs.toFixed(2).padStart(8)} ms median`);
  }
  return rows;
}

if (require.main === module) benchPreview();
