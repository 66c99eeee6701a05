// The messages between the diagram page (webview/main.ts) and whoever hosts it: the VS Code
// preview panel, the Markdown preview, or headless Chromium for `tcpseq render`.
// Plain TypeScript shared by both sides: no DOM, no `vscode`.
import type { Timeline } from '../src/core/types';

/**
 * Where each drawn element of a Mermaid diagram comes from: 0-based lines of the tcpseq
 * document (of the block, for Markdown; the host adds the block's offset if it needs to).
 * Mermaid draws messages and notes in source order, so the n-th arrow of the SVG is
 * `messages[n]` and the n-th note is `notes[n]`.
 */
export interface DiagramSourceMap {
  readonly messages: readonly number[];
  readonly notes: readonly number[];
}

/** Mermaid source with its source map, as `src/render/mermaid.ts` produces it. */
export interface DiagramSource {
  readonly source: string;
  readonly map: DiagramSourceMap;
  /**
   * Set when the diagram draws only some of the document's segments (see maxSegments): it draws
   * the lines from `firstLine` to before `endLine` (to the end when there is no `endLine`).
   */
  readonly drawn?: { readonly firstLine: number; readonly endLine?: number };
}

// ---------------------------------------------------------------------------------------------
// Host -> page

/**
 * Draw this. Either the checked timeline (the page turns it into Mermaid itself) or Mermaid
 * source already made with `timelineToMermaid`. `version` grows with every edit: a newer
 * update supersedes an older one still rendering, and replies carry it back.
 */
export type UpdateMessage =
  | { readonly type: 'update'; readonly version: number; readonly timeline: Timeline }
  | { readonly type: 'update'; readonly version: number; readonly diagram: DiagramSource };

/** Highlights the arrows and notes of one source line (the editor's cursor); `null` clears. */
export interface HighlightMessage {
  readonly type: 'highlight';
  readonly line: number | null;
}

/** Asks for the current diagram as a standalone SVG file; answered by `SvgMessage`. */
export interface ExportSvgMessage {
  readonly type: 'exportSvg';
  readonly requestId?: number;
}

/**
 * Asks for the current diagram as a PNG at `scale` (default 2) times its size, on `background`
 * (a CSS colour; default: the page's background, `transparent` for none). Answered by `PngMessage`.
 */
export interface ExportPngMessage {
  readonly type: 'exportPng';
  readonly background?: string;
  readonly scale?: number;
  readonly requestId?: number;
}

/** Zoom: `in`, `out`, or `reset` (fit to width at 100%). */
export interface ZoomMessage {
  readonly type: 'zoom';
  readonly action: 'in' | 'out' | 'reset';
}

export type HostToPage = UpdateMessage | HighlightMessage | ExportSvgMessage | ExportPngMessage | ZoomMessage;

// ---------------------------------------------------------------------------------------------
// Page -> host

/** The page has loaded and listens: the host may now post the first update. */
export interface ReadyMessage { readonly type: 'ready' }

/** The diagram of `version` is on screen (painted). */
export interface RenderedMessage {
  readonly type: 'rendered';
  readonly version: number;
  /** Milliseconds from receiving the update to the painted frame. */
  readonly ms: number;
}

/**
 * Mermaid could not draw `version`; the last good diagram stays on screen under a banner with
 * this message.
 */
export interface RenderErrorMessage {
  readonly type: 'renderError';
  readonly version: number;
  readonly message: string;
}

/** The user clicked an arrow or a note: show this 0-based line in the editor. */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly line: number;
}

/** A standalone SVG file: no foreignObject, no CSS variables, xmlns and viewBox set. */
export interface SvgMessage {
  readonly type: 'svg';
  readonly svg: string;
  readonly requestId?: number;
}

/** A PNG as a `data:image/png;base64,...` URL. */
export interface PngMessage {
  readonly type: 'png';
  readonly dataUrl: string;
  readonly requestId?: number;
}

/** An export was asked for but there is no diagram yet, or it failed. */
export interface ExportErrorMessage {
  readonly type: 'exportError';
  readonly message: string;
  readonly requestId?: number;
}

export type PageToHost =
  | ReadyMessage | RenderedMessage | RenderErrorMessage | RevealMessage | SvgMessage | PngMessage
  | ExportErrorMessage;

/** True when `value` looks like a message the page accepts (messages cross a trust boundary). */
export function isHostToPage(value: unknown): value is HostToPage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; version?: unknown; line?: unknown; action?: unknown };
  switch (m.type) {
    case 'update': return typeof m.version === 'number';
    case 'highlight': return m.line === null || typeof m.line === 'number';
    case 'exportSvg': case 'exportPng': return true;
    case 'zoom': return m.action === 'in' || m.action === 'out' || m.action === 'reset';
    default: return false;
  }
}
