// The editor's language features beyond diagnostics: hover, completion, inlay hints, outline,
// folding and formatting. Each provider lives in its own module and only asks the core.
import * as vscode from 'vscode';
import { analyze } from '../core';
import type { Analysis } from '../core';
import { getAnalysis } from './analysisCache';
import { registerHover } from './hover';
import { registerCompletion } from './completion';
import { registerInlayHints } from './inlayHints';
import { registerSymbols } from './symbols';
import { registerFormatting } from './formatting';

export const LANGUAGE_ID = 'tcpseq';
export const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

/** MSL when neither the document (`msl 30s`) nor the setting says otherwise: 2 min, as in RFC 793. */
const DEFAULT_MSL_MS = 120_000;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** `2min`, `30 s`, `0.5h`, `500ms` -> milliseconds; undefined for anything else. */
export function parseMslSetting(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)\s*$/i.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2].toLowerCase()];
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

/** The default MSL from `tcpseq.msl`; a value that is not a duration falls back to 2 min. */
export function defaultMslMs(scope?: vscode.ConfigurationScope): number {
  const setting = vscode.workspace.getConfiguration('tcpseq', scope).get<string>('msl', '2min');
  return parseMslSetting(setting) ?? DEFAULT_MSL_MS;
}

/**
 * The document's analysis, shared with the diagnostics (one check per version and MSL setting).
 * A document that is not tcpseq (the providers never ask for one) is analysed on the spot.
 */
export function analysisOf(document: vscode.TextDocument): Analysis {
  return getAnalysis(document) ?? analyze(document.getText(), { defaultMslMs: defaultMslMs(document) });
}

/** Converts a core range (0-based, UTF-16, end exclusive: the same convention) to VS Code's. */
export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Hover, completion, inlay hints, outline, folding and formatting. */
export function registerEditorFeatures(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    registerHover(),
    registerCompletion(),
    registerInlayHints(),
    registerSymbols(),
    registerFormatting(),
  );
}
