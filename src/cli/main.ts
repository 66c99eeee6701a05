// `tcpseq check|render|import`: the core outside the editor, for notes kept in a repository and CI.
import { runCheck } from './check';
import { runRender } from './render';
import { runImport } from './import';

const USAGE = `usage: tcpseq <command> [options]

commands:
  check FILE...                      check .tcpseq and Markdown files
        [--format text|json] [--lang en|zh-cn]
  render FILE --to mermaid|svg|png   draw the diagram
        [-o OUT] [--block N] [--lang en|zh-cn]
  import CAPTURE [-o OUT]            turn a pcap or pcapng capture into a tcpseq document

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
    default:
      process.stderr.write((command ? `tcpseq: unknown command '${command}'\n\n` : '') + USAGE + '\n');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => { process.exitCode = status; },
    (err: unknown) => {
      process.stderr.write(`tcpseq: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
