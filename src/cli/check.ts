// `tcpseq check FILE|FOLDER... [--fix] [--format text|json|github] [--lang en|zh-cn]`: one line (or JSON
// element, or GitHub Actions annotation) per diagnostic. Messages are in the language of --lang,
// else of the environment (LANG).
import { writeFileSync } from 'node:fs';
import { analyze, analyzeMarkdown } from '../core';
import { applyFixes, nonOverlappingFixes } from '../core/fixes';
import type { Diagnostic, ParsedDocument } from '../core';
import { ENGLISH } from '../core/messages';
import type { Localizer } from '../core/messages';
import { cliLocalizer, languageFromEnv, LANGUAGES, normalizeLanguage } from './l10n';
import { checkableFilesUnder, fileProblem, isDirectory, readDocument } from './files';

export interface FileDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Diagnostic['severity'];
  readonly code: string;
  readonly message: string;
  readonly fix?: { line: number; column: number; endLine: number; endColumn: number; newText: string; title: string };
}

/** Markdown files are checked block by block; anything else is a tcpseq document. */
export function isMarkdownFile(file: string): boolean {
  return /\.(md|markdown|mdown|mkd)$/i.test(file);
}

/**
 * Checks one file's text; positions count from 1 as the command line prints them. `parsed`: the
 * parse of a tcpseq text made by what wrote it (tcpseq import), so that it is not read again.
 */
export function checkText(file: string, text: string, l10n: Localizer = ENGLISH, parsed?: ParsedDocument): FileDiagnostic[] {
  return diagnosticsOf(file, text, parsed).map((d) => ({
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: l10n.message(d.messageData),
    ...(d.fix && {
      fix: {
        line: d.fix.range.start.line + 1,
        column: d.fix.range.start.character + 1,
        endLine: d.fix.range.end.line + 1,
        endColumn: d.fix.range.end.character + 1,
        newText: d.fix.newText,
        title: d.fix.titleMessage ? l10n.message(d.fix.titleMessage) : d.fix.title,
      },
    }),
  }));
}

/** The core's diagnostics of one file, at the file's positions (a Markdown file's blocks in place). */
function diagnosticsOf(file: string, text: string, parsed?: ParsedDocument): readonly Diagnostic[] {
  return isMarkdownFile(file) && !parsed
    ? analyzeMarkdown(text).flatMap((b) => b.diagnostics)
    : analyze(text, { parsed }).diagnostics;
}

/** How many passes --fix makes at most: a fix can make a later line's expected value known. */
const FIX_PASSES = 10;

/**
 * `text` with every fix the check offers applied, as "Fix all tcpseq problems" does in the editor,
 * checked again after each pass until nothing is left to fix. Returns the text and the number of
 * fixes applied.
 */
export function fixText(file: string, text: string): { text: string; fixed: number } {
  let fixed = 0;
  for (let pass = 0; pass < FIX_PASSES; pass++) {
    const fixes = nonOverlappingFixes(diagnosticsOf(file, text));
    const next = applyFixes(text, fixes);
    if (fixes.length === 0 || next === text) break;
    text = next;
    fixed += fixes.length;
  }
  return { text, fixed };
}

