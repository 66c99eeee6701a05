// `tcpseq render FILE --to mermaid|svg|png|markdown [-o OUT] [--block N] [--theme light|dark|high-contrast]
// [--lang en|zh-cn] [--max-segments N] [--around LINE]`: the diagram outside the editor. SVG and PNG come from the preview page itself,
// run in headless Chromium, so they are the same files the panel exports. The diagram's words and
// problem notes are in the language of --lang, else of the environment (LANG), as `tcpseq check`.
// `--to markdown` rewrites a Markdown file's tcpseq blocks as Mermaid blocks, which GitHub, GitLab
// and most static site generators draw, so that notes kept in a repository show their diagrams.
import { realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, findTcpseqBlocks } from '../core';
import { ENGLISH } from '../core/messages';
import type { Localizer } from '../core/messages';
import type { TcpseqBlock } from '../core';
import { DEFAULT_MAX_SEGMENTS, timelineToMermaid, type DiagramSource, type MermaidOptions } from '../render/mermaid';
import { isMarkdownFile } from './check';
import { cliLocalizer, languageFromEnv, LANGUAGES, normalizeLanguage } from './l10n';
import { fileProblem, readDocument } from './files';

const USAGE = `usage: tcpseq render FILE --to mermaid|svg|png|markdown [-o OUT] [--block N] [--theme light|dark|high-contrast] [--lang en|zh-cn] [--max-segments N] [--around LINE]
  FILE           a .tcpseq document, or a Markdown file (its first tcpseq block, or --block N, from 1)
  --to           mermaid: the Mermaid source; svg, png: the drawing (needs Chromium);
                 markdown: the Markdown file with every tcpseq block drawn as a mermaid block
  -o OUT         the file to write; mermaid, svg and markdown go to standard output without it, png needs it
  --theme        the colours (default light)
  --lang         the language of the diagram's words and problem notes (default: from LANG)
  --max-segments draw at most N segments, with a note where the diagram stops (default ${DEFAULT_MAX_SEGMENTS}; 0: all)
  --around       with more segments than that: draw the ones around line LINE (from 1), not the first ones`;

const FORMATS = ['mermaid', 'svg', 'png', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const THEMES = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' } as const;

interface RenderArgs {
  readonly file: string;
  readonly to: Format;
  readonly out?: string;
  readonly block?: number;
  readonly theme: keyof typeof THEMES;
  /** One of LANGUAGES: from --lang, else from the environment. */
  readonly language: string;
  /** How many segments to draw (0: all). */
  readonly maxSegments: number;
  /** The line (0-based) whose segments to draw when not all are drawn. */
  readonly around?: number;
}

/** Parses the arguments; a string is a usage error. */
export function parseRenderArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): RenderArgs | string {
  let file: string | undefined;
  let to: string | undefined;
  let out: string | undefined;
  let block: string | undefined;
  let theme = 'light';
  let lang: string | undefined;
  let max: string | undefined;
  let around: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = () => inline ?? args[++i];
    if (name === '--to') to = take();
    else if (name === '-o' || name === '--output') out = take();
    else if (name === '--block') block = take();
    else if (name === '--theme') theme = take() ?? '';
    else if (name === '--lang') lang = take() ?? '';
    else if (name === '--max-segments') max = take() ?? '';
    else if (name === '--around') around = take() ?? '';
    else if (name === '-h' || name === '--help') return '';
    else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else if (file === undefined) file = a;
    else return `one FILE only (got '${file}' and '${a}')`;
  }
  if (file === undefined) return 'a FILE is required';
  if (to === undefined) return '--to is required';
  if (!(FORMATS as readonly string[]).includes(to)) return `--to must be mermaid, svg, png or markdown (got '${to}')`;
  if (to === 'png' && !out) return 'png needs -o OUT (a PNG is not written to a terminal)';
  if (!(theme in THEMES)) return `--theme must be light, dark or high-contrast (got '${theme}')`;
  const language = lang === undefined ? languageFromEnv(env) : normalizeLanguage(lang);
  if (language === undefined) return `--lang must be one of ${LANGUAGES.join(', ')}, not '${lang}'`;
  let blockNumber: number | undefined;
  if (block !== undefined) {
    blockNumber = Number(block);
    if (!/^\d+$/.test(block) || blockNumber < 1) return `--block must be a number from 1 (got '${block}')`;
  }
  if (max !== undefined && !/^\d+$/.test(max)) return `--max-segments must be a number, 0 for all (got '${max}')`;
  const maxSegments = max === undefined ? DEFAULT_MAX_SEGMENTS : Number(max);
  if (around !== undefined && !/^[1-9]\d*$/.test(around)) return `--around must be a line number from 1 (got '${around}')`;
  if (to === 'markdown') {
    if (file !== '-' && !isMarkdownFile(file)) return `--to markdown needs a Markdown file (got '${file}')`;
    if (block !== undefined) return '--to markdown draws every block: --block does not apply';
    if (around !== undefined) return '--to markdown draws every block: --around does not apply';
  }
  return {
    file, to: to as Format, out, block: blockNumber, theme: theme as keyof typeof THEMES, language, maxSegments,
    around: around === undefined ? undefined : Number(around) - 1,
  };
}

