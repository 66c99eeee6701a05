// Standalone SVG and PNG files from the diagram on the page. The same code serves the panel's
// export commands and `tcpseq render`, so both give the same file.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Attributes and classes the page adds for interaction; they have no place in a file. */
const PAGE_ONLY_CLASSES = ['tcpseq-highlight', 'tcpseq-clickable'];

/**
 * A self-contained SVG document: `xmlns`, a viewBox and a pixel size, the page's interaction
 * marks removed, and (unless `background` is `transparent`) a background rectangle, so a
 * dark-theme diagram stays readable in a viewer with a white page.
 */
export function standaloneSvg(svg: SVGSVGElement, background: string | undefined): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.querySelectorAll('.tcpseq-hit').forEach((e) => e.remove());
  for (const cls of PAGE_ONLY_CLASSES) {
    clone.querySelectorAll(`.${cls}`).forEach((e) => e.classList.remove(cls));
  }
  clone.querySelectorAll('[data-tcpseq-line]').forEach((e) => e.removeAttribute('data-tcpseq-line'));

  const { x, y, width, height } = viewBox(svg);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('viewBox', `${x} ${y} ${width} ${height}`);
  clone.setAttribute('width', String(Math.ceil(width)));
  clone.setAttribute('height', String(Math.ceil(height)));
  clone.removeAttribute('style'); // Mermaid's `max-width` only makes sense on a page
  clone.removeAttribute('class');

  if (background && background !== 'transparent') {
    const rect = document.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('x', String(x));
    rect.setAttribute('y', String(y));
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', String(height));
    rect.setAttribute('fill', background);
    const first = [...clone.children].find((c) => c.tagName.toLowerCase() !== 'style') ?? null;
    clone.insertBefore(rect, first);
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone) + '\n';
}

/** The diagram's drawing area; Mermaid always writes a viewBox, the bounding box is a fallback. */
export function viewBox(svg: SVGSVGElement): { x: number; y: number; width: number; height: number } {
  const vb = svg.viewBox?.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { x: vb.x, y: vb.y, width: vb.width, height: vb.height };
  const box = svg.getBBox();
  return { x: box.x, y: box.y, width: Math.max(1, box.width), height: Math.max(1, box.height) };
}

/** Rasterises a standalone SVG at `scale` times its size; returns a PNG data URL. */
export async function svgToPng(svgText: string, width: number, height: number, scale: number, background: string | undefined): Promise<string> {
  const bytes = new TextEncoder().encode(svgText);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this page cannot draw on a canvas');
  if (background && background !== 'transparent') {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}
