// The diagram page: receives a timeline (or Mermaid source) by message, draws it with Mermaid,
// and talks back by message (see protocol.ts). It runs in the VS Code preview panel and, for
// `tcpseq render`, in headless Chromium. It never parses tcpseq: the core did that.
import mermaid from 'mermaid';
import { timelineToMermaid, withExplicitNoWrap } from '../src/render/mermaid';
import type { DiagramSource, DiagramSourceMap, HostToPage, PageToHost, UpdateMessage } from './protocol';
import { isHostToPage } from './protocol';
import { currentTheme, FONT_FAMILY, mermaidConfig, type Theme } from './theme';
import { standaloneSvg, svgToPng, viewBox } from './export';
import { PanZoom } from './panzoom';
import { fill, loadStrings } from './strings';

/** The page's own words, in the language the host chose. */
const S = loadStrings(document);

declare const acquireVsCodeApi: undefined | (() => { postMessage(message: unknown): void });

declare global {
  interface Window {
    /** Set by a headless host (playwright's `exposeFunction`) to receive the page's messages. */
    tcpseqHost?: (message: PageToHost) => void;
  }
}

const STYLE = `
html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; }
body { background: var(--tcpseq-bg); color: var(--tcpseq-fg); font-family: var(--vscode-font-family, ${FONT_FAMILY}); font-size: 13px; }
#tcpseq-toolbar { position: fixed; top: 6px; right: 8px; z-index: 2; display: flex; gap: 2px; }
#tcpseq-toolbar button { min-width: 28px; height: 24px; border: 1px solid var(--vscode-button-border, transparent);
  background: var(--vscode-button-secondaryBackground, #e0e0e0); color: var(--vscode-button-secondaryForeground, #1f1f1f);
  border-radius: 2px; cursor: pointer; font: inherit; }
#tcpseq-toolbar button:hover { background: var(--vscode-button-secondaryHoverBackground, #d0d0d0); }
#tcpseq-banner { position: fixed; top: 0; left: 0; right: 0; z-index: 1; padding: 6px 110px 6px 10px; white-space: pre-wrap;
  background: var(--vscode-inputValidation-errorBackground, #f8d7da); color: var(--vscode-errorForeground, #8b0000);
  border-bottom: 1px solid var(--vscode-inputValidation-errorBorder, #be1100); }
#tcpseq-banner[hidden] { display: none; }
#tcpseq-viewport { position: absolute; inset: 0; overflow: hidden; cursor: grab; touch-action: none; }
#tcpseq-viewport.tcpseq-panning { cursor: grabbing; }
#tcpseq-diagram { transform-origin: 0 0; padding: 16px; width: max-content; }
#tcpseq-empty { padding: 24px; opacity: 0.7; }
.tcpseq-clickable { cursor: pointer; }
.tcpseq-hit { stroke: transparent; stroke-width: 12px; fill: none; pointer-events: stroke; cursor: pointer; }
.tcpseq-highlight { stroke: var(--tcpseq-accent) !important; stroke-width: 3px !important; }
text.tcpseq-highlight { stroke: none !important; fill: var(--tcpseq-accent) !important; font-weight: bold; }
rect.tcpseq-highlight { stroke-width: 2.5px !important; }
`;

/** One update waiting to be drawn. */
interface Job {
  readonly version: number;
  readonly diagram: DiagramSource;
  readonly received: number;
}

/** What is on screen. */
interface Shown {
  readonly source: string;
  readonly themeKey: string;
  readonly svg: SVGSVGElement;
}

class DiagramPage {
  private readonly vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  private readonly banner: HTMLElement;
  private readonly diagram: HTMLElement;
  private readonly panZoom: PanZoom;
  /** The newest update not yet drawn: a newer one replaces it, so stale sources never render. */
  private pending: Job | undefined;
  private rendering = false;
  private shown: Shown | undefined;
  private latest: Job | undefined;
  private map: DiagramSourceMap = { messages: [], notes: [] };
  private highlightLine: number | null = null;
  private theme: Theme;
  private renderCount = 0;

