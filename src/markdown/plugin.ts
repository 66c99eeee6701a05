// The markdown-it plugin behind VS Code's Markdown preview: each ```tcpseq fence becomes a
// container carrying the diagram's Mermaid source and the block's problems. The preview page
// script (src/markdown/preview/index.ts) draws the diagrams; nothing here touches the DOM.
import type MarkdownIt from 'markdown-it';
import { analyze } from '../core';
import type { Diagnostic } from '../core';
import { ENGLISH } from '../core/messages';
import type { Localizer } from '../core/messages';
import { DEFAULT_MAX_SEGMENTS, timelineToMermaid } from '../render/mermaid';
import { CONTAINER_CLASS, PROBLEMS_CLASS, SOURCE_CLASS } from './classes';

export { CONTAINER_CLASS, PROBLEMS_CLASS, SOURCE_CLASS };

/** True when a fence's info string names tcpseq (first word, any case), as the core reads Markdown. */
export function isTcpseqInfo(info: string): boolean {
  return info.trim().split(/\s+/)[0].toLowerCase() === 'tcpseq';
}

/**
 * Adds tcpseq diagrams to `md`; returns `md`, as VS Code's `extendMarkdownIt` expects.
 * Other fences are drawn by whatever rule was there before.
 */
export function extendMarkdownIt(md: MarkdownIt, l10n?: Localizer, maxSegments: () => number = () => DEFAULT_MAX_SEGMENTS): MarkdownIt {
  const previous = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (!isTcpseqInfo(token.info)) {
      return previous ? previous(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    }
    // token.map[0] is the fence's line: the block's first line is the one after it.
    const firstLine = token.map ? token.map[0] + 1 : undefined;
    return renderBlock(md, token.content, firstLine, self.renderAttrs(token), l10n, maxSegments());
  };
  return md;
}

/** The container for one block. `attrs` keeps attributes other plugins set (VS Code's `data-line`). */
function renderBlock(md: MarkdownIt, text: string, firstLine: number | undefined, attrs: string, language: Localizer | undefined, maxSegments: number): string {
  const l10n = language ?? ENGLISH;
  const escape = md.utils.escapeHtml;
  let mermaid: string;
  let problems: readonly Diagnostic[];
  try {
    // Checked at its own Markdown lines: the problem list, the diagram's problem notes and the
    // messages' own references (`the SYN at line 15`) all count lines of the Markdown file.
    const analysis = analyze(text, { firstLine: firstLine ?? 0 });
    mermaid = timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics, l10n: language, maxSegments }).source;
    problems = analysis.diagnostics.filter((d) => d.severity !== 'information');
  } catch (e) {
    // A bug in the checker must not blank the whole Markdown preview: show it on this block.
    const message = e instanceof Error ? e.message : String(e);
    return `<div class="${CONTAINER_CLASS} tcpseq-failed"${attrs}><p class="${PROBLEMS_CLASS}">`
      + `${escape(l10n.t('tcpseq could not check this block: {error}', { error: message }))}</p><pre><code>${escape(text)}</code></pre></div>\n`;
  }
  const lineAttr = firstLine !== undefined && !attrs.includes('data-line=') ? ` data-line="${firstLine - 1}"` : '';
  const items = problems.map((d) => {
    // Lines as people count them, in the Markdown file (the analysis already speaks of its lines).
    const line = d.range.start.line + 1;
    return `<li class="tcpseq-${d.severity}" data-line="${line - 1}">`
      + `<span class="tcpseq-severity">${escape(severityName(d.severity, l10n))}</span> `
      + `<span class="tcpseq-line">${escape(l10n.t('line {line}', { line }))}</span>: ${escape(language ? language.message(d.messageData) : d.message)} `
      + `<span class="tcpseq-code">[${escape(d.code)}]</span></li>`;
  });
  const summary = problemSummary(problems, l10n);
  return `<div class="${CONTAINER_CLASS}"${attrs}${lineAttr} data-problems="${escape(summary)}">`
    + `<pre class="${SOURCE_CLASS}">${escape(mermaid)}</pre>`
    + (items.length > 0 ? `<ul class="${PROBLEMS_CLASS}">${items.join('')}</ul>` : '')
    + '</div>\n';
}

/** `2 errors, 1 warning`, or empty when the block is clean. */
export function problemSummary(problems: readonly Diagnostic[], l10n: Localizer = ENGLISH): string {
  const errors = problems.filter((d) => d.severity === 'error').length;
  const warnings = problems.filter((d) => d.severity === 'warning').length;
  const parts: string[] = [];
  if (errors > 0) parts.push(errors === 1 ? l10n.t('1 error') : l10n.t('{count} errors', { count: errors }));
  if (warnings > 0) parts.push(warnings === 1 ? l10n.t('1 warning') : l10n.t('{count} warnings', { count: warnings }));
  return parts.join(l10n.t(', '));
}

/** `error`, `warning`, `information`, in the reader's language. */
function severityName(severity: Diagnostic['severity'], l10n: Localizer): string {
  if (severity === 'error') return l10n.t('error');
  return severity === 'warning' ? l10n.t('warning') : l10n.t('information');
}
