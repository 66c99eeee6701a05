// Runs inside VS Code's Markdown preview: draws every tcpseq container that the markdown-it
// plugin (src/markdown/plugin.ts) left in the page, with Mermaid bundled in (no network there).
import mermaid from 'mermaid';
import { CONTAINER_CLASS, PROBLEMS_CLASS, SOURCE_CLASS } from '../classes';
import { currentTheme, mermaidConfig } from '../../../webview/theme';
import { withExplicitNoWrap } from '../../render/mermaid';

const SVG_CLASS = 'tcpseq-svg';
const ERROR_CLASS = 'tcpseq-render-error';

/** Drawn SVGs by theme and source, so that typing elsewhere in the file redraws nothing. */
const cache = new Map<string, string>();
let configuredTheme = '';
let counter = 0;
/** Renders run one after another: Mermaid keeps global state while it draws. */
let queue: Promise<void> = Promise.resolve();

/**
 * Sets Mermaid up for the preview's current theme (VS Code's body classes and colours), with the
 * preview panel's palette so a diagram looks the same in both; returns the theme's key.
 */
function configure(): string {
  const theme = currentTheme(document.body);
  if (theme.key !== configuredTheme) {
    mermaid.initialize(mermaidConfig(theme, true));
    configuredTheme = theme.key;
  }
  return theme.key;
}

async function drawContainer(container: HTMLElement): Promise<void> {
  const sourceElement = container.querySelector<HTMLElement>(`:scope > .${SOURCE_CLASS}`);
  if (!sourceElement) return;
  const source = sourceElement.textContent ?? '';
  const themeKey = configure();
  const cacheKey = `${themeKey}\n${source}`;
  let svg = cache.get(cacheKey);
  let failure: string | undefined;
  if (svg === undefined) {
    try {
      ({ svg } = await mermaid.render(`tcpseq-md-${++counter}`, withExplicitNoWrap(source)));
      cache.set(cacheKey, svg);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
  }
  // The page may have been replaced while Mermaid worked.
  if (!container.isConnected) return;
  container.querySelector(`:scope > .${SVG_CLASS}`)?.remove();
  container.querySelector(`:scope > .${ERROR_CLASS}`)?.remove();
  const target = document.createElement('div');
  if (svg !== undefined) {
    target.className = SVG_CLASS;
    target.innerHTML = svg;
  } else {
    target.className = ERROR_CLASS;
    target.textContent = `tcpseq: the diagram could not be drawn: ${failure}`;
  }
  container.insertBefore(target, sourceElement);
  sourceElement.hidden = true;
  container.dataset.rendered = svg !== undefined ? 'true' : 'error';
}

/** Draws every container on the page. */
function drawAll(): Promise<void> {
  const containers = Array.from(document.querySelectorAll<HTMLElement>(`.${CONTAINER_CLASS}`));
  queue = queue.then(async () => {
    for (const c of containers) await drawContainer(c);
  }).catch((e) => console.error('tcpseq:', e));
  return queue;
}

function addStyles(): void {
  const style = document.createElement('style');
  style.textContent = `
.${CONTAINER_CLASS} { margin: 1em 0; }
.${CONTAINER_CLASS} > .${SOURCE_CLASS} { display: none; }
.${CONTAINER_CLASS} > .${SVG_CLASS} { text-align: center; }
.${CONTAINER_CLASS} > .${SVG_CLASS} svg { max-width: 100%; height: auto; }
.${CONTAINER_CLASS} .${PROBLEMS_CLASS} { list-style: none; padding-left: 0; margin: 0.5em 0 0; font-size: 0.9em; }
.${CONTAINER_CLASS} .${PROBLEMS_CLASS} li { border-left: 3px solid; padding: 0.1em 0.6em; margin: 0.2em 0; }
.${CONTAINER_CLASS} .tcpseq-error { border-color: var(--vscode-editorError-foreground, #e51400); }
.${CONTAINER_CLASS} .tcpseq-warning { border-color: var(--vscode-editorWarning-foreground, #bf8803); }
.${CONTAINER_CLASS} .tcpseq-severity { font-weight: bold; text-transform: capitalize; }
.${CONTAINER_CLASS} .tcpseq-error .tcpseq-severity { color: var(--vscode-editorError-foreground, #e51400); }
.${CONTAINER_CLASS} .tcpseq-warning .tcpseq-severity { color: var(--vscode-editorWarning-foreground, #bf8803); }
.${CONTAINER_CLASS} .tcpseq-code { opacity: 0.7; }
.${CONTAINER_CLASS} .${ERROR_CLASS} { color: var(--vscode-editorError-foreground, #e51400); white-space: pre-wrap; }
`;
  document.head.appendChild(style);
}

addStyles();
void drawAll();
// VS Code replaces the page's content as the user types, and fires this afterwards.
window.addEventListener('vscode.markdown.updateContent', () => void drawAll());
// A theme change swaps <body>'s classes: redraw in the new colours.
new MutationObserver(() => {
  const before = configuredTheme;
  if (configure() !== before) void drawAll();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
