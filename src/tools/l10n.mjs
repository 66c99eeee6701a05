// Writes l10n/bundle.l10n.json, the English bundle VS Code's localization reads: the strings of
// `vscode.l10n.t` / `l10n.t` calls (extracted by @vscode/l10n-dev) plus every template of the
// core's messages (src/core/messages.ts, src/core/explain.ts), which the extension and the command
// line translate by their English text. `--check` writes nothing and fails when the file is stale.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundlePath = join(root, 'l10n', 'bundle.l10n.json');
/** Sources that call `vscode.l10n.t` or @vscode/l10n's `l10n.t`. */
const SOURCES = ['src/extension', 'src/cli'];
/**
 * Shared modules (diagram, Markdown plugin, the render command) take a `Localizer` named `l10n` instead of importing
 * vscode, so @vscode/l10n-dev does not see their calls: their `l10n.t('...')` literals are read here.
 */
const SHARED = ['src/markdown/plugin.ts', 'src/render/mermaid.ts', 'src/cli/render.ts'];

/** The core's English templates, by id: the core is TypeScript, so it is bundled first. */
async function coreTemplates(dir) {
  const entry = join(dir, 'core-messages.ts');
  writeFileSync(entry, [
    `export { MESSAGES } from ${JSON.stringify(join(root, 'src/core/messages'))};`,
    `export { EXPLAIN_MESSAGES } from ${JSON.stringify(join(root, 'src/core/explain'))};`,
  ].join('\n'));
  const out = join(dir, 'core-messages.cjs');
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
  const { MESSAGES, EXPLAIN_MESSAGES } = createRequire(import.meta.url)(out);
  return [...Object.values(MESSAGES), ...Object.values(EXPLAIN_MESSAGES)];
}

/** The strings of `l10n.t` calls, as @vscode/l10n-dev exports them. */
function sourceStrings(dir) {
  const cli = join(root, 'node_modules', '.bin', 'vscode-l10n-dev');
  const { stderr } = spawnSync(cli, ['export', '-o', dir, ...SOURCES], { cwd: root, encoding: 'utf8' });
  // It compares -o with package.json's `l10n` folder: a temporary folder never matches, by design.
  const said = (stderr ?? '').split('\n').filter((l) => l.trim() && !l.includes('does not match the outDir'));
  if (said.length > 0) console.error(said.join('\n'));
  try {
    return JSON.parse(readFileSync(join(dir, 'bundle.l10n.json'), 'utf8'));
  } catch {
    return {}; // no call found: l10n-dev writes no file
  }
}

/** The English bundle, keys sorted so that the file diffs well. */
export async function englishBundle() {
  const dir = mkdtempSync(join(tmpdir(), 'tcpseq-l10n-'));
  try {
    const entries = { ...sourceStrings(dir) };
    for (const file of SHARED) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const m of source.matchAll(/\bl10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        const text = m[1].replace(/\\(.)/g, '$1');
        entries[text] = text;
      }
    }
    for (const template of await coreTemplates(dir)) entries[template] = template;
    const sorted = {};
    for (const key of Object.keys(entries).sort()) sorted[key] = entries[key];
    return JSON.stringify(sorted, null, 2) + '\n';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = await englishBundle();
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(bundlePath, 'utf8'); } catch { /* missing: stale */ }
  if (current !== text) {
    console.error('l10n/bundle.l10n.json is out of date: run `npm run l10n`');
    process.exit(1);
  }
} else {
  writeFileSync(bundlePath, text);
  console.log(`wrote l10n/bundle.l10n.json (${Object.keys(JSON.parse(text)).length} strings)`);
}
