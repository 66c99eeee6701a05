// The markdown-it plugin behind the Markdown preview, with the real markdown-it.
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { extendMarkdownIt, problemSummary } from '../../src/markdown/plugin';
import { CONTAINER_CLASS, PROBLEMS_CLASS, SOURCE_CLASS } from '../../src/markdown/classes';
import { analyze } from '../../src/core';
import { timelineToMermaid } from '../../src/render/mermaid';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_EXAMPLES } from './marks';

function render(markdown: string): string {
  return extendMarkdownIt(new MarkdownIt()).render(markdown);
}

/** The HTML entities markdown-it's escapeHtml writes, undone. */
function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** The text of every `<pre class="tcpseq-mermaid-source">`, unescaped. */
function mermaidSources(html: string): string[] {
  const re = new RegExp(`<pre class="${SOURCE_CLASS}">([^<]*)</pre>`, 'g');
  return [...html.matchAll(re)].map((m) => unescapeHtml(m[1]));
}

function containers(html: string): string[] {
  return [...html.matchAll(new RegExp(`<div class="${CONTAINER_CLASS}[^"]*"[^>]*>`, 'g'))].map((m) => m[0]);
}

const HANDSHAKE = 'C->S SYN seq=x\nS->C SYN ACK seq=y ack=x+1\nC->S ACK seq=x+1 ack=y+1\n';

describe('markdown-it plugin', () => {
  it('turns a tcpseq fence into a diagram container carrying its Mermaid source', () => {
    const html = render(`# Notes\n\n\`\`\`tcpseq\n${HANDSHAKE}\`\`\`\n`);
    assert.equal(containers(html).length, 1);
    const expected = timelineToMermaid(analyze(HANDSHAKE).timeline, { diagnostics: analyze(HANDSHAKE).diagnostics }).source;
    assert.deepEqual(mermaidSources(html), [expected]);
    assert.match(expected, /^sequenceDiagram\n/);
    // The fence's text is not shown as code.
    assert.doesNotMatch(html, /<code/);
    assert.match(html, /<h1>Notes<\/h1>/);
  });

  it('recognises the info string by its first word, in any case', () => {
    const html = render('```TcpSeq {.wide}\nC->S SYN seq=x\n```\n\n~~~tcpseq\nC->S SYN seq=x\n~~~\n');
    assert.equal(containers(html).length, 2);
  });

  it('leaves other fences to the renderer that was there before', () => {
    const md = new MarkdownIt();
    const plain = md.render('```text\nC->S SYN seq=x ack=nonsense\n```\n\n```\nno info\n```\n');
    const html = render('```text\nC->S SYN seq=x ack=nonsense\n```\n\n```\nno info\n```\n');
    assert.equal(html, plain);
    assert.equal(containers(html).length, 0);
    // `tcpseqx` is another language.
    assert.equal(containers(render('```tcpseqx\nC->S SYN\n```\n')).length, 0);
  });

  it('keeps working with a fence rule another plugin set first', () => {
    const md = new MarkdownIt();
    md.renderer.rules.fence = (tokens, idx) => `<pre class="other">${tokens[idx].info}</pre>`;
    extendMarkdownIt(md);
    const html = md.render('```js\n1\n```\n\n```tcpseq\nC->S SYN seq=x\n```\n');
    assert.match(html, /<pre class="other">js<\/pre>/);
    assert.equal(containers(html).length, 1);
  });

  it('records the line of the block, for the preview to scroll with the editor', () => {
    const html = render('intro\n\n```tcpseq\nC->S SYN seq=x\n```\n');
    assert.match(containers(html)[0], /data-line="2"/);
  });

  it('escapes hostile text: no markup from the document reaches the page', () => {
    const hostile = [
      'title </pre><script>alert(1)</script>',
      'participant C as <img src=x onerror=alert(2)>',
      'C->S SYN seq=x : "><svg onload=alert(3)>',
      'note over C,S: </div><iframe src="javascript:alert(4)">',
      '<<<>>> & &amp; </ul>',
    ].join('\n');
    const html = render(`\`\`\`tcpseq\n${hostile}\n\`\`\`\n`);
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase()));
    for (const tag of tags) assert.ok(['div', 'pre', 'ul', 'li', 'span', 'p'].includes(tag), `unexpected <${tag}> in ${html}`);
    assert.doesNotMatch(html, /<[^>]*\son\w+=/i);
    // The container's source is exactly the renderer's output, after the HTML escaping is undone.
    const analysis = analyze(hostile, { firstLine: 1 });
    assert.deepEqual(mermaidSources(html), [timelineToMermaid(analysis.timeline, { diagnostics: analysis.diagnostics }).source]);
    // And Mermaid itself gets no markup either: the document's title and labels are in the source, escaped.
    const [source] = mermaidSources(html);
    assert.match(source, /title .*script/);
    assert.doesNotMatch(source, /<(script|img|svg|iframe|\/div|\/pre)/i);
  });

  it('escapes a hostile info string on other fences too', () => {
    const html = render('```"><script>alert(1)</script>\nx\n```\n');
    assert.doesNotMatch(html, /<script/);
  });

  it('summarises problems for the container', () => {
    const d = (severity: 'error' | 'warning') => ({
      severity, code: 'c', message: 'm', messageData: { id: 'm' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    });
    assert.equal(problemSummary([]), '');
    assert.equal(problemSummary([d('error')]), '1 error');
    assert.equal(problemSummary([d('error'), d('error'), d('warning')]), '2 errors, 1 warning');
  });

  it('marks a block with problems: the list names each line in the Markdown file', function () {
    const md = 'A classmate\'s version:\n\n```tcpseq\nC->S SYN seq=x\nS->C SYN ACK seq=y ack=x+1\nC->S ACK seq=x+1 ack=y\n```\n';
    const html = render(md);
    const list = new RegExp(`<ul class="${PROBLEMS_CLASS}">(.*?)</ul>`).exec(html);
    assert.ok(list, `no problem list in ${html}`);
    // The wrong ack is on the block's third line: line 6 of the Markdown file.
    assert.match(list[1], /<li class="tcpseq-error" data-line="5">.*line 6<\/span>: .*y\+1/);
    assert.match(containers(html)[0], /data-problems="1 error"/);
  });

  it('speaks of Markdown lines everywhere: problem list, diagram notes and the messages themselves', () => {
    const html = render(readFileSync(join(SHARED_EXAMPLES, 'notes.md'), 'utf8'));
    assert.equal(containers(html).length, 2);
    // notes.md: the wrong ack is on Markdown line 16; the server's SYN it forgets is on line 15.
    const items = [...html.matchAll(/<li class="tcpseq-error" data-line="(\d+)">(.*?)<\/li>/g)];
    assert.equal(items.length, 1);
    assert.equal(items[0][1], '15');
    assert.match(items[0][2], /<span class="tcpseq-line">line 16<\/span>: ack should be y\+1: the SYN at line 15 /);
    const notes = mermaidSources(html)[1].split('\n').filter((l) => l.includes('✗'));
    assert.deepEqual(notes.map((l) => l.trim()), [
      'note over C,S:wrap: ✗ line 16#58; ack should be y+1#58; the SYN at line 15 takes one sequence number',
    ]);
  });
});
