// `tcpseq check`: output formats, positions from 1, exit status 0/1/2, Markdown files.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, SHARED_EXAMPLES } from './marks';

const CLI = path.join(REPO, 'dist', 'cli.js');
/** English messages whatever the caller's locale (the command line follows LANG). */
const ENV = { ...process.env, LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' };

function run(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: ENV });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('tcpseq check (command line)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-cli-'));
  const bad = path.join(tmp, 'bad.tcpseq');
  fs.writeFileSync(bad, 'C->S SYN seq=x\nS->C SYN ACK seq=y ack=x\n');
  const clean = path.join(SHARED_EXAMPLES, 'handshake.tcpseq');

  it('prints FILE:LINE:COL: SEVERITY: MESSAGE [CODE] and exits 1 on an error', () => {
    const r = run('check', bad);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, `${bad}:2:20: error: ack should be x+1: the SYN at line 1 takes one sequence number [ack-mismatch]\n`);
  });

  it('exits 0 with no output for a clean file; warnings alone do not fail', () => {
    const r = run('check', clean);
    assert.deepEqual([r.status, r.stdout], [0, '']);
    const w = run('check', path.join(SHARED_EXAMPLES, 'textbook-fin.tcpseq'));
    assert.equal(w.status, 0);
    assert.match(w.stdout, /:2:\d+: warning: .*\[missing-ack-flag\]/);
  });

  it('--format json prints one array with 1-based positions, end exclusive, and the fix', () => {
    const r = run('check', '--format', 'json', bad, clean);
    assert.equal(r.status, 1);
    const d = JSON.parse(r.stdout);
    assert.equal(d.length, 1);
    assert.deepEqual(
      { ...d[0], message: undefined },
      {
        file: bad, line: 2, column: 20, endLine: 2, endColumn: 25, severity: 'error', code: 'ack-mismatch', message: undefined,
        fix: { line: 2, column: 24, endLine: 2, endColumn: 25, newText: 'x+1', title: 'Change to x+1' },
      },
    );
    assert.equal(JSON.parse(run('check', '--format=json', clean).stdout).length, 0);
  });

  it('checks the tcpseq blocks of Markdown files at their Markdown lines', () => {
    const r = run('check', '--format', 'json', path.join(SHARED_EXAMPLES, 'notes.md'));
    assert.equal(r.status, 1);
    assert.deepEqual(JSON.parse(r.stdout).map((d: { line: number; severity: string }) => [d.line, d.severity]), [[16, 'error']]);
  });

  it('exits 2 for a usage error or an unreadable file, saying why', () => {
    let r = run('check');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no file to check/);
    r = run('check', '--format', 'xml', clean);
    assert.equal(r.status, 2);
    r = run('check', path.join(tmp, 'missing.tcpseq'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read .*missing\.tcpseq: no such file or folder \(ENOENT\)/);
    r = run('frobnicate');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command/);
  });

  it('checks the .tcpseq and Markdown files under a folder, in name order, passing over dot folders and node_modules', () => {
    const notes = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-notes-'));
    const write = (name: string, text: string): string => {
      const file = path.join(notes, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    };
    const wrong = 'C->S SYN seq=x\nS->C SYN ACK seq=y ack=x\n';
    const b = write('b/teardown.tcpseq', wrong);
    const a = write('a.md', '# Handshake\n\n```tcpseq\n' + wrong + '```\n');
    const c = write('c.markdown', '```tcpseq\n' + wrong + '```\n');
    write('b/plain.txt', wrong);
    write('.git/old.tcpseq', wrong);
    write('node_modules/x/README.md', '```tcpseq\n' + wrong + '```\n');
    const r = run('check', notes);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.replace(/: error: .*/, '')), [`${a}:5:20`, `${b}:2:20`, `${c}:3:20`]);
    // A folder and a file together; the folder's files come where the folder was named.
    const both = run('check', clean, notes);
    assert.equal(both.stdout.trim().split('\n').length, 3);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-empty-'));
    const none = run('check', empty);
    assert.equal(none.status, 2);
    assert.equal(none.stderr, `tcpseq check: no .tcpseq or Markdown file in the folder ${empty}\n`);
  });

  it('--format github prints one GitHub Actions annotation per diagnostic, escaping what the format reserves', () => {
    const odd = path.join(tmp, 'a,b:c.tcpseq');
    fs.writeFileSync(odd, 'C->S SYN seq=x\nS->C SYN ACK seq=y ack=x\nC: SYN_SEND\n');
    const r = run('check', '--format', 'github', odd, path.join(SHARED_EXAMPLES, 'keepalive.tcpseq'));
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    const file = odd.replace(/:/g, '%3A').replace(/,/g, '%2C');
    assert.equal(lines[0], `::error file=${file},line=2,col=20,endLine=2,endColumn=25,title=tcpseq ack-mismatch::ack should be x+1: the SYN at line 1 takes one sequence number`);
    assert.match(lines[1], new RegExp(`^::(error|warning) file=${file.replace(/[.]/g, '\\.')},line=3,col=4,`));
    assert.match(lines[lines.length - 1], /^::notice file=.*keepalive\.tcpseq,line=4,.*title=tcpseq keep-alive::keep-alive probe/);
    // A message never breaks the command's line: % and line breaks are escaped.
    const { annotationLine } = require(path.join(REPO, 'out', 'src', 'cli', 'check.js')) as typeof import('../../src/cli/check');
    const line = annotationLine({ file: 'x.tcpseq', line: 1, column: 1, endLine: 1, endColumn: 2, severity: 'warning', code: 'c', message: '100% sure\nreally\r' });
    assert.equal(line, '::warning file=x.tcpseq,line=1,col=1,endLine=1,endColumn=2,title=tcpseq c::100%25 sure%0Areally%0D\n');
  });

  it('says that a capture or a binary file is not a document, instead of quoting its octets', () => {
    const capture = path.join(REPO, 'test', 'fixtures', 'captures', 'bulk.pcap');
    for (const command of ['check', 'render']) {
      const r = run(command, capture, ...(command === 'render' ? ['--to', 'mermaid'] : []));
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `tcpseq ${command}: ${capture} is a capture, not a tcpseq document: \`tcpseq import ${capture}\` turns it into one\n`);
    }
    const binary = spawnSync(process.execPath, [CLI, 'check', '-'], { input: Buffer.from([0x43, 0x2d, 0x3e, 0x53, 0, 1, 2, 0x1b, 0x5b]), encoding: 'utf8', env: ENV });
    assert.equal(binary.status, 2);
    assert.equal(binary.stdout, '');
    assert.match(binary.stderr, /^tcpseq check: standard input is not a text file \(it holds NUL octets\)/);
  });

  it('--fix applies every fix in place, says how many per file, and prints what is left', () => {
    const notes = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-fix-'));
    for (const name of ['arithmetic-mistakes.tcpseq', 'notes.md', 'handshake.tcpseq', 'illegal-transitions.tcpseq']) {
      fs.copyFileSync(path.join(SHARED_EXAMPLES, name), path.join(notes, name));
    }
    const clean = path.join(notes, 'handshake.tcpseq');
    const cleanBefore = fs.statSync(clean).mtimeMs;
    const r = run('check', '--fix', notes);
    // illegal-transitions' errors have no fix: they are what is left, and the status says so.
    assert.equal(r.status, 1);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(':')[0]), Array(3).fill(path.join(notes, 'illegal-transitions.tcpseq')));
    assert.equal(r.stderr, [
      `tcpseq check: ${path.join(notes, 'arithmetic-mistakes.tcpseq')}: 3 problems fixed`,
      `tcpseq check: ${path.join(notes, 'notes.md')}: 1 problem fixed`,
      '',
    ].join('\n'));
    const fixed = fs.readFileSync(path.join(notes, 'arithmetic-mistakes.tcpseq'), 'utf8');
    assert.match(fixed, /^S->C SYN ACK seq=y ack=x\+1 /m);
    assert.match(fs.readFileSync(path.join(notes, 'notes.md'), 'utf8'), /^C->S ACK seq=x\+1 ack=y\+1 /m);
    assert.equal(fs.statSync(clean).mtimeMs, cleanBefore, 'a file with nothing to fix is not written');
    // Once fixed, the same files check with only the unfixable errors, and --fix changes nothing more.
    const again = run('check', '--fix', notes);
    assert.deepEqual([again.status, again.stderr, again.stdout], [1, '', r.stdout]);
    // A file that is not UTF-8 is not written: its other octets would not survive.
    const latin1 = path.join(notes, 'latin1.tcpseq');
    const latin1Bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nC->S SYN seq=x\nS->C SYN ACK seq=y ack=x\n')]);
    fs.writeFileSync(latin1, latin1Bytes);
    const kept = run('check', '--fix', latin1);
    assert.equal(kept.status, 1);
    assert.equal(kept.stderr, `tcpseq check: ${latin1} is not UTF-8: --fix leaves it as it is\n`);
    assert.ok(fs.readFileSync(latin1).equals(latin1Bytes));
    const stdin = spawnSync(process.execPath, [CLI, 'check', '--fix', '-'], { input: 'C->S SYN seq=x\n', encoding: 'utf8', env: ENV });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /--fix changes files in place: it cannot fix standard input/);
  });

  it('stops quietly when the reader of its output goes away (| head), keeping its exit status', () => {
    const many = path.join(tmp, 'many.tcpseq');
    fs.writeFileSync(many, 'C->S SYN seq=x\n' + 'S->C SYN ACK seq=y ack=x\n'.repeat(20000));
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" check "${many}" | head -1`], { encoding: 'utf8', env: ENV });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /many\.tcpseq:2:20: error: /);
  });

  it('--help on every command: its options on standard output, exit 0; --version: the package version', () => {
    const options: Record<string, string[]> = {
      check: ['--format', '--lang', '--fix'],
      render: ['--to', '--theme', '--max-segments', '--around'],
      import: ['--list', '--connection', '--relative', '--limit', '--wait-threshold', '--no-win', '--check'],
    };
    for (const [command, names] of Object.entries(options)) {
      for (const flag of ['--help', '-h']) {
        const r = run(command, flag);
        assert.equal(r.status, 0, `${command} ${flag}: ${r.stderr}`);
        assert.equal(r.stderr, '');
        assert.match(r.stdout, new RegExp(`^usage: tcpseq ${command} `));
        for (const name of names) assert.ok(r.stdout.includes(name), `${command} --help names ${name}`);
      }
    }
    const main = run('--help');
    assert.equal(main.status, 0);
    for (const command of Object.keys(options)) assert.match(main.stdout, new RegExp(`^  ${command} `, 'm'));
    const version = run('--version');
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `tcpseq ${JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version}\n`);
  });

  it('reads standard input as -', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', '-'], { input: 'C->S SYN seq=x\nC: ESTABLISHED\n', encoding: 'utf8', env: ENV });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^-:2:4: error: C is in SYN-SENT here, not ESTABLISHED/);
  });

  it('runs as `npx tcpseq` through the package bin entry', function () {
    this.timeout(30000); // npx itself takes seconds to start
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(pkg.bin.tcpseq, './dist/cli.js');
    assert.match(fs.readFileSync(CLI, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env node/);
    const r = spawnSync('npx', ['--no-install', 'tcpseq', 'check', clean], { cwd: REPO, encoding: 'utf8', env: ENV });
    assert.equal(r.status, 0, r.stderr);
  });
});
