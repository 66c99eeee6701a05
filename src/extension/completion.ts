// Completion: keywords and endpoints at the start of a line, state names after `ID: `, the receiver
// after the arrow, flags and fields in a segment; and, right after `C->S `, the segment that is
// correct next (first, preselected), as the core's model computes it from the lines above.
import * as vscode from 'vscode';
import { analyze, FLAGS, suggestSegment, TCP_STATES } from '../core';
import type { Analysis, AnalyzeOptions } from '../core';
import { describeState, explainVariable as describeVariable } from '../core/explain';
import { splitComment } from '../core/format';
import { analysisOf, defaultMslMs, SELECTOR } from './features';
import { coreMessages } from './l10n';

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const STATE_CONTEXT = new RegExp(`^\\s*(${IDENT})\\s*:\\s*[A-Za-z_-]*$`);
const RECEIVER_CONTEXT = new RegExp(`^\\s*(${IDENT})\\s*(?:->|~>|-[xX])\\s*[A-Za-z_0-9]*$`);
const SEGMENT_CONTEXT = new RegExp(`^\\s*(${IDENT})\\s*(?:->|~>|-[xX])\\s*(${IDENT})(?:\\s*:)?\\s+([^:]*)$`);
const KEYWORDS = ['title', 'participant', 'par', 'end', 'wait', 'msl', 'note over', 'note left of', 'note right of'];
const FIELDS: readonly { text: string; doc: string; synOnly?: boolean }[] = [
  { text: 'seq=', doc: vscode.l10n.t('The sequence number of the first octet (of the SYN or FIN for control segments).') },
  { text: 'ack=', doc: vscode.l10n.t('The acknowledgment number: the next octet expected from the peer (ACK segments only).') },
  { text: 'len=', doc: vscode.l10n.t('Payload octets (default 0).') },
  { text: 'win=', doc: vscode.l10n.t('The advertised receive window.') },
  { text: 'mss=', doc: vscode.l10n.t('Maximum segment size option (SYN segments only).'), synOnly: true },
  { text: 'wscale=', doc: vscode.l10n.t('Window scale option, RFC 7323 (SYN segments only).'), synOnly: true },
  { text: 'sackok', doc: vscode.l10n.t('SACK-permitted option (SYN segments only).'), synOnly: true },
  { text: 'old', doc: vscode.l10n.t('An old duplicate from an earlier incarnation of the connection.') },
];

/** Endpoints known in the document: declared participants and every endpoint used so far. */
function endpoints(analysis: Analysis): string[] {
  const names = new Set(analysis.timeline.participants.map((p) => p.id));
  for (const s of analysis.parsed.statements) {
    if (s.kind === 'participant') names.add(s.id.value);
    else if (s.kind === 'segment') names.add(s.from.value).add(s.to.value);
    else if (s.kind === 'state') names.add(s.endpoint.value);
  }
  return [...names];
}

function item(label: string, kind: vscode.CompletionItemKind, range: vscode.Range, doc?: string): vscode.CompletionItem {
  const it = new vscode.CompletionItem(label, kind);
  it.range = range;
  if (doc) it.documentation = new vscode.MarkdownString(doc);
  return it;
}

/** Completions for a line prefix; `replace` covers the partly typed word. */
function complete(document: vscode.TextDocument, position: vscode.Position, prefix: string): vscode.CompletionItem[] {
  // State names contain `-`; in a segment, `-` joins flags (`SYN-ACK`), so it ends a word there.
  const word = (pattern: RegExp): vscode.Range =>
    new vscode.Range(position.line, position.character - pattern.exec(prefix)![0].length, position.line, position.character);
  const replace = word(/[A-Za-z_0-9]*$/);
  const analysis = analysisOf(document);
  const K = vscode.CompletionItemKind;

  const segment = SEGMENT_CONTEXT.exec(prefix);
  if (segment) {
    const [, from, to, written] = segment;
    if (/(seq|ack)\s*=\s*[A-Za-z_0-9]*$/i.test(written)) {
      // A number or a variable: offer the variables bound so far.
      return analysis.timeline.variables.map((v) => item(v.name, K.Variable, replace, describeVariable(v, coreMessages())));
    }
    if (/=\s*\d*$/.test(written)) return [];
    const words = written.split(/[\s,+|]+/).map((w) => w.toUpperCase());
    const flagsWritten = words.filter((w) => (FLAGS as readonly string[]).includes(w));
    const items: vscode.CompletionItem[] = [];
    if (written.trim() === '' || /^[A-Za-z]*$/.test(written)) {
      // Nothing but a partial word after the receiver: the segment that is correct next comes first.
      const options = { defaultMslMs: defaultMslMs(document) };
      const next = suggestSegment(analysisBefore(document, position.line, options), from, to, options);
      if (next) {
        const it = item(next, K.Value, replace, vscode.l10n.t('The segment that is correct next, from the lines above.'));
        it.detail = vscode.l10n.t('next segment {from}->{to}', { from, to });
        it.preselect = true;
        it.sortText = '0';
        items.push(it);
      }
    }
    const fieldsStarted = /=|\b(sackok|old)\b/i.test(written);
    if (!fieldsStarted) {
      for (const f of FLAGS) if (!flagsWritten.includes(f)) items.push(Object.assign(item(f, K.Keyword, replace), { sortText: `1${f}` }));
    }
    if (flagsWritten.length > 0) {
      const syn = flagsWritten.includes('SYN');
      for (const f of FIELDS) {
        if ((f.synOnly && !syn) || new RegExp(`\\b${f.text}`, 'i').test(written)) continue;
        const it = item(f.text, K.Field, replace, f.doc);
        it.sortText = `2${f.text}`;
        // After `seq=` or `ack=` the user types a number or a variable straight away.
        if (f.text.endsWith('=')) it.command = { title: 'suggest', command: 'editor.action.triggerSuggest' };
        items.push(it);
      }
    }
    return items;
  }

  const receiver = RECEIVER_CONTEXT.exec(prefix);
  if (receiver) {
    return endpoints(analysis).filter((e) => e !== receiver[1]).map((e) => item(e, K.Variable, replace));
  }

  const state = STATE_CONTEXT.exec(prefix);
  if (state && !/^(title|note|participant)$/i.test(state[1])) {
    const stateWord = word(/[A-Za-z_0-9-]*$/);
    return TCP_STATES.map((s, i) => Object.assign(item(s, K.EnumMember, stateWord, describeState(s, coreMessages())), { sortText: String(i).padStart(2, '0') }));
  }

  if (/^\s*[A-Za-z_0-9]*$/.test(prefix)) {
    return [
      ...endpoints(analysis).map((e) => item(e, K.Variable, replace)),
      ...KEYWORDS.map((k) => item(k, K.Keyword, replace)),
    ];
  }
  return [];
}

/** The analysis of the lines above `line`: what has happened before the segment being written. */
function analysisBefore(document: vscode.TextDocument, line: number, options: AnalyzeOptions): Analysis {
  const text = document.getText(new vscode.Range(0, 0, line, 0));
  return analyze(text, options);
}

export function registerCompletion(): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(SELECTOR, {
    provideCompletionItems(document, position) {
      const prefix = document.lineAt(position.line).text.slice(0, position.character);
      // Nothing to offer inside a comment.
      if (splitComment(prefix).comment !== '') return [];
      return complete(document, position, prefix);
    },
  }, ' ', ':', '>', '=');
}