  constructor() {
    const style = document.createElement('style');
    style.textContent = STYLE;
    document.head.appendChild(style);
    document.body.innerHTML = `
      <div id="tcpseq-toolbar" role="toolbar">
        <button id="tcpseq-zoom-out">−</button>
        <button id="tcpseq-zoom-reset">100%</button>
        <button id="tcpseq-zoom-in">+</button>
      </div>
      <div id="tcpseq-banner" role="alert" hidden></div>
      <div id="tcpseq-viewport"><div id="tcpseq-diagram"><div id="tcpseq-empty"></div></div></div>`;
    // Translated words go in as text and attributes, never as markup.
    const label = (id: string, title: string) => {
      const e = document.getElementById(id)!;
      e.title = title;
      e.setAttribute('aria-label', title);
    };
    document.getElementById('tcpseq-toolbar')!.setAttribute('aria-label', S.zoom);
    label('tcpseq-zoom-out', S.zoomOut);
    label('tcpseq-zoom-reset', S.actualSize);
    label('tcpseq-zoom-in', S.zoomIn);
    document.getElementById('tcpseq-empty')!.textContent = S.waiting;
    this.banner = document.getElementById('tcpseq-banner')!;
    this.diagram = document.getElementById('tcpseq-diagram')!;
    const resetButton = document.getElementById('tcpseq-zoom-reset')!;
    this.panZoom = new PanZoom(document.getElementById('tcpseq-viewport')!, this.diagram, (scale) => {
      resetButton.textContent = `${Math.round(scale * 100)}%`;
    });
    document.getElementById('tcpseq-zoom-in')!.addEventListener('click', () => this.panZoom.zoomBy(1.25));
    document.getElementById('tcpseq-zoom-out')!.addEventListener('click', () => this.panZoom.zoomBy(0.8));
    resetButton.addEventListener('click', () => this.panZoom.reset());
    this.diagram.addEventListener('click', (e) => this.onClick(e));

    this.theme = this.applyTheme();
    // VS Code switches themes by changing the body's class and the variables on <html>.
    const observer = new MutationObserver(() => this.onThemeChange());
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

    window.addEventListener('message', (event: MessageEvent) => {
      if (isHostToPage(event.data)) void this.onMessage(event.data);
    });
    this.post({ type: 'ready' });
  }

  private post(message: PageToHost): void {
    if (this.vscode) this.vscode.postMessage(message);
    else if (typeof window.tcpseqHost === 'function') window.tcpseqHost(message);
    else if (window.parent !== window) window.parent.postMessage(message, '*');
  }

