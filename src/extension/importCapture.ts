// `tcpseq: Import Capture...`: a pcap/pcapng file -> an untitled tcpseq document (and its preview).
import * as vscode from 'vscode';
import { connectionOutcome, convertConnection, describeConnection, readCapture, splitConnections } from '../capture';
import type { CaptureConnection, ConnectionOutcome, ConvertOptions } from '../capture';
import { gunzipCapture } from '../capture/gunzip';
import { offerParse } from './analysisCache';

const COMMAND = 'tcpseq.importCapture';

export function registerCaptureImport(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(COMMAND, (uri?: vscode.Uri) => importCapture(uri)));
}

/** A capture file read and split into connections, ready to import one of them. */
export interface CaptureRead {
  readonly name: string;
  readonly capture: ReturnType<typeof readCapture>;
  readonly connections: readonly CaptureConnection[];
  /** What the reader noticed (a cut gzip stream, skipped frames, damage after some packets). */
  readonly notes: readonly string[];
}

/** Imports `uri` (or a file chosen in a dialog); returns the new document, if one was opened. */
export async function importCapture(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  if (!(uri instanceof vscode.Uri)) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Import'),
      title: vscode.l10n.t('Import a packet capture'),
      filters: { [vscode.l10n.t('Packet captures')]: ['pcap', 'pcapng', 'cap', 'gz'], [vscode.l10n.t('All files')]: ['*'] },
    });
    if (!picked || picked.length === 0) return undefined;
    uri = picked[0];
  }
  const read = await readCaptureFile(uri);
  if (typeof read === 'string') {
    void vscode.window.showErrorMessage(read);
    return undefined;
  }
  const { connections } = read;
  const connection = connections.length === 1 ? connections[0] : await pickConnection(connections, read.name);
  if (!connection) return undefined;
  return openConnection(uri, read, connection);
}

/**
 * Reads a capture file (gzip-compressed too) under a progress notification, and splits it into
 * connections; a string says why nothing can be imported from it.
 */
export async function readCaptureFile(file: vscode.Uri): Promise<CaptureRead | string> {
  const name = file.path.split('/').pop() ?? file.toString();
  const size = await vscode.workspace.fs.stat(file).then((s) => s.size, () => 0);
  const read = await working(vscode.l10n.t('tcpseq: reading {name}…', { name }), async () => {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch (err) {
      return vscode.l10n.t('Cannot read {name}: {reason}', { name, reason: err instanceof Error ? err.message : String(err) });
    }
    // A compressed capture (capture.pcap.gz) is read as Wireshark reads it.
    const decompressed = gunzipCapture(bytes);
    if (decompressed.error) return vscode.l10n.t('Cannot import {name}: {reason}', { name, reason: decompressed.error });
    const result = readCapture(decompressed.bytes);
    return { capture: result, connections: splitConnections(result), note: decompressed.note };
  }, size * (/\.gz$/i.test(name) ? GZIP_RATIO : 1) > LONG_READ_OCTETS);
  if (typeof read === 'string') return read;
  const { capture, connections } = read;
  if (capture.error && capture.packetCount === 0) return vscode.l10n.t('Cannot import {name}: {reason}', { name, reason: capture.error });
  const notes = [...(read.note ? [read.note] : []), ...capture.warnings];
  if (capture.error) notes.push(vscode.l10n.t('{reason}; the segments before it are imported', { reason: capture.error }));
  if (connections.length === 0) return vscode.l10n.t('{name} holds no TCP segment ({count} frames read).', { name, count: capture.frameCount });
  return { name, capture, connections, notes };
}

/**
 * Converts one connection of a read capture with the `tcpseq.import` settings, and opens it as
 * an untitled tcpseq document with its diagram beside it; warnings go to one message.
 */
export async function openConnection(file: vscode.Uri, read: CaptureRead, connection: CaptureConnection): Promise<vscode.TextDocument> {
  const { name } = read;
  const notes = [...read.notes];
  const options = importOptions(file);
  const result = await working(vscode.l10n.t('tcpseq: converting {name}…', { name }), () => convertConnection(connection, { source: name, parse: true, ...options }),
    connection.packetCount > LONG_CONVERT_PACKETS);
  if (options.limit !== undefined && connection.packetCount > options.limit) {
    notes.push(vscode.l10n.t('only the first {limit} of {count} packets are imported (setting tcpseq.import.limit)', { limit: options.limit, count: connection.packetCount }));
  }
  notes.push(...result.warnings);
  // The document's first check takes the parse made while it was written.
  if (result.parsed) offerParse(result.text, result.parsed);
  const target = await documentName(file, connection, read.connections.length);
  const document = target ? await untitledWithText(target, result.text) : await vscode.workspace.openTextDocument({ language: 'tcpseq', content: result.text });
  await vscode.window.showTextDocument(document, { preview: false });
  if ((await vscode.commands.getCommands(true)).includes('tcpseq.openPreviewToSide')) {
    await vscode.commands.executeCommand('tcpseq.openPreviewToSide', document.uri);
  }
  if (notes.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('Imported {name} with warnings: {warnings}', { name, warnings: notes.join('; ') }));
  return document;
}

