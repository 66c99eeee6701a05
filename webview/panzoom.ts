// Zoom (buttons, Ctrl+wheel) and pan (drag, wheel) of the diagram inside its viewport.

const MIN_SCALE = 0.2;
const MAX_SCALE = 5;
/** A pointer that moved less than this many pixels clicked rather than dragged. */
const DRAG_THRESHOLD = 4;

export class PanZoom {
  private scale = 1;
  private x = 0;
  private y = 0;
  private drag: { pointerId: number; startX: number; startY: number; originX: number; originY: number; moved: boolean } | undefined;
  private lastWasDrag = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly content: HTMLElement,
    private readonly onScale: (scale: number) => void,
  ) {
    viewport.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    viewport.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    viewport.addEventListener('pointermove', (e) => this.onPointerMove(e));
    viewport.addEventListener('pointerup', (e) => this.onPointerUp(e));
    viewport.addEventListener('pointercancel', (e) => this.onPointerUp(e));
    this.apply();
  }

  /** Zooms by a factor around a point of the viewport (its top-left corner by default). */
  zoomBy(factor: number, atX = 0, atY = 0): void {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    const ratio = next / this.scale;
    // Keep the point under the cursor where it is.
    this.x = atX - (atX - this.x) * ratio;
    this.y = atY - (atY - this.y) * ratio;
    this.scale = next;
    this.apply();
  }

  reset(): void {
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.apply();
  }

  get currentScale(): number {
    return this.scale;
  }

  /** True when the pointer gesture that ended last moved the diagram (its click is no click). */
  wasDrag(): boolean {
    return this.lastWasDrag;
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.viewport.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      this.zoomBy(Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top);
    } else {
      this.x -= e.shiftKey ? e.deltaY : e.deltaX;
      this.y -= e.shiftKey ? 0 : e.deltaY;
      this.apply();
    }
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.lastWasDrag = false;
    this.drag = { pointerId: e.pointerId, startX: e.clientX, startY: e.clientY, originX: this.x, originY: this.y, moved: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    const dx = e.clientX - d.startX;
    const dy = e.clientY - d.startY;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!d.moved) {
      d.moved = true;
      this.viewport.setPointerCapture(e.pointerId);
      this.viewport.classList.add('tcpseq-panning');
    }
    this.x = d.originX + dx;
    this.y = d.originY + dy;
    this.apply();
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    this.lastWasDrag = d.moved;
    this.drag = undefined;
    this.viewport.classList.remove('tcpseq-panning');
    if (this.viewport.hasPointerCapture(e.pointerId)) this.viewport.releasePointerCapture(e.pointerId);
  }

  private apply(): void {
    this.content.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
    this.onScale(this.scale);
  }
}
