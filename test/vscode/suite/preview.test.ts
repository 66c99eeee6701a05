// The preview panel in the real VS Code: it opens for a document, draws it (the page reports
// `rendered`), follows edits, the cursor and the active editor, exports SVG and PNG files, and the
// Markdown preview draws tcpseq fences through the extension's markdown-it plugin.
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceFile } from './helpers';

/** What `tcpseq.preview.inspect` returns for each panel (see src/extension/previewPanel.ts). */
interface PanelState {
  readonly documentUri: string;
  readonly visible: boolean;
  readonly ready: boolean;
  readonly postedVersion: number;
  readonly renderedVersion: number;
  readonly lastUpdate?: { readonly version: number; readonly diagram: { readonly source: string; readonly map: { readonly messages: readonly number[] } } };
  readonly lastHighlight?: number | null;
  readonly lastRenderError?: string;
}

let panels: PanelState[] = [];

async function inspect(): Promise<PanelState[]> {
  panels = (await vscode.commands.executeCommand<PanelState[]>('tcpseq.preview.inspect')) ?? [];
  return panels;
}

/** Polls the panels until `check` finds what it wants. */
async function waitForPanel(what: string, check: (p: PanelState[]) => PanelState | undefined | false, timeoutMs = 15_000): Promise<PanelState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check(await inspect());
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; panels: ${JSON.stringify(panels, null, 1).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The panel of `uri` once the page has drawn everything posted to it. */
function drawn(uri: vscode.Uri) {
  return (ps: PanelState[]) => ps.find((p) => p.documentUri === uri.toString() && p.ready
    && p.renderedVersion >= p.postedVersion && p.postedVersion > 0);
}

function previewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tcpseq.preview'));
}

async function closeAllPreviews(): Promise<void> {
  await vscode.window.tabGroups.close(previewTabs());
  await waitFor('the previews to close', () => previewTabs().length === 0);
}

async function open(name: string, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: false });
}

