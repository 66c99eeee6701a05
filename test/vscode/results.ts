// How a test run inside VS Code tells the runner its counts: the suite index prints this marker
// followed by JSON ({"passed":N,"failed":N}); the shim picks the line out of the relayed output.
export const RESULTS_MARKER = '[tcpseq-results] ';

export interface RunResults {
  readonly passed: number;
  readonly failed: number;
}