/**
 * The name the imported document is saved under: beside the capture and named after it
 * (`bulk.pcap` -> `bulk.tcpseq`; connection 2 of several -> `bulk-connection-2.tcpseq`), with
 * `-2`, `-3`... added where a file or an open document has the name already, so that saving it
 * never overwrites a file. Undefined for a capture that is not a local file.
 */
export async function documentName(capture: vscode.Uri, connection: CaptureConnection, connections: number): Promise<vscode.Uri | undefined> {
  if (capture.scheme !== 'file') return undefined;
  const folder = vscode.Uri.joinPath(capture, '..');
  const base = (capture.path.split('/').pop() ?? 'capture').replace(/\.gz$/i, '').replace(/\.(pcapng|pcap|cap)$/i, '');
  const stem = connections > 1 ? `${base}-connection-${connection.index}` : base;
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.path));
  for (let n = 1; n <= 1000; n++) {
    const candidate = vscode.Uri.joinPath(folder, `${stem}${n > 1 ? `-${n}` : ''}.tcpseq`);
    if (open.has(candidate.path) || await exists(candidate)) continue;
    return candidate;
  }
  return undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** An untitled document that saves to `file` (no dialog), holding `text`; nothing is written yet. */
async function untitledWithText(file: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const uri = file.with({ scheme: 'untitled' });
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  return document;
}

/** The settings of the `tcpseq.import` section, as conversion options (the command line's flags). */
function importOptions(capture: vscode.Uri): ConvertOptions {
  const config = vscode.workspace.getConfiguration('tcpseq.import', capture);
  return {
    relative: config.get<boolean>('relativeNumbers', false),
    waitThresholdMs: Math.max(0, config.get<number>('waitThreshold', 1000)),
    window: config.get<boolean>('window', true),
    // 0: every packet.
    limit: Math.max(0, config.get<number>('limit', 200_000)) || undefined,
  };
}

/** From how many octets of capture (about 50,000 packets) reading it is long work. */
const LONG_READ_OCTETS = 5_000_000;
/** How much larger a gzip-compressed capture is once decompressed, about. */
const GZIP_RATIO = 4;
/** From how many packets converting a connection is long work (half a second or more). */
const LONG_CONVERT_PACKETS = 50_000;

/**
 * Runs `work` under a progress indicator saying what it does: a notification where the work is
 * `long` (a capture of a long transfer takes a moment to read and convert), the status bar
 * otherwise. Most of the work is synchronous, so it starts after one turn of the event loop, once
 * the indicator can show.
 */
function working<T>(title: string, work: () => T | Thenable<T>, long: boolean): Thenable<T> {
  // A small capture takes a blink: the status bar says so, not a notification that flashes.
  const location = long ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  return vscode.window.withProgress({ location, title }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return work();
  });
}

/** How a connection ends in the capture, in the display language (OUTCOME_TEXT in English). */
export function outcomeText(outcome: ConnectionOutcome): string {
  switch (outcome) {
    case 'unanswered': return vscode.l10n.t('no answer');
    case 'refused': return vscode.l10n.t('refused');
    case 'reset': return vscode.l10n.t('reset');
    case 'closed': return vscode.l10n.t('closed');
    case 'closing': return vscode.l10n.t('closing');
    case 'open': return vscode.l10n.t('open at the end');
  }
}

async function pickConnection(connections: readonly CaptureConnection[], name: string): Promise<CaptureConnection | undefined> {
  const items = connections.map((c) => ({
    label: `${c.client.text} → ${c.server.text}`,
    description: `${c.packetCount === 1 ? vscode.l10n.t('1 packet') : vscode.l10n.t('{count} packets', { count: c.packetCount })} · ${outcomeText(connectionOutcome(c))}`,
    detail: c.handshake ? undefined : vscode.l10n.t('no handshake captured'),
    connection: c,
    // The full line, for screen readers and tests.
    ariaLabel: describeConnection(c),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('{name}: {count} connections', { name, count: connections.length }),
    placeHolder: vscode.l10n.t('Choose the connection to import'),
    matchOnDescription: true,
  });
  return picked?.connection;
}
