// The extension-host test entry (VS Code's extensionTestsPath): runs every `*.test.js` beside this
// file with mocha (bdd: describe/it), inside the real extension host, with the tcpseq extension
// loaded and the examples folder open.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { RESULTS_MARKER, type RunResults } from '../results';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false, reporter: 'spec' });
  // In another display language (run.ts, --locale) only the l10n tests run.
  const localized = process.env.TCPSEQ_SUITE_LOCALE !== undefined;
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && (!localized || f === 'l10n.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const results: RunResults = { passed: runner.stats?.passes ?? 0, failed: failures };
        console.log(RESULTS_MARKER + JSON.stringify(results));
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A suite that throws while loading counts as one failure.
      console.log(RESULTS_MARKER + JSON.stringify({ passed: 0, failed: 1 }));
      reject(err);
    }
  });
}
