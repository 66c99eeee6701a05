// tcpseq fences inside Markdown: each block is a document of its own, positions reported in the
// Markdown file.
import { analyze } from './analyze';
import type { Analysis, AnalyzeOptions, Diagnostic, Fix, Range } from './types';

export interface TcpseqBlock {
  /** 0-based index among the file's tcpseq blocks. */
  readonly index: number;
  /** 0-based Markdown line of the opening fence. */
  readonly fenceLine: number;
  /** 0-based Markdown line of the block's first content line. */
  readonly startLine: number;
  /** Number of content lines. */
  readonly lineCount: number;
  /** For each content line, the columns removed from its start (the fence's indentation). */
  readonly stripped: readonly number[];
  /** The block's text, indentation removed. */
  readonly text: string;
}

export interface MarkdownBlockAnalysis {
  readonly block: TcpseqBlock;
  readonly analysis: Analysis;
  /** The analysis' diagnostics with ranges moved into the Markdown file. */
  readonly diagnostics: readonly Diagnostic[];
}

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;

/** Finds the fenced code blocks whose info string's first word is `tcpseq` (any case). */
export function findTcpseqBlocks(markdown: string): TcpseqBlock[] {
  const lines = markdown.split(/\r\n|\r|\n/);
  const blocks: TcpseqBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open) continue;
    const [, indentText, fence, info] = open;
    // A backtick fence's info string may not contain a backtick (CommonMark 4.5).
    if (fence[0] === '`' && info.includes('`')) continue;
    const indent = indentText.length;
    const close = new RegExp(`^ {0,${Math.max(3, indent)}}${fence[0] === '`' ? '`' : '~'}{${fence.length},} *$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end])) end++;
    const isTcpseq = info.trim().split(/\s+/)[0].toLowerCase() === 'tcpseq';
    if (isTcpseq) {
      const content = lines.slice(i + 1, end);
      const stripped = content.map((l) => /^ */.exec(l)![0].length).map((n) => Math.min(n, indent));
      blocks.push({
        index: blocks.length,
        fenceLine: i,
        startLine: i + 1,
        lineCount: content.length,
        stripped,
        text: content.map((l, k) => l.slice(stripped[k])).join('\n'),
      });
    }
    i = end; // skip the block (and its closing fence) whatever its language
  }
  return blocks;
}

/** Moves a range of a block's analysis (Markdown lines, block columns) into the Markdown file. */
function toMarkdown(block: TcpseqBlock, r: Range): Range {
  const at = (p: Range['start']) => ({
    line: p.line,
    character: p.character + (block.stripped[p.line - block.startLine] ?? 0),
  });
  return { start: at(r.start), end: at(r.end) };
}

/**
 * Checks every tcpseq block of a Markdown file. Each block is analysed at its own lines, so
 * messages (`the SYN at line 14`) and the timeline speak of Markdown lines.
 */
export function analyzeMarkdown(markdown: string, options?: AnalyzeOptions): MarkdownBlockAnalysis[] {
  return findTcpseqBlocks(markdown).map((block) => {
    const analysis = analyze(block.text, { ...options, firstLine: block.startLine });
    const diagnostics = analysis.diagnostics.map((d): Diagnostic => {
      const fix: Fix | undefined = d.fix && { ...d.fix, range: toMarkdown(block, d.fix.range) };
      return { ...d, range: toMarkdown(block, d.range), fix };
    });
    return { block, analysis, diagnostics };
  });
}
