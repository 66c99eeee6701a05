// Every sentence the core produces, by id, in English. Translations (l10n) map the same ids;
// `renderMessage` fills `{name}` placeholders, rendering nested messages first.
import type { Message } from './types';

export type MessageTable = Readonly<Record<string, string>>;

/** Diagnostic messages and their reasons. */
export const DIAGNOSTIC_MESSAGES: MessageTable = {
};

/** All English templates by id. */
export const MESSAGES: MessageTable = { ...DIAGNOSTIC_MESSAGES };

/** Renders a message with a table (English by default); unknown ids fall back to English. */
export function renderMessage(msg: Message, table: MessageTable = MESSAGES): string {
  const template = table[msg.id] ?? MESSAGES[msg.id] ?? msg.id;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const arg = msg.args?.[name];
    if (arg === undefined) return whole;
    return typeof arg === 'object' ? renderMessage(arg, table) : String(arg);
  });
}

/** Builds a message. */
export function msg(id: string, args?: Message['args']): Message {
  return args ? { id, args } : { id };
}
