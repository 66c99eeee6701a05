// Small helpers shared by the extension-host suites.
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tcpseq.tcpseq';

/** A file of the open workspace (a scratch copy of the shared examples). */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, name));
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
