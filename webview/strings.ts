// The preview page's own words (its toolbar, its waiting text, its error banner), in English. A host
// may give them in the user's language: the VS Code panel translates them with vscode.l10n and puts
// them in the page as `<script type="application/json" id="tcpseq-strings">` (data, never run).

export const PAGE_STRINGS = {
  zoom: 'Zoom',
  zoomOut: 'Zoom out (Ctrl+wheel)',
  zoomIn: 'Zoom in (Ctrl+wheel)',
  actualSize: 'Actual size',
  waiting: 'Waiting for the document…',
  cannotDraw: 'Cannot draw this document: {0}',
  mermaidFailed: 'Mermaid could not draw the diagram: {0}',
  noSvg: 'Mermaid returned no SVG',
  nothingToExport: 'There is no diagram to export yet.',
  exportFailed: 'Export failed: {0}',
};

export type PageStrings = { readonly [K in keyof typeof PAGE_STRINGS]: string };

/** The id of the element a host puts the page's strings in. */
export const STRINGS_ELEMENT_ID = 'tcpseq-strings';

/** The page's strings: the host's where it gave them, English otherwise. */
export function loadStrings(doc: { getElementById(id: string): { textContent: string | null } | null }): PageStrings {
  const text = doc.getElementById(STRINGS_ELEMENT_ID)?.textContent;
  if (!text) return PAGE_STRINGS;
  try {
    const given = JSON.parse(text) as Record<string, unknown>;
    const out: Record<string, string> = { ...PAGE_STRINGS };
    for (const key of Object.keys(PAGE_STRINGS)) {
      if (typeof given[key] === 'string') out[key] = given[key] as string;
    }
    return out as PageStrings;
  } catch {
    return PAGE_STRINGS;
  }
}

/** Fills `{0}` in a page string. */
export function fill(template: string, arg: string): string {
  return template.replace('{0}', () => arg);
}

/** The element carrying the strings, for a page's HTML (`</` escaped so it cannot close the tag). */
export function stringsElement(strings: PageStrings): string {
  const json = JSON.stringify(strings).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${STRINGS_ELEMENT_ID}">${json}</script>`;
}
