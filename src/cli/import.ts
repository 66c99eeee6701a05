// `tcpseq import CAPTURE [-o OUT] [--list] [--connection N|ADDR:PORT] [--relative] [--limit N]
//  [--wait-threshold MS] [--no-win] [--check]`: a pcap or pcapng capture -> a tcpseq document (and
// with --check, its check, as `tcpseq check` prints it).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCapture, splitConnections, describeConnection, selectConnection, convertConnection } from '../capture';
import { gunzipCapture } from '../capture/gunzip';
import { checkText, diagnosticLine } from './check';
import { cliLocalizer, languageFromEnv } from './l10n';
import { fileProblem } from './files';

const USAGE = `usage: tcpseq import CAPTURE [-o OUT] [--list] [--connection N|ADDR:PORT]
                     [--relative] [--limit N] [--wait-threshold MS] [--no-win] [--check]
  CAPTURE           a pcap or pcapng file, or either gzip-compressed; - reads standard input
  -o OUT            the document to write (default: standard output)
  --list            list the connections, with their packet counts and how each ends, instead
  --connection      the connection to import: its number in --list, or an endpoint (default: 1)
  --relative        write seq and ack as x+N and y+N from each side's initial sequence number
  --limit           write at most N packets, and say what was cut
  --wait-threshold  gaps of at least MS milliseconds become wait lines (default 1000)
  --no-win          leave out each segment's advertised window (win=)
  --check           also check the document, as tcpseq check does (exit status 1 if it has an error)`;

export async function runImport(args: readonly string[]): Promise<number> {
  let file: string | undefined;
  let out: string | undefined;
  let list = false;
  let connection: string | undefined;
  let relative = false;
  let limit: number | undefined;
  let waitThresholdMs: number | undefined;
  let window = true;
  let check = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      return a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i];
    };
    const name = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '-o': case '--output': out = value(); if (!out) return usage(`${name} needs a file name`); break;
      case '--list': list = true; break;
      case '--connection': connection = value(); if (!connection) return usage('--connection needs N or ADDR:PORT'); break;
      case '--relative': relative = true; break;
      case '--no-win': window = false; break;
      case '--check': check = true; break;
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); return 0;
      case '--limit': {
        const n = nonNegative(value());
        if (n === undefined) return usage('--limit needs a whole number of packets');
        limit = n;
        break;
      }
      case '--wait-threshold': {
        const n = nonNegative(value());
        if (n === undefined) return usage('--wait-threshold needs a whole number of milliseconds');
        waitThresholdMs = n;
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') return usage(`unknown option '${a}'`);
        if (file !== undefined) return usage('one capture at a time');
        file = a;
    }
  }
  if (file === undefined) return usage('no capture file');

  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    process.stderr.write(`tcpseq import: cannot read ${file}: ${fileProblem(err)}\n`);
    return 2;
  }
  // A compressed capture (capture.pcap.gz) is read as Wireshark reads it.
  const decompressed = gunzipCapture(bytes);
  if (decompressed.error) {
    process.stderr.write(`tcpseq import: ${file}: ${decompressed.error}\n`);
    return 2;
  }
  if (decompressed.note) process.stderr.write(`tcpseq import: ${file}: warning: ${decompressed.note}\n`);
  const capture = readCapture(decompressed.bytes);
  for (const w of capture.warnings) process.stderr.write(`tcpseq import: ${file}: warning: ${w}\n`);
  if (capture.error) {
    if (capture.packetCount === 0) {
      process.stderr.write(`tcpseq import: ${file}: ${capture.error}\n`);
      return 2;
    }
    // What came before the damage is still worth having.
    process.stderr.write(`tcpseq import: ${file}: warning: ${capture.error}; using the ${capture.packetCount} TCP segments before it\n`);
  }
  const connections = splitConnections(capture);
  if (list) {
    if (connections.length === 0) process.stderr.write(`tcpseq import: ${file}: no TCP segment in ${capture.frameCount} frames\n`);
    for (const c of connections) process.stdout.write(describeConnection(c) + '\n');
    return 0;
  }
  const selected = selectConnection(connections, connection);
  if (typeof selected === 'string') {
    process.stderr.write(`tcpseq import: ${file}: ${selected}\n`);
    return 2;
  }
  if (connection === undefined && connections.length > 1) {
    process.stderr.write(`tcpseq import: ${file}: ${connections.length} connections; importing the first (see --list and --connection)\n`);
  }
  const result = convertConnection(selected, {
    relative, limit, waitThresholdMs, window, source: file === '-' ? undefined : basename(file), parse: check,
  });
  for (const w of result.warnings) process.stderr.write(`tcpseq import: warning: ${w}\n`);
  if (out) {
    try {
      writeFileSync(out, result.text);
    } catch (err) {
      process.stderr.write(`tcpseq import: cannot write ${out}: ${fileProblem(err)}\n`);
      return 2;
    }
  } else {
    process.stdout.write(result.text);
  }
  if (!check) return 0;
  // The check takes the parse made while the document was written. Its lines are the written
  // document's: on standard error when the document itself went to standard output.
  const diagnostics = checkText(out ?? '-', result.text, cliLocalizer(languageFromEnv()), result.parsed);
  const to = out ? process.stdout : process.stderr;
  for (const d of diagnostics) to.write(diagnosticLine(d));
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

function nonNegative(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function usage(message: string): number {
  process.stderr.write(`tcpseq import: ${message}\n${USAGE}\n`);
  return 2;
}
