import type * as vscode from 'vscode';

/** Diagnostics, quick fixes, hover, completion, inlay hints, symbols, formatting. */
export function registerLanguageFeatures(_context: vscode.ExtensionContext): void {}
