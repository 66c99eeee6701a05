// The core's messages in the editor's display language. The core returns messages as ids with
// arguments (src/core/messages.ts, src/core/explain.ts); their English templates are the keys of
// l10n/bundle.l10n.json, so VS Code's own localization (`vscode.l10n.t`, with
// l10n/bundle.l10n.<language>.json) translates them like any other string of the extension.
import * as vscode from 'vscode';
import type { Diagnostic, Fix, Message } from '../core/types';
import { MESSAGES, renderMessage } from '../core/messages';
import type { Localizer, MessageTable } from '../core/messages';
import { EXPLAIN_MESSAGES } from '../core/explain';

let table: MessageTable | undefined;

/**
 * Every core template by id, translated. `vscode.l10n.t` without arguments returns the template
 * with its `{name}` placeholders intact; `renderMessage` fills them, nested messages first.
 */
export function coreMessages(): MessageTable {
  if (!table) {
    const translated: Record<string, string> = {};
    for (const [id, english] of Object.entries({ ...MESSAGES, ...EXPLAIN_MESSAGES })) {
      translated[id] = vscode.l10n.t(english);
    }
    table = translated;
  }
  return table;
}

/** A core message in the display language. */
export function messageText(m: Message): string {
  return renderMessage(m, coreMessages());
}

/** A diagnostic's message in the display language. */
export function diagnosticText(d: Diagnostic): string {
  return messageText(d.messageData);
}

/** A quick fix's title in the display language. */
export function fixTitle(fix: Fix): string {
  return fix.titleMessage ? messageText(fix.titleMessage) : fix.title;
}

/** For the diagram and the Markdown preview: core messages and their own sentences. */
export const localizer: Localizer = {
  message: messageText,
  t: (template, args) => (args ? vscode.l10n.t(template, args) : vscode.l10n.t(template)),
};
