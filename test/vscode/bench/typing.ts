// `npm run bench` part: runs the typing-latency benchmark (bench/index.ts) inside a real VS Code.
import * as path from 'node:path';
import { runInExtensionHost } from '../run';

export async function benchTyping(): Promise<void> {
  console.log('== typing latency in the extension host (code-server)');
  const results = await runInExtensionHost(path.join(__dirname, 'index.js'));
  if (results.failed > 0) throw new Error('the typing benchmark failed to run');
}

if (require.main === module) {
  benchTyping().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
