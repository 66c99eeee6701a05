import type * as vscode from 'vscode';

/** `tcpseq: Import Capture...`. */
export function registerCaptureImport(_context: vscode.ExtensionContext): void {}
