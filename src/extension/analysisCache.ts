// The last analysis of every tcpseq document and Markdown file, so that hover, code actions and the
// preview reuse the check the diagnostics already made instead of running it again.
import * as vscode from 'vscode';
import { analyze, analyzeMarkdown } from '../core';
import type { Analysis, Diagnostic, MarkdownBlockAnalysis, ParsedDocument } from '../core';
import { defaultMslMs } from './features';

export const TCPSEQ_LANGUAGE = 'tcpseq';
export const MARKDOWN_LANGUAGE = 'markdown';

/** One document's check, for the version of its text it was made from. */
export interface DocumentAnalysis {
  readonly uri: vscode.Uri;
  readonly version: number;
  /** The MSL of the `tcpseq.msl` setting it was checked with (a document's `msl` line wins). */
  readonly mslMs: number;
  /** For a tcpseq document. */
  readonly analysis?: Analysis;
  /** For a Markdown file: one entry per tcpseq fence. */
  readonly blocks?: readonly MarkdownBlockAnalysis[];
  /** Every diagnostic, positions in the document's own coordinates (Markdown lines for fences). */
  readonly diagnostics: readonly Diagnostic[];
}

const cache = new Map<string, DocumentAnalysis>();
const changed = new vscode.EventEmitter<DocumentAnalysis>();

/** Fires after a document was checked again. */
export const onDidAnalyze: vscode.Event<DocumentAnalysis> = changed.event;

/** True for documents the extension checks: tcpseq documents and Markdown files. */
export function isChecked(document: vscode.TextDocument): boolean {
  return (document.languageId === TCPSEQ_LANGUAGE || document.languageId === MARKDOWN_LANGUAGE)
    && document.uri.scheme !== 'git';
}

/**
 * The document's current check: the cached one when it was made from this version of the text
 * and the current MSL setting, otherwise a fresh one (which is then cached).
 */
export function getDocumentAnalysis(document: vscode.TextDocument): DocumentAnalysis {
  const key = document.uri.toString();
  const mslMs = defaultMslMs(document);
  const cached = cache.get(key);
  if (cached && cached.version === document.version && cached.mslMs === mslMs) return cached;
  const result = check(document, mslMs, cached?.analysis);
  cache.set(key, result);
  changed.fire(result);
  return result;
}

/** The analysis of a tcpseq document (undefined for other documents). */
export function getAnalysis(document: vscode.TextDocument): Analysis | undefined {
  return document.languageId === TCPSEQ_LANGUAGE ? getDocumentAnalysis(document).analysis : undefined;
}

/** The tcpseq fences of a Markdown file and their analyses (empty for other documents). */
export function getMarkdownAnalysis(document: vscode.TextDocument): readonly MarkdownBlockAnalysis[] {
  return document.languageId === MARKDOWN_LANGUAGE ? getDocumentAnalysis(document).blocks ?? [] : [];
}

/**
 * A parse made by what wrote a document (Import Capture writes the parse along with the text):
 * the first check of a tcpseq document whose text is exactly `text` takes it instead of reading
 * the text again. Kept for one such check, or until the next offer, or for a minute at most.
 */
let offered: { readonly text: string; readonly parsed: ParsedDocument } | undefined;
let offerTimer: ReturnType<typeof setTimeout> | undefined;

export function offerParse(text: string, parsed: ParsedDocument): void {
  offered = { text, parsed };
  clearTimeout(offerTimer);
  offerTimer = setTimeout(() => { offered = undefined; }, 60_000);
}

/** The offered parse of `text`, once. */
function takeOffered(text: string): ParsedDocument | undefined {
  if (!offered || offered.text !== text) return undefined;
  const { parsed } = offered;
  offered = undefined;
  clearTimeout(offerTimer);
  return parsed;
}

/** Drops a closed document's check. */
export function forgetDocument(uri: vscode.Uri): void {
  cache.delete(uri.toString());
}

function check(document: vscode.TextDocument, mslMs: number, previous?: Analysis): DocumentAnalysis {
  const { uri, version } = document;
  const options = { defaultMslMs: mslMs };
  if (document.languageId === TCPSEQ_LANGUAGE) {
    // The previous check lets unchanged lines skip parsing.
    const text = document.getText();
    const analysis = analyze(text, { ...options, previous, parsed: takeOffered(text) });
    return { uri, version, mslMs, analysis, diagnostics: analysis.diagnostics };
  }
  if (document.languageId === MARKDOWN_LANGUAGE) {
    const blocks = analyzeMarkdown(document.getText(), options);
    return { uri, version, mslMs, blocks, diagnostics: blocks.flatMap((b) => b.diagnostics) };
  }
  return { uri, version, mslMs, diagnostics: [] };
}
