// A capture file opened from the Explorer, as a person would: a double click shows the capture's
// page (its connections, with packet counts and how each ends) instead of VS Code's binary-file notice; "Open as
// tcpseq" on the second connection opens it as a tcpseq document with its diagram. A file that is
// not a capture says why on the same page; a capture made again in place is read again.
// Screenshot: test-results/capture-page.png.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../codeServer';
import type { UiContext } from '../run';
import { frameWith } from '../workbench';

const CAPTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'captures');

async function openFromExplorer(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.dblclick();
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor();
}

/** Before the workbench opens, so that the Explorer lists them. */
export function prepare(workspace: string): void {
  // Two real captures in one file (IPv4, then IPv6): two connections.
  const a = fs.readFileSync(path.join(CAPTURES, 'normal.pcap'));
  const b = fs.readFileSync(path.join(CAPTURES, 'normal-ipv6.pcap'));
  fs.writeFileSync(path.join(workspace, 'two-connections.pcap'), Buffer.concat([a, b.subarray(24)]));
  fs.writeFileSync(path.join(workspace, 'not-a-capture.pcap'), 'GET / HTTP/1.1\r\n\r\n');
  fs.writeFileSync(path.join(workspace, 'many-connections.pcap'), synScan(a, 501));
  fs.writeFileSync(path.join(workspace, 'made-again.pcap'), a);
}

/**
 * `count` connection attempts: the first packet of `pcap` (a SYN over Ethernet and IPv4) again and
 * again, each from the next source port.
 */
function synScan(pcap: Buffer, count: number): Buffer {
  const header = pcap.subarray(0, 24);
  const length = pcap.readUInt32LE(24 + 8);
  const record = pcap.subarray(24, 24 + 16 + length);
  const records = Array.from({ length: count }, (_, i) => {
    const r = Buffer.from(record);
    r.writeUInt16BE(20000 + i, 16 + 14 + 20); // the TCP source port
    return r;
  });
  return Buffer.concat([header, ...records]);
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  // A file opened before the extension's contributions are known opens in VS Code's own editor:
  // wait until they are, as the language of a tcpseq file in the status bar shows.
  await openFromExplorer(page, 'handshake.tcpseq');
  await page.locator('.statusbar-item', { hasText: /^tcpseq$/ }).first().waitFor();
  await ctx.runCommand('View: Close All Editors');
  await openFromExplorer(page, 'two-connections.pcap');
  const frame = await frameWith(page, 'table button[data-index="1"]').catch(async (err: unknown) => {
    await page.screenshot({ path: path.join(ctx.resultsDir, 'capture-page-missing.png') });
    throw err;
  });
  // Each row's cells, ' | ' between them. (A string: this runs in the page, whose DOM types this
  // Node project does not load.)
  const rows = await frame.evaluate(`Array.from(document.querySelectorAll('tbody tr'),
    (tr) => Array.from(tr.children, (td) => td.textContent.trim()).join(' | '))`) as string[];
  if (rows.length !== 2) throw new Error(`the page lists ${rows.length} connections, expected 2: ${JSON.stringify(rows)}`);
  if (!/^1 \| 127\.0\.0\.1:\d+ \| 127\.0\.0\.1:8080 \| 10 \| \+0\.000 s \| closed \| Open as tcpseq$/.test(rows[0])
    || !/^2 \| \[::1\]:\d+ \| \[::1\]:8080 \| 10 \| \+\d+\.\d{3} s \| closed \| Open as tcpseq$/.test(rows[1])) {
    throw new Error(`the rows do not show the two connections with their packet counts: ${JSON.stringify(rows)}`);
  }
  const summary = (await frame.textContent('body p')) ?? '';
  if (!/20 TCP segments, 2 connections/.test(summary)) throw new Error(`the summary says: ${summary}`);
  await page.screenshot({ path: path.join(ctx.resultsDir, 'capture-page.png') });
  ctx.log(`the capture page lists ${rows.length} connections`);

  // Open the second one: an untitled tcpseq document of the IPv6 connection, and its diagram.
  await frame.click('button[data-index="1"]');
  const editor = page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'participant S as [::1]:8080' });
  await editor.first().waitFor({ timeout: 30_000 });
  await frameWith(page, '#tcpseq-diagram svg [data-tcpseq-line]');
  ctx.log('"Open as tcpseq" opened the IPv6 connection as a document, with its diagram');

  // A file with a capture's name that is no capture: the page says why. (The untitled document
  // stays open: closing it would ask whether to save it.)
  await openFromExplorer(page, 'not-a-capture.pcap');
  const error = await frameWith(page, 'p.error');
  const message = (await error.textContent('p.error')) ?? '';
  if (!/Cannot import not-a-capture\.pcap: .*not a pcap or pcapng file/.test(message)) throw new Error(`the page says: ${message}`);
  ctx.log(`a file that is not a capture: "${message}"`);

  // 501 connections: the page lists 500, and offers the whole list in a QuickPick.
  await openFromExplorer(page, 'many-connections.pcap');
  const many = await frameWith(page, 'button[data-choose]');
  const listed = await many.$$('tbody tr');
  if (listed.length !== 500) throw new Error(`the page lists ${listed.length} connections, expected 500`);
  const more = (await many.textContent('p:has(button[data-choose])')) ?? '';
  if (!/One more connection is not listed here/.test(more)) throw new Error(`the page says: ${more}`);
  await many.click('button[data-choose]');
  await page.locator('.quick-input-widget', { hasText: 'many-connections.pcap: 501 connections' }).waitFor();
  await page.keyboard.press('Escape');
  ctx.log('501 connections: 500 listed, all of them in the QuickPick');

  // The page follows its file: a capture made again in its place is read again.
  // (Other capture pages may still be loaded: only the page titled made-again.pcap counts.)
  await openFromExplorer(page, 'made-again.pcap');
  await rowsOfPage(page, 'made-again.pcap', 1);
  const a = fs.readFileSync(path.join(CAPTURES, 'normal.pcap'));
  const b = fs.readFileSync(path.join(CAPTURES, 'normal-ipv6.pcap'));
  fs.writeFileSync(path.join(ctx.workspace, 'made-again.pcap'), Buffer.concat([a, b.subarray(24)]));
  await rowsOfPage(page, 'made-again.pcap', 2);
  ctx.log('made-again.pcap written anew: the page lists its 2 connections');
}

/** Waits until the capture page titled `name` lists `rows` connections. */
async function rowsOfPage(page: Page, name: string, rows: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const counted = await frame.evaluate(`document.querySelector('h1')?.textContent === ${JSON.stringify(name)}
        ? document.querySelectorAll('tbody tr').length : -1`).catch(() => -1);
      if (counted === rows) return;
    }
    if (Date.now() > deadline) throw new Error(`the page of ${name} does not list ${rows} connections`);
    await page.waitForTimeout(200);
  }
}
