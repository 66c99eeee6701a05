// `tcpseq check|render|import`: the core outside the editor, for notes kept in a repository and CI.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCheck } from './check';
import { runRender } from './render';
import { runImport } from './import';

const USAGE = `usage: tcpseq <command> [options]

commands:
  check FILE...                               check .tcpseq and Markdown files (- reads standard input)
  render FILE --to mermaid|svg|png|markdown   draw the diagram (markdown: every block of the notes)
  import CAPTURE                              turn a pcap or pcapng capture into a tcpseq document

tcpseq COMMAND --help shows a command's options; tcpseq --version shows the version.
Exit status: 0 no error, 1 errors found, 2 usage error or unreadable file.`;

/** Runs one command line and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': return runCheck(rest);
    case 'render': return runRender(rest);
    case 'import': return runImport(rest);
    case '--help': case '-h': case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case '--version': case '-V':
      process.stdout.write(`tcpseq ${version()}\n`);
      return 0;
    default:
      process.stderr.write((command ? `tcpseq: unknown command '${command}'\n\n` : '') + USAGE + '\n');
      return 2;
  }
}

/**
 * The version in the package's package.json: the nearest one above this script (dist/cli.js in the
 * package, out/src/cli/main.js in a checkout).
 */
function version(): string {
  for (let dir = __dirname, up = 0; up < 5; dir = dirname(dir), up++) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'tcpseq' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

if (require.main === module) {
  // `tcpseq check notes | head`: once the reader has gone, what is left to print is dropped, and the
  // exit status still says whether an error was found.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  main(process.argv.slice(2)).then(
    (status) => { process.exitCode = status; },
    (err: unknown) => {
      process.stderr.write(`tcpseq: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
