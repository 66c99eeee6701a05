import type { ParsedDocument } from './types';
export function parse(text: string): ParsedDocument {
  return { statements: [], diagnostics: [], lineCount: text.split(/\r\n|\r|\n/).length };
}
