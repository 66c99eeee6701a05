import type * as vscode from 'vscode';

/** Hover, completion, inlay hints, outline, folding and formatting. */
export function registerEditorFeatures(_context: vscode.ExtensionContext): void {}
