// Files named on the command line: what a directory stands for, and why a file could not be read,
// said in words rather than as an errno code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files `tcpseq check` reads: tcpseq documents and Markdown notes. */
export function isCheckable(name: string): boolean {
  return /\.(tcpseq|md|markdown|mdown|mkd)$/i.test(name);
}

/**
 * The tcpseq documents and Markdown files under `dir`, in name order, as linters walk a folder:
 * folders whose name starts with a dot (.git) and node_modules are passed over, and symbolic links
 * to folders are not followed (a link can lead back to where it started).
 */
export function checkableFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path);
      } else if (isCheckable(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && isFile(path)))) {
        found.push(path);
      }
    }
  };
  walk(dir);
  return found;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
};

/** Why a read or write failed, for `tcpseq COMMAND: cannot read FILE: WHY`: in words, with the code. */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

/** The first octets of the files people pass by mistake for a tcpseq document or a Markdown note. */
const CAPTURE_MAGICS: readonly (readonly number[])[] = [
  [0xa1, 0xb2, 0xc3, 0xd4], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x4d, 0x3c, 0xb2, 0xa1], // pcap
  [0x0a, 0x0d, 0x0d, 0x0a], // pcapng
];

/**
 * A document's text, or why the file is not one: a capture (which `tcpseq import` reads) or a
 * binary file. Git's rule: text has no NUL octet in its first 8,000. Quoting binary lines in
 * messages would only flood the terminal.
 */
export function readDocument(file: string, command: string): { text: string; utf8: boolean } | { problem: string } {
  const bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  const name = file === '-' ? 'standard input' : file;
  if (CAPTURE_MAGICS.some((m) => m.every((b, i) => bytes[i] === b))) {
    return { problem: `${name} is a capture, not a tcpseq document: \`tcpseq import ${file === '-' ? 'CAPTURE' : file}\` turns it into one` };
  }
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return { problem: `${name} is not a text file (it holds NUL octets): ${command} reads tcpseq documents and Markdown files` };
  const text = bytes.toString('utf8');
  // Not UTF-8 (Latin-1, say): decoding replaced some octets, so writing the text back would change them.
  return { text, utf8: Buffer.from(text, 'utf8').equals(bytes) };
}