/**
 * The Mermaid diagram of a file (its chosen block for Markdown), with at most `maxSegments`
 * segments (0: all), around the file's line `around` when there are more; a string is the reason
 * it has none.
 */
export function diagramOfFile(file: string, text: string, block?: number, l10n: Localizer = ENGLISH, maxSegments = DEFAULT_MAX_SEGMENTS, around?: number): DiagramSource | string {
  const options = mermaidOptions(l10n, maxSegments, around);
  if (!isMarkdownFile(file)) {
    if (block !== undefined) return `--block applies to Markdown files only`;
    const analysis = analyze(text);
    return timelineToMermaid(analysis.timeline, { ...options, diagnostics: analysis.diagnostics });
  }
  const blocks = findTcpseqBlocks(text);
  if (blocks.length === 0) return `${file} has no tcpseq block`;
  const n = block ?? 1;
  const chosen = blocks[n - 1];
  if (!chosen) return `${file} has ${blocks.length} tcpseq block${blocks.length === 1 ? '' : 's'}, not ${n}`;
  return blockDiagram(chosen, options);
}

function mermaidOptions(l10n: Localizer, maxSegments: number, around?: number): MermaidOptions {
  return { l10n, maxSegments, around, moreHint: l10n.t('--max-segments draws more (0: all).') };
}

/** The diagram of a Markdown file's tcpseq block. */
function blockDiagram(block: TcpseqBlock, options: MermaidOptions): DiagramSource {
  // Checked at its Markdown lines, as `tcpseq check` reports them: problem notes and the core's
  // messages (`the SYN at line 15`) name lines of the Markdown file.
  const analysis = analyze(block.text, { firstLine: block.startLine });
  return timelineToMermaid(analysis.timeline, { ...options, diagnostics: analysis.diagnostics });
}

/**
 * A Markdown file with each tcpseq block replaced by a mermaid block of its diagram (problems
 * marked, lines named as in the Markdown file). Everything else is kept octet for octet, line
 * endings included. `blocks` is how many were drawn.
 */
