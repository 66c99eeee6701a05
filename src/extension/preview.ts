import type * as vscode from 'vscode';

/** The preview panel, its commands and exports, and the Markdown preview integration. */
export function registerPreview(_context: vscode.ExtensionContext): void {}
