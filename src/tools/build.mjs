// Bundles every runtime with esbuild. Entry points that do not exist yet are skipped, so the
// build works while parts of the product are still being written.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const production = process.argv.includes('--production');

/**
 * Mermaid loads each diagram type, layout engine and KaTeX with a dynamic `import()`; in a
 * single-file bundle esbuild would inline all of them (3.4 MB). The pages only ever draw
 * `sequenceDiagram` sources that src/render/mermaid.ts writes (with `$` escaped, so no KaTeX),
 * so every other lazy import becomes a module that fails with a clear message if reached.
 */
const mermaidSequenceOnly = {
  name: 'mermaid-sequence-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const fromMermaid = /[\\/]node_modules[\\/]mermaid[\\/]/.test(args.importer);
      if (args.kind !== 'dynamic-import' || !fromMermaid || /sequenceDiagram-/.test(args.path)) return undefined;
      return { path: args.path, namespace: 'mermaid-omitted' };
    });
    b.onLoad({ filter: /.*/, namespace: 'mermaid-omitted' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`tcpseq bundles Mermaid's sequence diagrams only (${args.path.replace(/^.*\//, '')} is left out)`)});`,
      loader: 'js',
    }));
  },
};

const targets = [
  // The extension host: Node, `vscode` provided by the editor. Mermaid must never end up here.
  { entry: 'src/extension/extension.ts', out: 'dist/extension.js', platform: 'node', external: ['vscode'] },
  // The command line.
  { entry: 'src/cli/main.ts', out: 'dist/cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  // The preview panel's page, with Mermaid bundled in (no network in a webview).
  { entry: 'webview/main.ts', out: 'dist/webview/preview.js', platform: 'browser', plugins: [mermaidSequenceOnly] },
  // The script VS Code's Markdown preview loads to draw tcpseq fences.
  { entry: 'src/markdown/preview/index.ts', out: 'dist/markdown-preview.js', platform: 'browser', plugins: [mermaidSequenceOnly] },
];

mkdirSync(join(root, 'dist'), { recursive: true });
for (const t of targets) {
  const entry = join(root, t.entry);
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: [entry],
    outfile: join(root, t.out),
    bundle: true,
    platform: t.platform,
    format: t.platform === 'node' ? 'cjs' : 'iife',
    target: t.platform === 'node' ? 'node20' : 'chrome120',
    external: t.external ?? [],
    banner: t.banner ? { js: t.banner } : undefined,
    plugins: t.plugins ?? [],
    sourcemap: production ? false : 'linked',
    // Minified everywhere: the extension host loads dist/extension.js at activation (kept under 150 KB).
    minify: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  // The command line is the package's `bin`: it must be executable.
  if (t.banner) chmodSync(join(root, t.out), 0o755);
  const kb = (statSync(join(root, t.out)).size / 1024).toFixed(0);
  console.log(`built ${t.out} (${kb} KB)`);
}