export function markdownWithMermaid(markdown: string, l10n: Localizer = ENGLISH, maxSegments = DEFAULT_MAX_SEGMENTS): { text: string; blocks: number } {
  const blocks = findTcpseqBlocks(markdown);
  if (blocks.length === 0) return { text: markdown, blocks: 0 };
  // Lines with the ending that follows each, so that what is not a block is copied as it is.
  const parts = markdown.split(/(\r\n|\r|\n)/);
  const lines: { text: string; eol: string }[] = [];
  for (let i = 0; i < parts.length; i += 2) lines.push({ text: parts[i], eol: parts[i + 1] ?? '' });
  const out: string[] = [];
  let next = 0;
  for (const block of blocks) {
    for (; next < block.fenceLine; next++) out.push(lines[next].text + lines[next].eol);
    const { source } = blockDiagram(block, mermaidOptions(l10n, maxSegments));
    const indent = /^ */.exec(lines[block.fenceLine].text)![0];
    const eol = lines[block.fenceLine].eol || '\n';
    // Three backticks always close it: the diagram writes a backtick in user text as #96;.
    const fence = '```';
    const body = source.replace(/\n$/, '').split('\n').map((l) => (l ? indent + l : l));
    out.push([`${indent}${fence}mermaid`, ...body, `${indent}${fence}`].join(eol));
    // The closing fence goes too; a block left open runs to the end of the file (CommonMark).
    const close = block.startLine + block.lineCount;
    next = close + 1;
    out.push(close < lines.length ? lines[close].eol : eol);
  }
  for (; next < lines.length; next++) out.push(lines[next].text + lines[next].eol);
  return { text: out.join(''), blocks: blocks.length };
}

/** True when `a` and `b` name the same file (through links; a file that does not exist is not). */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

export async function runRender(args: readonly string[]): Promise<number> {
  const parsed = parseRenderArgs(args);
  if (typeof parsed === 'string') {
    // '' is --help: the usage, on standard output.
    if (!parsed) process.stdout.write(USAGE + '\n');
    else process.stderr.write(`tcpseq render: ${parsed}\n\n${USAGE}\n`);
    return parsed ? 2 : 0;
  }
  let read: ReturnType<typeof readDocument>;
  try {
    read = readDocument(parsed.file, 'tcpseq render');
  } catch (err) {
    process.stderr.write(`tcpseq render: cannot read ${parsed.file}: ${fileProblem(err)}\n`);
    return 2;
  }
  if ('problem' in read) {
    process.stderr.write(`tcpseq render: ${read.problem}\n`);
    return 2;
  }
  const text = read.text;
  if (parsed.to === 'markdown') {
    // Written over its source, the file would lose its tcpseq blocks for good.
    if (parsed.out && parsed.file !== '-' && sameFile(parsed.out, parsed.file)) {
      process.stderr.write(`tcpseq render: -o ${parsed.out} is FILE itself: its tcpseq blocks would be lost; write to another file\n`);
      return 2;
    }
    const drawn = markdownWithMermaid(text, cliLocalizer(parsed.language), parsed.maxSegments);
    if (drawn.blocks === 0) process.stderr.write(`tcpseq render: ${parsed.file} has no tcpseq block: written as it is\n`);
    return writeOutput(parsed.out, drawn.text);
  }
  const diagram = diagramOfFile(parsed.file, text, parsed.block, cliLocalizer(parsed.language), parsed.maxSegments, parsed.around);
  if (typeof diagram === 'string') {
    process.stderr.write(`tcpseq render: ${diagram}\n`);
    return 2;
  }

  let output: string | Buffer;
  if (parsed.to === 'mermaid') {
    output = diagram.source;
  } else {
    try {
      // Loaded here so that `--to mermaid` (and `tcpseq check`) never need Chromium.
      const { ChromiumRenderer } = await import('../render/chromium');
      const renderer = await ChromiumRenderer.launch({ theme: THEMES[parsed.theme] });
      try {
        await renderer.render(diagram);
        output = parsed.to === 'svg' ? await renderer.svg() : await renderer.png();
      } finally {
        await renderer.close();
      }
    } catch (err) {
      process.stderr.write(`tcpseq render: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }

  return writeOutput(parsed.out, output);
}

/** Writes to OUT, or to standard output without it; the exit status. */
function writeOutput(out: string | undefined, output: string | Buffer): number {
  if (out) {
    try {
      writeFileSync(out, output);
    } catch (err) {
      process.stderr.write(`tcpseq render: cannot write ${out}: ${fileProblem(err)}\n`);
      return 2;
    }
  } else {
    process.stdout.write(output);
  }
  return 0;
}
