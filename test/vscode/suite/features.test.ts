// The editor features in the real VS Code, through the same commands the editor itself uses:
// hover, completion, inlay hints, outline, folding and Format Document.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { workspaceFile } from './helpers';

async function open(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  await vscode.window.showTextDocument(document);
  return document;
}

async function scratch(content: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'tcpseq', content });
  await vscode.window.showTextDocument(document);
  return document;
}

/** The position of `needle` on a 0-based line. */
function at(document: vscode.TextDocument, line: number, needle: string, offset = 0): vscode.Position {
  const character = document.lineAt(line).text.indexOf(needle);
  assert.ok(character >= 0, `"${needle}" on line ${line + 1}: ${document.lineAt(line).text}`);
  return new vscode.Position(line, character + offset);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function hover(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));
}

async function completions(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items;
}

const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);

async function inlayHints(document: vscode.TextDocument): Promise<vscode.InlayHint[]> {
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  return vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
}

const hintText = (h: vscode.InlayHint): string => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

describe('editor features', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  describe('hover', () => {
    it('on S->C SYN ACK seq=y ack=x+1: both endpoints, SYN-RECEIVED, x+1 and why', async () => {
      const document = await open('handshake.tcpseq');
      const text = await hover(document, at(document, 9, 'SYN ACK'));
      assert.match(text, /SYN-RECEIVED/, text);
      assert.match(text, /x\+1/, text);
      assert.match(text, /The SYN takes one sequence number/, text);
      assert.match(text, /\*\*C\*\*: SYN-SENT → ESTABLISHED/, text);
    });

    it('on a state name: what it means and how the endpoint got there', async () => {
      const document = await open('handshake.tcpseq');
      const text = await hover(document, at(document, 7, 'SYN-SENT', 3));
      assert.match(text, /\*\*SYN-SENT\*\*: It has sent its SYN/, text);
      assert.match(text, /line 7: CLOSED → SYN-SENT/, text);
    });

    it('on a variable: what it was bound to, and where', async () => {
      const document = await open('handshake.tcpseq');
      const text = await hover(document, at(document, 11, 'x+1'));
      assert.match(text, /^\*\*x\*\*: /, text);
      assert.match(text, /Bound at line 7; it counts C's octets to S/, text);
    });
  });

  describe('completion', () => {
    it('offers the segment that is correct next first, preselected', async () => {
      const document = await scratch('C->S SYN seq=x\nS->C ');
      const items = await completions(document, new vscode.Position(1, 5));
      const preselected = items.filter((i) => i.preselect);
      assert.deepStrictEqual(preselected.map(labelOf), ['SYN ACK seq=y ack=x+1'], items.map(labelOf).join(', '));
      assert.ok(items.some((i) => labelOf(i) === 'RST'), 'flags are offered too');
    });

    it('offers state names after "ID: ", with their meaning', async () => {
      const document = await scratch('C->S SYN seq=x\nC: SYN');
      const items = await completions(document, new vscode.Position(1, 6));
      const names = items.map(labelOf);
      for (const state of ['SYN-SENT', 'SYN-RECEIVED', 'TIME-WAIT']) assert.ok(names.includes(state), `${state} in ${names.join(', ')}`);
      const doc = items.find((i) => labelOf(i) === 'SYN-SENT')!.documentation as vscode.MarkdownString;
      assert.match(doc.value, /sent its SYN/);
    });

    it('offers the fields a SYN may carry and the flags not yet written', async () => {
      const document = await scratch('C->S SYN ');
      const names = (await completions(document, new vscode.Position(0, 9))).map(labelOf);
      for (const f of ['seq=', 'len=', 'mss=', 'wscale=', 'sackok', 'old', 'ACK']) assert.ok(names.includes(f), `${f} in ${names.join(', ')}`);
      assert.ok(!names.includes('SYN'), 'SYN is written already');
      const plain = await scratch('C->S ACK ');
      const plainNames = (await completions(plain, new vscode.Position(0, 9))).map(labelOf);
      assert.ok(plainNames.includes('ack=') && !plainNames.includes('mss='), `options only on a SYN: ${plainNames.join(', ')}`);
    });

    it('offers the endpoints after the arrow, and keywords at the start of a line', async () => {
      const document = await scratch('participant C as Client\nparticipant S as Server\nC->');
      const receivers = (await completions(document, new vscode.Position(2, 3))).map(labelOf);
      assert.ok(receivers.includes('S') && !receivers.includes('C'), receivers.join(', '));
      const document2 = await scratch('participant C\n');
      const starts = (await completions(document2, new vscode.Position(1, 0))).map(labelOf);
      for (const k of ['C', 'par', 'wait', 'note over']) assert.ok(starts.includes(k), `${k} in ${starts.join(', ')}`);
    });
  });

  describe('inlay hints', () => {
    it('show the state changes a segment causes, and follow the setting', async () => {
      const document = await open('handshake.tcpseq');
      const hints = await inlayHints(document);
      const syn = hints.find((h) => h.position.line === 6);
      assert.ok(syn, `a hint on the SYN line; got lines ${hints.map((h) => h.position.line).join(',')}`);
      assert.strictEqual(hintText(syn), 'C: CLOSED -> SYN-SENT, S: LISTEN -> SYN-RECEIVED');
      assert.strictEqual(syn.position.character, document.lineAt(6).text.trimEnd().length);
      assert.ok(!hints.some((h) => h.position.line === 7), 'no hint on a state assertion');

      const config = vscode.workspace.getConfiguration('tcpseq');
      await config.update('inlayHints.enable', false, vscode.ConfigurationTarget.Global);
      try {
        assert.deepStrictEqual(await inlayHints(document), []);
      } finally {
        await config.update('inlayHints.enable', undefined, vscode.ConfigurationTarget.Global);
      }
      assert.ok((await inlayHints(document)).length > 0, 'hints come back when the setting is on again');
    });
  });

  describe('tcpseq.msl', () => {
    it('is the MSL of documents that set none: 1 min is 2 MSL when the setting says 30s', async () => {
      const document = await scratch([
        'C->S FIN ACK seq=u ack=v',
        'S->C ACK seq=v ack=u+1',
        'S->C FIN ACK seq=v ack=u+1',
        'C->S ACK seq=u+1 ack=v+1',
        'wait 1min',
      ].join('\n'));
      const onWait = async (): Promise<string[]> => (await inlayHints(document)).filter((h) => h.position.line === 4).map(hintText);
      assert.deepStrictEqual(await onWait(), [], 'with the default MSL of 2 min, 1 min is not enough');
      const config = vscode.workspace.getConfiguration('tcpseq');
      await config.update('msl', '30s', vscode.ConfigurationTarget.Global);
      try {
        assert.deepStrictEqual(await onWait(), ['C: TIME-WAIT -> CLOSED']);
      } finally {
        await config.update('msl', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });

  describe('outline and folding', () => {
    it('lists the title, then the phases with their segments', async () => {
      const document = await open('http-exchange.tcpseq');
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
      assert.deepStrictEqual(symbols.map((s) => s.name), ['One HTTP request, the server closing first', 'Handshake', 'Data transfer', 'Teardown']);
      assert.deepStrictEqual(symbols.map((s) => s.children.length), [0, 3, 4, 4]);
      assert.strictEqual(symbols[1].children[0].name, 'C->S SYN seq=1000');
      assert.strictEqual(symbols[1].children[0].detail, 'connect()');
      assert.strictEqual(symbols[3].range.start.line, 11);
    });

    it('folds par ... end blocks', async () => {
      const document = await open('simultaneous-close.tcpseq');
      const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri);
      const pars = ranges.map((r) => `${r.start}-${r.end}`);
      assert.ok(pars.includes('6-9') && pars.includes('12-15'), pars.join(', '));
    });
  });

  describe('Format Document', () => {
    it('rewrites spacing, case, flags, par indentation and label columns', async () => {
      const document = await scratch([
        'title   Simultaneous close',
        'A:established',
        'B :  ESTABLISHED',
        'PAR',
        'A -> B fin+ack seq = u ack = v : crossing',
        '      B->A FIN,ACK seq=v ack=u   # theirs',
        'end',
        'C->S  syn   seq=x',
        'C->S SYN SYN seq=x    # a syntax error stays as written',
      ].join('\n'));
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>(
        'vscode.executeFormatDocumentProvider', document.uri, { tabSize: 4, insertSpaces: true },
      );
      assert.ok(edits.length > 0, 'edits returned');
      const apply = new vscode.WorkspaceEdit();
      apply.set(document.uri, edits);
      assert.ok(await vscode.workspace.applyEdit(apply));
      assert.strictEqual(document.getText(), [
        'title Simultaneous close',
        'A: ESTABLISHED',
        'B: ESTABLISHED',
        'par',
        '  A->B FIN ACK seq=u ack=v : crossing',
        '  B->A FIN ACK seq=v ack=u  # theirs',
        'end',
        'C->S SYN seq=x',
        'C->S SYN SYN seq=x    # a syntax error stays as written',
      ].join('\n'));
      const again = await vscode.commands.executeCommand<vscode.TextEdit[]>(
        'vscode.executeFormatDocumentProvider', document.uri, { tabSize: 4, insertSpaces: true },
      );
      assert.deepStrictEqual(again ?? [], [], 'formatting twice changes nothing');
    });
  });
});
