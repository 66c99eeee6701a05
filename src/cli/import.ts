/** `tcpseq import CAPTURE [-o OUT]`. */
export async function runImport(_args: readonly string[]): Promise<number> {
  process.stderr.write('tcpseq import: not available in this build yet\n');
  return 2;
}
