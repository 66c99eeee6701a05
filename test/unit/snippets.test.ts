// Every snippet, inserted with its placeholders' default text, is a tcpseq document that checks
// with no error and no warning, and ends in the states its description promises.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze } from '../../src/core';
import type { Analysis, TcpState } from '../../src/core';

const SNIPPETS_FILE = resolve(__dirname, '../../../syntaxes/tcpseq.snippets.json');

interface Snippet {
  readonly prefix: string | readonly string[];
  readonly body: string | readonly string[];
  readonly description: string;
}

// ---------------------------------------------------------------------------------------------
// Snippet syntax (the subset of VS Code's that matters here): $1, ${1}, ${1:default} (defaults
// may nest), ${1|one,two|}, $0, and the escapes \$ \} \\ . A mirror ($2 after ${2:S}) takes the
// default of its placeholder, wherever that placeholder stands.

type SnippetNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tabstop'; readonly index: number; readonly children?: readonly SnippetNode[] };

class SnippetParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  /** Parses up to the end, or up to an unescaped `}` when inside a placeholder. */
  parse(insidePlaceholder = false): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && '$}\\'.includes(this.src[this.pos + 1] ?? '')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === '}' && insidePlaceholder) {
        this.pos++;
        flush();
        return nodes;
      } else if (c === '$') {
        const node = this.dollar();
        if (node) {
          flush();
          nodes.push(node);
        } else {
          text += '$';
          this.pos++;
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    if (insidePlaceholder) throw new Error(`unclosed placeholder in snippet body: ${JSON.stringify(this.src)}`);
    flush();
    return nodes;
  }

  /** `$...` at `pos`: a tab stop, a placeholder or a choice; undefined when `$` is plain text. */
  private dollar(): SnippetNode | undefined {
    const rest = this.src.slice(this.pos);
    const simple = /^\$(\d+)/.exec(rest);
    if (simple) {
      this.pos += simple[0].length;
      return { kind: 'tabstop', index: Number(simple[1]) };
    }
    const variable = /^\$\{?([A-Z_][A-Z_0-9]*)/i.exec(rest);
    if (variable) throw new Error(`snippet variable $${variable[1]} has no fixed value: use a placeholder`);
    const open = /^\$\{(\d+)([:|}])/.exec(rest);
    if (!open) return undefined;
    this.pos += open[0].length;
    const index = Number(open[1]);
    if (open[2] === '}') return { kind: 'tabstop', index };
    if (open[2] === ':') return { kind: 'tabstop', index, children: this.parse(true) };
    // A choice: its first option is what gets inserted.
    const close = this.src.indexOf('|}', this.pos);
    if (close < 0) throw new Error(`unclosed choice in snippet body: ${JSON.stringify(this.src)}`);
    const first = this.src.slice(this.pos, close).split(/(?<!\\),/)[0].replace(/\\(.)/g, '$1');
    this.pos = close + 2;
    return { kind: 'tabstop', index, children: [{ kind: 'text', text: first }] };
  }
}

/** The text VS Code inserts for a snippet body when every placeholder keeps its default. */
function expandSnippet(body: string | readonly string[]): string {
  const nodes = new SnippetParser(typeof body === 'string' ? body : body.join('\n')).parse();
  const defaults = new Map<number, readonly SnippetNode[]>();
  const collect = (list: readonly SnippetNode[]) => {
    for (const n of list) {
      if (n.kind === 'tabstop' && n.children) {
        if (!defaults.has(n.index)) defaults.set(n.index, n.children);
        collect(n.children);
      }
    }
  };
  collect(nodes);
  const render = (list: readonly SnippetNode[]): string =>
    list.map((n) => (n.kind === 'text' ? n.text : render(n.children ?? defaults.get(n.index) ?? []))).join('');
  return render(nodes);
}

// ---------------------------------------------------------------------------------------------

/** The exchanges the snippets must offer, with the states each ends in (endpoint -> state). */
const EXPECTED: Readonly<Record<string, Readonly<Record<string, TcpState>>>> = {
  'Three-way handshake': { C: 'ESTABLISHED', S: 'ESTABLISHED' },
  'Four-way teardown': { C: 'CLOSED', S: 'CLOSED' },
  'Teardown with half-close': { C: 'CLOSED', S: 'CLOSED' },
  'Simultaneous open': { A: 'ESTABLISHED', B: 'ESTABLISHED' },
  'Simultaneous close': { A: 'CLOSED', B: 'CLOSED' },
  'Connection refused': { C: 'CLOSED', S: 'CLOSED' },
  'Lost segment and retransmission': { C: 'ESTABLISHED', S: 'ESTABLISHED' },
};

function loadSnippets(): Record<string, Snippet> {
  return JSON.parse(readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, Snippet>;
}

function describeProblems(a: Analysis): string {
  return a.diagnostics.map((d) => `  line ${d.range.start.line + 1}: ${d.severity} ${d.code}: ${d.message}`).join('\n');
}

describe('snippet body expansion', () => {
  it('replaces placeholders and their mirrors by the default text', () => {
    assert.equal(expandSnippet(['${1:C}->${2:S} SYN seq=${3:x}', '$2->$1 ACK ack=$3+1$0']), 'C->S SYN seq=x\nS->C ACK ack=x+1');
  });
  it('takes a mirror that comes before its placeholder, nested defaults, choices and escapes', () => {
    assert.equal(expandSnippet('$1 ${1:a ${2:b}} $2 ${3|one,two|} \\$4 \\}'), 'a b a b b one $4 }');
  });
  it('refuses variables, whose value depends on the editor', () => {
    assert.throws(() => expandSnippet('title $TM_FILENAME'), /TM_FILENAME/);
  });
});

describe('snippets (syntaxes/tcpseq.snippets.json)', () => {
  const snippets = loadSnippets();

  it('offers every expected exchange, each with a prefix, a body and a description', () => {
    assert.deepEqual(Object.keys(snippets).sort(), Object.keys(EXPECTED).sort());
    for (const [name, s] of Object.entries(snippets)) {
      const prefixes = typeof s.prefix === 'string' ? [s.prefix] : s.prefix;
      assert.ok(prefixes.length > 0 && prefixes.every((p) => /^[a-z][a-z-]*$/.test(p)), `${name}: prefix`);
      assert.ok(s.description.length > 20, `${name}: description`);
      assert.match(typeof s.body === 'string' ? s.body : s.body.join('\n'), /\$\{1:/, `${name}: first tab stop`);
    }
  });

  it('gives each prefix to one snippet only', () => {
    const all = Object.values(snippets).flatMap((s) => (typeof s.prefix === 'string' ? [s.prefix] : [...s.prefix]));
    assert.equal(new Set(all).size, all.length, `duplicate prefixes in ${all.join(', ')}`);
  });

  for (const name of Object.keys(EXPECTED)) {
    it(`${name}: expands to a document with no error and no warning`, () => {
      const snippet = snippets[name];
      assert.ok(snippet, `no snippet named ${name}`);
      const text = expandSnippet(snippet.body);
      const analysis = analyze(text);
      const problems = analysis.diagnostics.filter((d) => d.severity !== 'information');
      assert.equal(problems.length, 0, `${name} expands to:\n${text}\nwhich draws:\n${describeProblems(analysis)}`);
      // Every line but blank ones is a statement the core understood.
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      assert.equal(analysis.parsed.statements.length, lines.length, `${name}: statements parsed`);
    });

    it(`${name}: ends in the states it describes`, () => {
      const analysis = analyze(expandSnippet(snippets[name].body));
      const last = analysis.timeline.events[analysis.timeline.events.length - 1];
      assert.ok(last, `${name}: the timeline is empty`);
      const states = Object.fromEntries(last.after.map((t) => [t.endpoint, t.state]));
      assert.deepEqual(states, EXPECTED[name]);
    });
  }

  it('Lost segment and retransmission: the segment is lost, then retransmitted', () => {
    const analysis = analyze(expandSnippet(snippets['Lost segment and retransmission'].body));
    const segments = analysis.timeline.events.flatMap((e) => (e.segment ? [e.segment] : []));
    const lost = segments.find((s) => s.arrow === '-x');
    const again = segments.find((s) => s.label === 'retransmission');
    assert.ok(lost && again, 'a lost segment and its retransmission');
    assert.equal(again.seq.text, lost.seq.text);
    assert.ok(again.remarks.includes('retransmission'), `remarks: ${again.remarks.join(', ')}`);
  });
});