describe('preview panel', function () {
  this.timeout(60_000);

  after(async () => {
    await closeAllPreviews();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens beside the editor and draws the document', async () => {
    const editor = await open('handshake.tcpseq');
    await vscode.commands.executeCommand('tcpseq.openPreviewToSide');
    const panel = await waitForPanel('the handshake diagram to be drawn', drawn(editor.document.uri), 30_000);
    assert.strictEqual(panel.lastRenderError, undefined);
    assert.match(panel.lastUpdate!.diagram.source, /^sequenceDiagram\n/);
    assert.match(panel.lastUpdate!.diagram.source, /participant C as Client/);
    const tabs = previewTabs();
    assert.strictEqual(tabs.length, 1);
    assert.strictEqual(tabs[0].group.viewColumn, vscode.ViewColumn.Two, 'the preview opened to the side');
    assert.strictEqual(vscode.window.activeTextEditor?.document, editor.document, 'the editor kept the focus');
  });

  it('follows edits as the user types', async () => {
    const editor = await open('handshake.tcpseq');
    const before = (await waitForPanel('the panel', drawn(editor.document.uri))).postedVersion;
    // Type a teardown line character by character, as a person would.
    const line = '\nC->S FIN ACK seq=x+1 ack=y+1 : bye';
    for (const ch of line) {
      await editor.edit((b) => b.insert(editor.document.lineAt(editor.document.lineCount - 1).range.end, ch));
    }
    const panel = await waitForPanel('the edit to be drawn',
      (ps) => ps.find((p) => p.postedVersion > before && p.lastUpdate?.diagram.source.includes('bye') && p.renderedVersion >= p.postedVersion));
    assert.match(panel.lastUpdate!.diagram.source, /FIN/);
    // Never more updates than edits: the page is not flooded.
    assert.ok(panel.postedVersion - before <= line.length, `${panel.postedVersion - before} updates for ${line.length} edits`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('tells the page which line the cursor is on', async () => {
    const editor = await open('handshake.tcpseq');
    editor.selection = new vscode.Selection(10, 3, 10, 3);
    await waitForPanel('highlight of line 10', (ps) => ps.find((p) => p.lastHighlight === 10));
    editor.selection = new vscode.Selection(8, 0, 8, 0);
    await waitForPanel('highlight of line 8', (ps) => ps.find((p) => p.lastHighlight === 8));
  });

  it('draws the part of a long document around the cursor, and moves with it', async () => {
    // 43 segments, segment k on line k (0-based); the preview draws 10 of them.
    const lines = ['C->S SYN seq=0', 'S->C SYN ACK seq=0 ack=1', 'C->S ACK seq=1 ack=1'];
    for (let k = 0; k < 20; k++) lines.push(`C->S ACK seq=${1 + 10 * k} ack=1 len=10`, `S->C ACK seq=1 ack=${11 + 10 * k}`);
    const config = vscode.workspace.getConfiguration('tcpseq.preview');
    await config.update('maxSegments', 10, vscode.ConfigurationTarget.Global);
    try {
      const document = await vscode.workspace.openTextDocument({ language: 'tcpseq', content: lines.join('\n') + '\n' });
      const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('tcpseq.openPreviewToSide');
      const uri = document.uri.toString();
      const shows = (first: number) => (ps: PanelState[]) => ps.find((p) => p.documentUri === uri && p.renderedVersion >= p.postedVersion
        && p.lastUpdate?.diagram.map.messages[0] === first && !p.lastRenderError);
      let panel = await waitForPanel('the first 10 segments', shows(0), 30_000);
      assert.match(panel.lastUpdate!.diagram.source, /The diagram stops here, before line 11/);
      editor.selection = new vscode.Selection(30, 0, 30, 0);
      panel = await waitForPanel('the segments around line 31', shows(25), 30_000);
      assert.deepStrictEqual(panel.lastUpdate!.diagram.map.messages, [25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
      assert.match(panel.lastUpdate!.diagram.source, /The diagram starts here, at line 26 \(C ESTABLISHED, S ESTABLISHED\)#58; it draws segments 26 to 35 of 43\./);
      // Inside the part drawn, moving the cursor only highlights.
      const posted = panel.postedVersion;
      editor.selection = new vscode.Selection(28, 0, 28, 0);
      await waitForPanel('highlight of line 28', (ps) => ps.find((p) => p.documentUri === uri && p.lastHighlight === 28));
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual((await inspect()).find((p) => p.documentUri === uri)!.postedVersion, posted);
      // The Mermaid source copied is the part around the cursor too.
      const copied = await vscode.commands.executeCommand<string>('tcpseq.copyMermaidSource', { uri });
      assert.match(copied ?? '', /it draws segments 24 to 33 of 43\./);
    } finally {
      await config.update('maxSegments', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('follows the active tcpseq editor with a single panel', async () => {
    const editor = await open('refused.tcpseq');
    const panel = await waitForPanel('the panel to show refused.tcpseq', drawn(editor.document.uri));
    assert.ok(panel);
    assert.strictEqual((await inspect()).length, 1);
    assert.strictEqual(previewTabs().length, 1);
  });

  it('gives each document its own panel when followActiveEditor is off', async () => {
    const config = vscode.workspace.getConfiguration('tcpseq.preview');
    await config.update('followActiveEditor', false, vscode.ConfigurationTarget.Global);
    try {
      const other = await open('teardown-half-close.tcpseq');
      await vscode.commands.executeCommand('tcpseq.openPreviewToSide');
      await waitForPanel('a second panel', drawn(other.document.uri));
      const uris = (await inspect()).map((p) => p.documentUri).sort();
      assert.deepStrictEqual(uris, [workspaceFile('refused.tcpseq').toString(), other.document.uri.toString()].sort());
      // Switching editors no longer moves a panel.
      await open('handshake.tcpseq');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepStrictEqual((await inspect()).map((p) => p.documentUri).sort(), uris);
    } finally {
      await config.update('followActiveEditor', undefined, vscode.ConfigurationTarget.Global);
    }
    await closeAllPreviews();
    assert.strictEqual((await inspect()).length, 0, 'closed panels are forgotten');
  });

  it('draws the tcpseq block at the cursor of Markdown notes, opened from the lens above it, and moves with the cursor', async () => {
    await closeAllPreviews();
    const editor = await open('notes.md');
    const uri = editor.document.uri;
    // notes.md: block 1's fence is line 5 (0-based 4), block 2's line 13 (0-based 12).
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const previews = lenses.filter((l) => l.command?.command === 'tcpseq.openPreviewToSide');
    assert.deepStrictEqual(previews.map((l) => [l.range.start.line, l.command!.title, l.command!.arguments?.[1]]),
      [[4, 'Preview diagram', 5], [12, 'Preview diagram', 13]]);
    const showing = (firstLine: number) => (ps: PanelState[]) => {
      const p = drawn(uri)(ps);
      return p && p.lastUpdate!.diagram.map.messages[0] === firstLine && p;
    };
    // The second lens: the classmate's block, with its mistake marked at its Markdown line.
    await vscode.commands.executeCommand(previews[1].command!.command, ...previews[1].command!.arguments!);
    const second = await waitForPanel('block 2 to be drawn', showing(13), 30_000);
    assert.deepStrictEqual(second.lastUpdate!.diagram.map.messages, [13, 14, 15]);
    assert.match(second.lastUpdate!.diagram.source, /✗ line 16#58; ack should be y\+1/);
    assert.strictEqual(second.lastRenderError, undefined);
    assert.strictEqual(previewTabs().length, 1);
    // The cursor in the first block: the same panel draws that one.
    editor.selection = new vscode.Selection(6, 0, 6, 0);
    const first = await waitForPanel('block 1 to be drawn', showing(5));
    assert.doesNotMatch(first.lastUpdate!.diagram.source, /✗/);
    // Prose after a block keeps it; the export is of the block drawn, and is named after it.
    editor.selection = new vscode.Selection(9, 0, 9, 0);
    const { defaultTarget } = require(path.join(__dirname, '..', '..', '..', 'src', 'extension', 'export.js')) as typeof import('../../../src/extension/export');
    assert.match(defaultTarget(editor.document, 'svg')?.path ?? '', /\/notes-1\.svg$/);
    editor.selection = new vscode.Selection(16, 0, 16, 0);
    assert.match(defaultTarget(editor.document, 'png')?.path ?? '', /\/notes-2\.png$/);
    editor.selection = new vscode.Selection(9, 0, 9, 0);
    const target = workspaceFile('out/notes-block-1.svg');
    await vscode.commands.executeCommand('tcpseq.exportSvg', { uri, target });
    const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.strictEqual(svg.match(/class="messageLine[01]"/g)?.length, 3, 'three arrows');
    assert.doesNotMatch(svg, /✗/);
  });
});

describe('export', function () {
  this.timeout(60_000);
  const source = () => workspaceFile('handshake.tcpseq');

  after(async () => {
    await closeAllPreviews();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('writes a standalone SVG file', async () => {
    await open('handshake.tcpseq');
    const target = workspaceFile('out/handshake.svg');
    const written = await vscode.commands.executeCommand<vscode.Uri>('tcpseq.exportSvg', { uri: source(), target });
    assert.strictEqual(written?.toString(), target.toString());
    const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /viewBox="/);
    assert.ok(svg.includes('>Client<'), 'the SVG shows the participants\' names');
    assert.doesNotMatch(svg, /<foreignObject/i);
  });

  it('writes a PNG at twice the diagram size, opening the preview if needed', async () => {
    await closeAllPreviews();
    const target = workspaceFile('out/handshake.png');
    const svgTarget = workspaceFile('out/handshake-2.svg');
    await vscode.commands.executeCommand('tcpseq.exportPng', { uri: source(), target });
    const png = await vscode.workspace.fs.readFile(target);
    assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    const width = view.getUint32(16);
    await vscode.commands.executeCommand('tcpseq.exportSvg', { uri: source(), target: svgTarget });
    const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(svgTarget));
    const viewBox = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"/.exec(svg);
    assert.ok(viewBox, 'the SVG has a viewBox');
    assert.ok(Math.abs(width - 2 * Number(viewBox[1])) <= 2, `PNG width ${width} is twice the SVG width ${viewBox[1]}`);
  });

  it('reports a clear error instead of writing when the target cannot be written', async () => {
    const target = vscode.Uri.file('/proc/tcpseq-cannot-write-here.svg');
    const written = await vscode.commands.executeCommand('tcpseq.exportSvg', { uri: source(), target });
    assert.strictEqual(written, undefined);
  });

  it('copies the Mermaid source to the clipboard', async () => {
    await open('handshake.tcpseq');
    const copied = await vscode.commands.executeCommand<string>('tcpseq.copyMermaidSource');
    assert.match(copied ?? '', /^sequenceDiagram\n/);
    assert.strictEqual(await vscode.env.clipboard.readText(), copied);
  });

  it('draws as many segments as tcpseq.preview.maxSegments says, in the preview and in Markdown', async () => {
    const lines = ['C->S SYN seq=0', 'S->C SYN ACK seq=0 ack=1', 'C->S ACK seq=1 ack=1'];
    for (let k = 0; k < 20; k++) lines.push(`C->S ACK seq=${1 + 10 * k} ack=1 len=10`, `S->C ACK seq=1 ack=${11 + 10 * k}`);
    const text = lines.join('\n') + '\n'; // 43 segments
    const arrows = (source: string) => source.split('\n').filter((l) => /^\s*\w+(->>|-x|--\))\w+:/.test(l)).length;
    const document = await vscode.workspace.openTextDocument({ language: 'tcpseq', content: text });
    await vscode.window.showTextDocument(document);
    const config = vscode.workspace.getConfiguration('tcpseq.preview');
    await config.update('maxSegments', 10, vscode.ConfigurationTarget.Global);
    try {
      const copied = (await vscode.commands.executeCommand<string>('tcpseq.copyMermaidSource', { uri: document.uri.toString() })) ?? '';
      assert.strictEqual(arrows(copied), 10);
      assert.match(copied, /it draws 10 of 43 segments\. The setting tcpseq\.preview\.maxSegments draws more\./);
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', '```tcpseq\n' + text + '```\n');
      const source = html.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
      assert.strictEqual(arrows(source), 10, 'the Markdown preview follows the same setting');
      await config.update('maxSegments', 0, vscode.ConfigurationTarget.Global);
      const all = (await vscode.commands.executeCommand<string>('tcpseq.copyMermaidSource', { uri: document.uri.toString() })) ?? '';
      assert.strictEqual(arrows(all), 43);
    } finally {
      await config.update('maxSegments', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

describe('Markdown preview', () => {
  it('draws tcpseq fences through the extension\'s markdown-it plugin', async () => {
    const html = await vscode.commands.executeCommand<string>('markdown.api.render',
      '# Notes\n\n```tcpseq\nC->S SYN seq=x\nS->C SYN ACK seq=y ack=x+1\n```\n\n```text\nC->S SYN\n```\n');
    assert.match(html, /<div class="tcpseq-diagram[^"]*"/);
    assert.match(html, /<pre class="tcpseq-mermaid-source">sequenceDiagram\n/);
    // Other fences stay code.
    assert.match(html, /<code[^>]*>C-&gt;S SYN\n<\/code>/);
  });
});