export async function runCheck(args: readonly string[]): Promise<number> {
  let format = 'text';
  let lang: string | undefined;
  let fix = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '--lang') lang = args[++i] ?? '';
    else if (a.startsWith('--lang=')) lang = a.slice('--lang='.length);
    else if (a === '--fix') fix = true;
    else if (a === '--') files.push(...args.slice(i + 1)), (i = args.length);
    else if (a === '-h' || a === '--help') return help();
    else if (a.startsWith('-') && a !== '-') return usage(`unknown option '${a}'`);
    else files.push(a);
  }
  if (format !== 'text' && format !== 'json' && format !== 'github') return usage(`--format must be text, json or github, not '${format}'`);
  if (files.length === 0) return usage('no file to check');
  if (fix && files.includes('-')) return usage('--fix changes files in place: it cannot fix standard input');
  const language = lang === undefined ? languageFromEnv() : normalizeLanguage(lang);
  if (language === undefined) return usage(`--lang must be one of ${LANGUAGES.join(', ')}, not '${lang}'`);
  const l10n = cliLocalizer(language);

  const all: FileDiagnostic[] = [];
  let unreadable = false;
  for (const file of expandFolders(files)) {
    if (file.problem !== undefined) {
      process.stderr.write(`tcpseq check: ${file.problem}\n`);
      unreadable = true;
      continue;
    }
    let read: ReturnType<typeof readDocument>;
    try {
      read = readDocument(file.name, 'tcpseq check');
    } catch (err) {
      process.stderr.write(`tcpseq check: cannot read ${file.name}: ${fileProblem(err)}\n`);
      unreadable = true;
      continue;
    }
    if ('problem' in read) {
      process.stderr.write(`tcpseq check: ${read.problem}\n`);
      unreadable = true;
      continue;
    }
    let text = read.text;
    if (fix) {
      const fixed = fixText(file.name, text);
      if (fixed.fixed > 0 && !read.utf8) {
        process.stderr.write(`tcpseq check: ${file.name} is not UTF-8: --fix leaves it as it is\n`);
      } else if (fixed.fixed > 0) {
        try {
          writeFileSync(file.name, fixed.text);
        } catch (err) {
          process.stderr.write(`tcpseq check: cannot write ${file.name}: ${fileProblem(err)}\n`);
          unreadable = true;
          continue;
        }
        text = fixed.text;
        process.stderr.write(`tcpseq check: ${file.name}: ${fixed.fixed} problem${fixed.fixed === 1 ? '' : 's'} fixed\n`);
      }
    }
    for (const d of checkText(file.name, text, l10n)) all.push(d); // no spread: a file may have 100,000 diagnostics
  }

  if (format === 'json') {
    process.stdout.write(JSON.stringify(all, null, 2) + '\n');
  } else {
    const line = format === 'github' ? annotationLine : diagnosticLine;
    for (const d of all) process.stdout.write(line(d));
  }
  if (unreadable) return 2;
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}

/**
 * The files named, a folder standing for the tcpseq documents and Markdown files under it. A folder
 * with none of them is a problem to report, as a file that cannot be read is: in CI it means the
 * check looks in the wrong place.
 */
function expandFolders(names: readonly string[]): { name: string; problem?: string }[] {
  const files: { name: string; problem?: string }[] = [];
  for (const name of names) {
    if (name === '-' || !isDirectory(name)) {
      files.push({ name });
      continue;
    }
    let under: string[];
    try {
      under = checkableFilesUnder(name);
    } catch (err) {
      files.push({ name, problem: `cannot read the folder ${name}: ${fileProblem(err)}` });
      continue;
    }
    if (under.length === 0) files.push({ name, problem: `no .tcpseq or Markdown file in the folder ${name}` });
    for (const file of under) files.push({ name: file });
  }
  return files;
}

/**
 * A diagnostic as a GitHub Actions workflow command, which the run shows as an annotation on the
 * file's line (information as a notice). Values escape `%`, CR and LF; properties also `:` and `,`.
 */
export function annotationLine(d: FileDiagnostic): string {
  const command = d.severity === 'information' ? 'notice' : d.severity;
  const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const where = `file=${property(d.file)},line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn}`;
  return `::${command} ${where},title=${property(`tcpseq ${d.code}`)}::${data(d.message)}\n`;
}

/** A diagnostic as `tcpseq check` prints it: `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`. */
export function diagnosticLine(d: FileDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]\n`;
}

const USAGE = `usage: tcpseq check FILE|FOLDER... [--fix] [--format text|json|github] [--lang en|zh-cn]
  FILE       a .tcpseq document or a Markdown file (its tcpseq blocks); - reads standard input
  FOLDER     the .tcpseq and Markdown files under it (not in .git, node_modules or other dot folders)
  --format   text: FILE:LINE:COL: SEVERITY: MESSAGE [CODE] per line (default); json: an array;
             github: GitHub Actions annotations (::error file=...,line=...::MESSAGE)
  --fix      apply every fix the check offers (as Fix all in the editor), changing the files in
             place, then print what is left
  --lang     the language of the messages (default: from LANG)
Exit status: 0 no error, 1 errors found, 2 usage error or unreadable file.`;

function usage(problem: string): number {
  process.stderr.write(`tcpseq check: ${problem}\n${USAGE}\n`);
  return 2;
}

function help(): number {
  process.stdout.write(USAGE + '\n');
  return 0;
}
