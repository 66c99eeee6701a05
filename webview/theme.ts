// Mermaid theme variables from the editor's theme. VS Code marks the page's body with
// `vscode-light`, `vscode-dark` or `vscode-high-contrast` (plus `vscode-high-contrast-light`) and
// defines `--vscode-*` CSS variables; outside VS Code (headless rendering) the class alone picks
// a palette. Colours are resolved to hex here, so the SVG Mermaid writes (and the exported
// file) holds plain colours, never `var(--...)`.

import type { MermaidConfig } from 'mermaid';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** The generic fallbacks keep exported files readable where Trebuchet is not installed. */
export const FONT_FAMILY = '"trebuchet ms", verdana, arial, sans-serif';

interface Palette {
  background: string;
  foreground: string;
  actorBackground: string;
  actorBorder: string;
  line: string;
  noteBackground: string;
  noteBorder: string;
  noteText: string;
  accent: string;
}

const PALETTES: Record<ThemeKind, Palette> = {
  light: {
    background: '#ffffff', foreground: '#1f1f1f', actorBackground: '#eef3fb', actorBorder: '#5a7fb5',
    line: '#333333', noteBackground: '#fff8c5', noteBorder: '#d4b106', noteText: '#1f1f1f', accent: '#0066bf',
  },
  dark: {
    background: '#1e1e1e', foreground: '#d4d4d4', actorBackground: '#26324a', actorBorder: '#6c8fcf',
    line: '#c8c8c8', noteBackground: '#3b3a24', noteBorder: '#9d8f3a', noteText: '#e8e6cf', accent: '#4daafc',
  },
  'high-contrast': {
    background: '#000000', foreground: '#ffffff', actorBackground: '#000000', actorBorder: '#6fc3df',
    line: '#ffffff', noteBackground: '#000000', noteBorder: '#f38518', noteText: '#ffffff', accent: '#f38518',
  },
  'high-contrast-light': {
    background: '#ffffff', foreground: '#000000', actorBackground: '#ffffff', actorBorder: '#0f4a85',
    line: '#000000', noteBackground: '#ffffff', noteBorder: '#b5200d', noteText: '#000000', accent: '#0f4a85',
  },
};

/** The theme kind from the body's classes. */
export function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

/** The resolved theme: the palette with VS Code's own colours where the page has them. */
export interface Theme {
  readonly kind: ThemeKind;
  readonly palette: Readonly<Palette>;
  /** Mermaid `themeVariables` for the `base` theme. */
  readonly variables: Record<string, string>;
  /** A key that changes whenever the colours change (re-render when it does). */
  readonly key: string;
}

/**
 * Mermaid's settings for a theme, shared by the preview panel and the Markdown preview so that a
 * diagram looks the same in both. `fitWidth` scales the diagram to its container (Markdown).
 */
export function mermaidConfig(theme: Theme, fitWidth: boolean): MermaidConfig {
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'base',
    themeVariables: theme.variables,
    fontFamily: FONT_FAMILY,
    // Text as SVG <text>, never <foreignObject>: exported files must stand on their own.
    htmlLabels: false,
    flowchart: { htmlLabels: false },
    suppressErrorRendering: true,
    // Mermaid's own limit (50,000 characters, about a thousand messages) would replace the whole
    // diagram by an error chart; what a diagram holds is limited by segments instead (maxSegments).
    maxTextSize: 20_000_000,
    sequence: {
      mirrorActors: true, showSequenceNumbers: false, wrap: false, noteAlign: 'center', messageAlign: 'center',
      ...(fitWidth ? { useMaxWidth: true } : {}),
    },
  };
}

export function currentTheme(body: HTMLElement): Theme {
  const kind = themeKind(body);
  const p: Palette = { ...PALETTES[kind] };
  const v = (name: string) => resolveColor(body, `--vscode-${name}`, p.background);
  // Only the colours every VS Code theme defines; the rest keep the palette's, tuned to be legible.
  p.background = v('editor-background') ?? p.background;
  p.foreground = v('editor-foreground') ?? p.foreground;
  p.line = v('editor-foreground') ?? p.line;
  p.accent = v('focusBorder') ?? p.accent;
  if (kind.startsWith('high-contrast')) p.actorBorder = v('contrastBorder') ?? p.actorBorder;

  const variables: Record<string, string> = {
    fontFamily: FONT_FAMILY,
    fontSize: '14px',
    darkMode: String(kind === 'dark' || kind === 'high-contrast'),
    background: p.background,
    primaryColor: p.actorBackground,
    primaryBorderColor: p.actorBorder,
    primaryTextColor: p.foreground,
    secondaryColor: p.actorBackground,
    tertiaryColor: p.actorBackground,
    mainBkg: p.actorBackground,
    lineColor: p.line,
    textColor: p.foreground,
    actorBkg: p.actorBackground,
    actorBorder: p.actorBorder,
    actorTextColor: p.foreground,
    actorLineColor: p.actorBorder,
    signalColor: p.line,
    signalTextColor: p.foreground,
    labelBoxBkgColor: p.actorBackground,
    labelBoxBorderColor: p.actorBorder,
    labelTextColor: p.foreground,
    loopTextColor: p.foreground,
    noteBkgColor: p.noteBackground,
    noteBorderColor: p.noteBorder,
    noteTextColor: p.noteText,
    activationBkgColor: p.actorBackground,
    activationBorderColor: p.actorBorder,
    sequenceNumberColor: p.background,
  };
  return { kind, palette: p, variables, key: `${kind}|${JSON.stringify(p)}` };
}

/**
 * The value of a CSS colour variable as `#rrggbb`, or undefined when the page does not define
 * it. Translucent colours are blended over `under`, since Mermaid's theme maths wants opaque hex.
 */
function resolveColor(body: HTMLElement, variable: string, under: string): string | undefined {
  const raw = getComputedStyle(body).getPropertyValue(variable).trim();
  if (!raw) return undefined;
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = raw;
  if (!probe.style.color) return undefined; // not a colour at all
  body.appendChild(probe);
  const rgb = getComputedStyle(probe).color;
  probe.remove();
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?/.exec(rgb);
  if (!m) return undefined;
  let alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  if (!Number.isFinite(alpha)) alpha = 1;
  const base = hexToRgb(under);
  const channel = (i: number) => Math.round(parseFloat(m[i + 1]) * alpha + base[i] * (1 - alpha));
  return '#' + [0, 1, 2].map((i) => channel(i).toString(16).padStart(2, '0')).join('');
}

function hexToRgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) || 0) as [number, number, number];
}
