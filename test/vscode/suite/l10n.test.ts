// The display language reaches the extension through VS Code's own l10n: run once as usual (English)
// and once with code-server's `--locale zh-cn` (TCPSEQ_SUITE_LOCALE=zh-cn, see ../run.ts), the
// same document shows its diagnostic, quick fix and hover in that language.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const LOCALE = process.env.TCPSEQ_SUITE_LOCALE ?? 'en';
const TEXT = 'C->S SYN seq=x\nS->C SYN ACK seq=y ack=x\n';

async function diagnosticsOf(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  for (let i = 0; i < 150; i++) {
    const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'tcpseq');
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

describe(`l10n: the extension in ${LOCALE}`, () => {
  it('runs in the display language the instance was started with', () => {
    assert.equal(vscode.env.language, LOCALE);
  });

  it('shows a core diagnostic, its quick fix and the hover in the display language', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'tcpseq', content: TEXT });
    await vscode.window.showTextDocument(document);
    const [d] = await diagnosticsOf(document);
    assert.ok(d, 'a diagnostic is published');
    assert.equal(d.code, 'ack-mismatch');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider', document.uri, new vscode.Position(0, 3));
    const hover = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    if (LOCALE === 'zh-cn') {
      assert.equal(d.message, 'ack 应为 x+1：第 1 行的 SYN 占用一个序号');
      assert.ok(actions.some((a) => a.title === '改为 x+1'), actions.map((a) => a.title).join(', '));
      assert.match(hover, /SYN 占用一个序号/);
    } else {
      assert.equal(d.message, 'ack should be x+1: the SYN at line 1 takes one sequence number');
      assert.ok(actions.some((a) => a.title === 'Change to x+1'), actions.map((a) => a.title).join(', '));
      assert.match(hover, /The SYN takes one sequence number/);
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
