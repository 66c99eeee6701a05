// The extension loads in the real VS Code: opening a .tcpseq file activates it (onLanguage:tcpseq),
// and the language it contributes is known to the editor.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor, workspaceFile } from './helpers';

describe('activation', () => {
  it('registers the tcpseq language', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('tcpseq'), `tcpseq not among ${languages.length} languages`);
  });

  it('opens a .tcpseq file as tcpseq and that activates the extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    const document = await vscode.workspace.openTextDocument(workspaceFile('handshake.tcpseq'));
    assert.strictEqual(document.languageId, 'tcpseq');
    await vscode.window.showTextDocument(document);
    await waitFor('the extension to activate', () => extension.isActive);
  });
});