  private async onMessage(m: HostToPage): Promise<void> {
    switch (m.type) {
      case 'update': return this.update(m);
      case 'highlight':
        this.highlightLine = m.line;
        this.applyHighlight();
        return;
      case 'zoom':
        if (m.action === 'reset') this.panZoom.reset();
        else this.panZoom.zoomBy(m.action === 'in' ? 1.25 : 0.8);
        return;
      case 'exportSvg':
      case 'exportPng':
        return this.export(m);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  private update(m: UpdateMessage): void {
    let diagram: DiagramSource;
    try {
      diagram = 'timeline' in m ? timelineToMermaid(m.timeline) : m.diagram;
      if (typeof diagram?.source !== 'string') throw new Error('the update holds no diagram');
    } catch (err) {
      this.showError(m.version, fill(S.cannotDraw, errorText(err)));
      return;
    }
    this.pending = { version: m.version, diagram, received: performance.now() };
    void this.drain();
  }

  /** Draws pending updates one at a time; each render only starts once the previous one ended. */
  private async drain(): Promise<void> {
    if (this.rendering) return;
    this.rendering = true;
    try {
      while (this.pending) {
        const job = this.pending;
        this.pending = undefined;
        await this.render(job);
      }
    } finally {
      this.rendering = false;
    }
  }

  private async render(job: Job, force = false): Promise<void> {
    this.latest = job;
    const { source, map } = job.diagram;
    if (!force && this.shown && this.shown.source === source && this.shown.themeKey === this.theme.key) {
      // Same picture: only the line numbers may have moved.
      this.map = map;
      this.decorate(this.shown.svg);
      this.hideError();
      this.post({ type: 'rendered', version: job.version, ms: performance.now() - job.received });
      return;
    }
    const themeKey = this.theme.key;
    let svgText: string;
    try {
      ({ svg: svgText } = await mermaid.render(`tcpseq-svg-${++this.renderCount}`, withExplicitNoWrap(source)));
    } catch (err) {
      if (this.pending) return; // a newer update is waiting: its result is what matters
      this.showError(job.version, fill(S.mermaidFailed, errorText(err)));
      return;
    }
    if (this.pending) return; // superseded while rendering: drop this picture
    // Parsed and decorated off the page, then swapped in with one change to the live DOM.
    const holder = document.createElement('div');
    holder.innerHTML = svgText;
    const svg = holder.querySelector('svg');
    if (!svg) {
      this.showError(job.version, S.noSvg);
      return;
    }
    this.shown = { source, themeKey, svg };
    this.map = map;
    this.decorate(svg);
    this.diagram.replaceChildren(svg);
    // A fixed size, so that zooming scales the drawing rather than re-flowing it (measured once
    // the SVG is in the page, where a drawing without a viewBox can be measured).
    const { width, height } = viewBox(svg);
    svg.setAttribute('width', String(Math.ceil(width)));
    svg.setAttribute('height', String(Math.ceil(height)));
    svg.style.maxWidth = 'none';
    this.hideError();
    await painted();
    this.post({ type: 'rendered', version: job.version, ms: performance.now() - job.received });
  }

  private showError(version: number, message: string): void {
    this.banner.textContent = this.shown ? `${message}\nShowing the last diagram that could be drawn.` : message;
    this.banner.hidden = false;
    this.post({ type: 'renderError', version, message });
  }

  private hideError(): void {
    this.banner.hidden = true;
    this.banner.textContent = '';
  }

  // ------------------------------------------------------------------------------------------
  // Theme

  private applyTheme(): Theme {
    const theme = currentTheme(document.body);
    mermaid.initialize(mermaidConfig(theme, false));
    const root = document.documentElement.style;
    root.setProperty('--tcpseq-bg', theme.palette.background);
    root.setProperty('--tcpseq-fg', theme.palette.foreground);
    root.setProperty('--tcpseq-accent', theme.palette.accent);
    return theme;
  }

  private onThemeChange(): void {
    const theme = currentTheme(document.body);
    if (theme.key === this.theme.key) return;
    this.theme = this.applyTheme();
    const job = this.pending ?? this.latest;
    if (job) {
      this.pending = { ...job, received: performance.now() };
      void this.drain();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Source sync: each arrow and note knows its line

  /** Marks Mermaid's message and note elements with their source line, in drawing order. */
  private decorate(svg: SVGSVGElement): void {
    svg.querySelectorAll('.tcpseq-hit').forEach((e) => e.remove());
    // Mermaid writes a message's label (one <text> per label line) just before its arrow.
    const lines: SVGElement[] = [];
    let labels: SVGElement[] = [];
    for (const el of svg.querySelectorAll<SVGElement>('text.messageText, .messageLine0, .messageLine1')) {
      if (el.tagName.toLowerCase() === 'text') {
        labels.push(el);
        continue;
      }
      const line = this.map.messages[lines.length];
      lines.push(el);
      for (const label of labels) mark(label, line);
      labels = [];
    }
    lines.forEach((el, i) => {
      const line = this.map.messages[i];
      mark(el, line);
      // A wider invisible twin, so that a thin arrow is easy to click.
      const hit = el.cloneNode(false) as SVGElement;
      hit.removeAttribute('class');
      hit.removeAttribute('style');
      hit.removeAttribute('marker-end');
      hit.removeAttribute('marker-start');
      hit.classList.add('tcpseq-hit');
      if (line !== undefined) hit.setAttribute('data-tcpseq-line', String(line));
      el.after(hit);
    });
    const notes = [...svg.querySelectorAll<SVGElement>('rect.note')];
    notes.forEach((rect, i) => {
      const line = this.map.notes[i];
      mark(rect, line);
      rect.parentElement?.querySelectorAll<SVGElement>('text.noteText').forEach((t) => mark(t, line));
    });
    this.applyHighlight();
  }

  private onClick(e: MouseEvent): void {
    if (this.panZoom.wasDrag()) return;
    const target = (e.target as Element | null)?.closest('[data-tcpseq-line]');
    const line = target ? Number(target.getAttribute('data-tcpseq-line')) : NaN;
    if (Number.isInteger(line)) this.post({ type: 'reveal', line });
  }

  private applyHighlight(): void {
    const svg = this.shown?.svg;
    if (!svg) return;
    svg.querySelectorAll('.tcpseq-highlight').forEach((e) => e.classList.remove('tcpseq-highlight'));
    if (this.highlightLine === null) return;
    svg.querySelectorAll(`[data-tcpseq-line="${this.highlightLine}"]:not(.tcpseq-hit)`)
      .forEach((e) => e.classList.add('tcpseq-highlight'));
  }

  // ------------------------------------------------------------------------------------------
  // Export

  private async export(m: Extract<HostToPage, { type: 'exportSvg' | 'exportPng' }>): Promise<void> {
    const requestId = m.requestId;
    const svg = this.shown?.svg;
    if (!svg) {
      this.post({ type: 'exportError', message: S.nothingToExport, requestId });
      return;
    }
    try {
      if (m.type === 'exportSvg') {
        this.post({ type: 'svg', svg: standaloneSvg(svg, this.theme.palette.background), requestId });
      } else {
        const background = m.background ?? this.theme.palette.background;
        const text = standaloneSvg(svg, background);
        const { width, height } = viewBox(svg);
        const scale = typeof m.scale === 'number' && m.scale > 0 && m.scale <= 8 ? m.scale : 2;
        this.post({ type: 'png', dataUrl: await svgToPng(text, width, height, scale, background), requestId });
      }
    } catch (err) {
      this.post({ type: 'exportError', message: fill(S.exportFailed, errorText(err)), requestId });
    }
  }
}

function mark(el: Element, line: number | undefined): void {
  if (line === undefined) return;
  el.setAttribute('data-tcpseq-line', String(line));
  el.classList.add('tcpseq-clickable');
}

/** Resolves after the browser has painted the current DOM. */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 800 ? text.slice(0, 800) + '…' : text;
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => new DiagramPage());
} else {
  new DiagramPage();
}
