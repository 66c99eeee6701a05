// `tcpseq: Import Capture...` in the real editor: a capture of a real Linux connection opens as an
// untitled tcpseq document that checks clean; with several connections a QuickPick chooses one;
// a damaged file gives a message and no document.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

const CAPTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'captures');
const capture = (name: string) => vscode.Uri.file(path.join(CAPTURES, name));

function problemsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'tcpseq' && d.severity !== vscode.DiagnosticSeverity.Information);
}

describe('tcpseq: Import Capture...', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is a contributed command with the title the palette shows', async () => {
    const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tcpseq')!.packageJSON;
    const entry = pkg.contributes.commands.find((c: { command: string }) => c.command === 'tcpseq.importCapture');
    assert.strictEqual(`${entry.category}: ${entry.title}`, 'tcpseq: Import Capture...');
    assert.ok((await vscode.commands.getCommands(true)).includes('tcpseq.importCapture'));
  });

  it("is offered in the Explorer's context menu on capture files, and on those only", () => {
    const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tcpseq')!.packageJSON;
    const entry = pkg.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === 'tcpseq.importCapture');
    assert.ok(entry, 'an Explorer context menu entry');
    // The when clause: `resourceFilename =~ /REGEX/FLAGS`, tried here on file names the way VS Code does.
    const m = /^resourceFilename =~ \/(.*)\/(\w*)$/.exec(entry.when);
    assert.ok(m, entry.when);
    const re = new RegExp(m[1], m[2]);
    for (const name of ['a.pcap', 'a.pcapng', 'b.cap', 'C.PCAP', 'a.pcap.gz', 'a.pcapng.gz']) assert.ok(re.test(name), name);
    for (const name of ['a.tcpseq', 'a.md', 'a.pcap.txt', 'a.gz', 'pcap', 'a.tar.gz']) assert.ok(!re.test(name), name);
  });

  it('opens a gzip-compressed capture (capture.pcap.gz) as Wireshark does', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-')), 'keepalive.pcap.gz');
    fs.writeFileSync(file, zlib.gzipSync(fs.readFileSync(path.join(CAPTURES, 'keepalive.pcap'))));
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', vscode.Uri.file(file));
    assert.ok(document, 'a document was opened');
    assert.match(document.getText(), /^# Imported from keepalive\.pcap\.gz: connection 1/);
    assert.match(document.getText(), /^C->S SYN seq=\d+ /m);
    // Checked like any other: the probes' information diagnostics show that the check ran.
    const all = await waitFor('the keep-alive probes to be recognised', () => {
      const ds = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'tcpseq');
      return ds.filter((d) => /keep-alive/.test(d.message)).length >= 2 && ds;
    });
    assert.deepStrictEqual(all.filter((d) => d.severity !== vscode.DiagnosticSeverity.Information).map((d) => d.message), []);
  });

  it('opens an untitled tcpseq document of the capture (pcapng)', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('half-close.pcapng'));
    assert.ok(document, 'a document was opened');
    assert.strictEqual(document.languageId, 'tcpseq');
    assert.strictEqual(document.isUntitled, true);
    assert.match(document.getText(), /^# Imported from half-close\.pcapng: connection 1/);
    assert.match(document.getText(), /^C->S SYN seq=\d+ /m);
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document === document), 'the document is shown');
  });

  it('names the document after the capture, beside it, never the name of a file or document that exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-'));
    fs.copyFileSync(path.join(CAPTURES, 'normal.pcap'), path.join(dir, 'normal.pcap'));
    fs.copyFileSync(path.join(CAPTURES, 'keepalive.pcap'), path.join(dir, 'keepalive.pcap'));
    fs.writeFileSync(path.join(dir, 'keepalive.tcpseq'), 'a note of the user\n');
    const imported = async (name: string) => (await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', vscode.Uri.file(path.join(dir, name))))!;
    const first = await imported('normal.pcap');
    assert.strictEqual(first.uri.scheme, 'untitled');
    assert.strictEqual(first.uri.path, vscode.Uri.file(path.join(dir, 'normal.tcpseq')).path);
    assert.strictEqual(first.isUntitled, true);
    assert.strictEqual(first.languageId, 'tcpseq');
    assert.match(first.getText(), /^# Imported from normal\.pcap: connection 1/);
    // The same capture again, while the first is open; a capture whose name a file has.
    assert.strictEqual(path.basename((await imported('normal.pcap')).uri.path), 'normal-2.tcpseq');
    assert.strictEqual(path.basename((await imported('keepalive.pcap')).uri.path), 'keepalive-2.tcpseq');
    // Nothing is written until the user saves; the user's file is as it was.
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['keepalive.pcap', 'keepalive.tcpseq', 'normal.pcap']);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'keepalive.tcpseq'), 'utf8'), 'a note of the user\n');
    // Its diagram exports beside it by default.
    const { defaultTarget } = require(path.join(__dirname, '..', '..', '..', 'src', 'extension', 'export.js')) as typeof import('../../../src/extension/export');
    assert.strictEqual(defaultTarget(first, 'svg')?.fsPath, path.join(dir, 'normal.svg'));
    // Saving writes it there, without asking where.
    const text = first.getText();
    const saved = await vscode.workspace.save(first.uri);
    assert.strictEqual(saved?.fsPath, path.join(dir, 'normal.tcpseq'));
    assert.strictEqual(fs.readFileSync(path.join(dir, 'normal.tcpseq'), 'utf8'), text);
  });

  it('the imported keep-alive capture is checked: its probes are recognised, nothing is wrong', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('keepalive.pcap'));
    // The probes' information diagnostics show that the check ran.
    const all = await waitFor('the keep-alive probes to be recognised', () => {
      const ds = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'tcpseq');
      return ds.filter((d) => /keep-alive/.test(d.message)).length >= 2 && ds;
    });
    assert.deepStrictEqual(all.filter((d) => d.severity !== vscode.DiagnosticSeverity.Information).map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  });

  it('a document with a mistake does get diagnostics the same way (the check above is not vacuous)', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('normal.pcap'));
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document)!;
    const line = document.getText().split('\n').findIndex((l) => l.includes('# frame 7,'));
    const text = document.lineAt(line).text;
    const ack = /ack=(\d+)/.exec(text)!;
    await editor.edit((b) => b.replace(new vscode.Range(line, ack.index + 4, line, ack.index + ack[0].length), String(Number(ack[1]) + 1)));
    const errors = await waitFor('an error on the changed ack', () => {
      const found = problemsOf(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      return found.length > 0 && found;
    });
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].range.start.line, line);
  });

  it('an imported capture with one ack off by one byte shows exactly that error, on its line', async () => {
    // The document's first check takes the parse made while it was written (no reading it again):
    // that check must find what reading the text finds.
    const bytes = fs.readFileSync(path.join(CAPTURES, 'normal.pcap'));
    assert.strictEqual(bytes.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian pcap');
    // Frame 7 is the client's ACK of the server's reply: after the file header and six records.
    let at = 24;
    for (let frame = 1; frame < 7; frame++) at += 16 + bytes.readUInt32LE(at + 8);
    const ack = at + 16 + 14 + 20 + 8; // record header, Ethernet, IPv4, then TCP's ack field
    bytes[ack + 3] = (bytes[ack + 3] + 1) & 0xff;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-')), 'wrong-ack.pcap');
    fs.writeFileSync(file, bytes);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', vscode.Uri.file(file));
    const line = document.getText().split('\n').findIndex((l) => l.includes('# frame 7,'));
    assert.ok(line > 0);
    const problems = await waitFor('the error on the wrong ack', () => {
      const found = problemsOf(document.uri);
      return found.length > 0 && found;
    });
    assert.deepStrictEqual(problems.map((d) => [d.severity, d.range.start.line]), [[vscode.DiagnosticSeverity.Error, line]]);
    assert.match(problems[0].message, /ack/);
  });

  it('a capture taken at a sender with segmentation offload opens in parts that check clean: a mistake typed into one is the only problem', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('offload.pcap'));
    assert.match(document.getText(), /# frame \d+, part 2 of \d+,/);
    // The document checks clean, which shows no diagnostic: a mistake typed into one part must then
    // be the only problem (the check after the edit reuses the first check's rows for the other lines).
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document)!;
    const line = document.getText().split('\n').findIndex((l) => / part 2 of /.test(l));
    const ack = /ack=(\d+)/.exec(document.lineAt(line).text)!;
    await editor.edit((b) => b.replace(new vscode.Range(line, ack.index + 4, line, ack.index + ack[0].length), String(Number(ack[1]) + 1)));
    const problems = await waitFor('an error on the changed ack', () => {
      const found = problemsOf(document.uri);
      return found.some((d) => d.range.start.line === line) && found;
    });
    assert.deepStrictEqual(problems.map((d) => [d.severity, d.range.start.line]), [[vscode.DiagnosticSeverity.Error, line]]);
  });

  it('follows the tcpseq.import settings: relative numbers, the wait threshold, the window', async () => {
    const config = vscode.workspace.getConfiguration('tcpseq.import');
    const byDefault = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('keepalive.pcap'));
    assert.match(byDefault.getText(), /^C->S SYN seq=\d+ win=\d+/m);
    assert.strictEqual(byDefault.getText().match(/^wait /gm)?.length, 3);
    await config.update('relativeNumbers', true, vscode.ConfigurationTarget.Global);
    await config.update('waitThreshold', 100_000, vscode.ConfigurationTarget.Global);
    await config.update('window', false, vscode.ConfigurationTarget.Global);
    try {
      const document = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('keepalive.pcap'));
      const text = document.getText();
      assert.match(text, /^C->S SYN seq=x mss=/m);
      assert.match(text, /^S->C SYN ACK seq=y ack=x\+1 /m);
      assert.doesNotMatch(text, /^wait /m, 'no gap is 100 s long');
      assert.doesNotMatch(text, / win=/);
      // Written that way, it still checks clean.
      const problems = await waitFor('the check of the document', () => {
        const ds = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'tcpseq');
        return ds.length > 0 && ds;
      });
      assert.deepStrictEqual(problems.filter((d) => d.severity !== vscode.DiagnosticSeverity.Information).map((d) => d.message), []);
    } finally {
      for (const key of ['relativeNumbers', 'waitThreshold', 'window']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('imports at most tcpseq.import.limit packets of a connection (0: all), and the document says what was cut', async () => {
    const config = vscode.workspace.getConfiguration('tcpseq.import');
    const segmentLines = (d: vscode.TextDocument) => d.getText().split('\n').filter((l) => /^[CS](->|~>|-x)[CS] /.test(l)).length;
    const whole = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('bulk.pcap'));
    const total = segmentLines(whole);
    assert.ok(total > 20, `the bulk capture has ${total} segments, under the default limit`);
    await config.update('limit', 10, vscode.ConfigurationTarget.Global);
    try {
      const cut = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('bulk.pcap'));
      assert.strictEqual(segmentLines(cut), 10);
      assert.match(cut.getText(), new RegExp(`^# Only the first 10 packets are written \\(--limit\\); ${total - 10} more are cut\\.$`, 'm'));
      await config.update('limit', 0, vscode.ConfigurationTarget.Global);
      const all = await vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', capture('bulk.pcap'));
      assert.strictEqual(segmentLines(all), total);
    } finally {
      await config.update('limit', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('with several connections, a QuickPick lists them with packet counts and imports the chosen one', async () => {
    // Two real captures in one file: the second one's records after the first one's.
    const a = fs.readFileSync(path.join(CAPTURES, 'normal.pcap'));
    const b = fs.readFileSync(path.join(CAPTURES, 'normal-ipv6.pcap'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-')), 'two.pcap');
    fs.writeFileSync(file, Buffer.concat([a, b.subarray(24)]));

    const pending = vscode.commands.executeCommand<vscode.TextDocument>('tcpseq.importCapture', vscode.Uri.file(file));
    // Wait for the QuickPick, move to the second entry and accept it.
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const document = await pending;
    assert.ok(document, 'a document was opened');
    assert.match(document.getText(), /^participant S as \[::1\]:8080$/m);
    assert.strictEqual(path.basename(document.uri.path), 'two-connection-2.tcpseq');
  });

  it('a capture file opens in the capture page (the default editor for .pcap, .pcapng, .cap and .pcap.gz)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-'));
    const gz = path.join(dir, 'bulk.pcap.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(path.join(CAPTURES, 'bulk.pcap'))));
    const cap = path.join(dir, 'abort.cap');
    fs.copyFileSync(path.join(CAPTURES, 'abort.pcap'), cap);
    for (const uri of [capture('normal.pcap'), capture('half-close.pcapng'), vscode.Uri.file(gz), vscode.Uri.file(cap)]) {
      await vscode.commands.executeCommand('vscode.open', uri);
      const tab = await waitFor(`${path.basename(uri.fsPath)} to open`, () => {
        const active = vscode.window.tabGroups.activeTabGroup.activeTab;
        return active?.input instanceof vscode.TabInputCustom && active.input.uri.toString() === uri.toString() && active;
      });
      assert.strictEqual((tab.input as vscode.TabInputCustom).viewType, 'tcpseq.capture');
      // Read-only: nothing to save, no text document made of the capture's bytes.
      assert.strictEqual(tab.isDirty, false);
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()));
    }
  });

  it('a damaged file opens no document', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-capture-')), 'broken.pcap');
    fs.writeFileSync(file, 'this is not a capture');
    const before = vscode.workspace.textDocuments.length;
    const document = await vscode.commands.executeCommand('tcpseq.importCapture', vscode.Uri.file(file));
    assert.strictEqual(document, undefined);
    assert.strictEqual(vscode.workspace.textDocuments.filter((d) => d.languageId === 'tcpseq' && d.isUntitled).length, 0);
    assert.ok(vscode.workspace.textDocuments.length <= before);
  });
});
