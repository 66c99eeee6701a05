// The core's facade: everything the editor, the preview, the command line and the capture import
// need from the tcpseq language. Pure TypeScript: no vscode, no DOM, no Node.
export * from './types';
export { analyze } from './analyze';
export { parse, parseWritten } from './parser';
export { SegmentTable, SegmentRow, LineRange } from './syntax';
export { findTcpseqBlocks, analyzeMarkdown } from './markdown';
export type { TcpseqBlock, MarkdownBlockAnalysis } from './markdown';
export { renderMessage, MESSAGES } from './messages';
export type { MessageTable } from './messages';
export { suggestSegment } from './suggest';
