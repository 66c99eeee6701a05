// Class names the markdown-it plugin writes and the Markdown preview script reads.

/** The element that stands for one tcpseq fence. */
export const CONTAINER_CLASS = 'tcpseq-diagram';
/** Inside it, the diagram's Mermaid source (hidden once drawn). */
export const SOURCE_CLASS = 'tcpseq-mermaid-source';
/** Inside it, the block's errors and warnings. */
export const PROBLEMS_CLASS = 'tcpseq-problems';
