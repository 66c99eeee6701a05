/** `tcpseq render FILE --to mermaid|svg|png [-o OUT] [--block N]`. */
export async function runRender(_args: readonly string[]): Promise<number> {
  process.stderr.write('tcpseq render: not available in this build yet\n');
  return 2;
}
