// The diagram in Chinese: the words the renderer adds itself (arrival markers, expected values,
// wait notes, remarks) come from the zh-cn bundle through the `l10n` option, and
// `tcpseq render --lang zh-cn` (or LANG=zh_CN.UTF-8) draws Chinese problem notes. English stays as
// it was when no language is given.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../src/core';
import type { SegmentRemark } from '../../src/core/types';
import { cliLocalizer } from '../../src/cli/l10n';
import { diagramOfFile, parseRenderArgs } from '../../src/cli/render';
import { segmentLabel, timelineToMermaid } from '../../src/render/mermaid';
import { exampleFiles, FIXTURES, REPO, SHARED_EXAMPLES } from './marks';
import { segment, value } from './renderTimelines';

const CLI = path.join(REPO, 'dist', 'cli.js');
const zh = cliLocalizer('zh-cn');
const CJK = /[\u4e00-\u9fff]/;

/** Lost, retransmitted, in flight, a wrong ack, a wait, and a segment still in flight at the end. */
const DOCUMENT = [
  'C->S SYN seq=x',
  'S->C SYN ACK seq=y ack=x',
  'C->S ACK seq=x+1 ack=y+1',
  'C-xS ACK seq=x+1 ack=y+1 len=100',
  'C->S ACK seq=x+1 ack=y+1 len=100',
  'C~>S ACK seq=x+101 ack=y+1 len=50',
  'S->C ACK seq=y+1 ack=x+151',
  'C->S FIN ACK seq=x+151 ack=y+1',
  'wait 2MSL',
  'S->C FIN ACK seq=y+1 ack=x+152',
  'C~>S ACK seq=x+152 ack=y+2',
  '',
].join('\n');

function draw(text: string, chinese: boolean): string[] {
  const a = analyze(text);
  const source = timelineToMermaid(a.timeline, { diagnostics: a.diagnostics, ...(chinese ? { l10n: zh } : {}) }).source;
  return source.trim().split('\n').map((l) => l.trim());
}

/** Every remark with its Chinese; a Record, so the compiler fails when a remark is added without one. */
const REMARKS: Record<SegmentRemark, [english: string, chinese: string]> = {
  'retransmission': ['retransmission', '重传'],
  'spurious-retransmission': ['spurious retransmission', '不必要的重传'],
  'keep-alive': ['keep alive', '保活探测'],
  'out-of-order': ['out of order', '乱序到达'],
  'duplicate-ack': ['duplicate ack', '重复确认'],
  'old-duplicate': ['old duplicate', '旧的重复报文段'],
  'window-probe': ['window probe', '窗口探测'],
  'challenge-ack': ['challenge ack', '挑战 ACK'],
  'reset': ['reset', '复位'],
  'refused': ['refused', '连接被拒绝'],
  'dropped': ['dropped', '被丢弃'],
  'not-allowed': ['not allowed', '不允许发送'],
  'reincarnation': ['reincarnation', '连接的新实例'],
};

function withRemark(remark: SegmentRemark, label?: string) {
  return segment(3, 'C', 'S', ['ACK'], { seq: 'x+1', ack: 'y+1', len: 10, remarks: [remark], label }).segment!;
}

describe('render: the diagram\'s own words in Chinese (zh-cn)', () => {
  it('draws arrivals, expected values, waits and problem notes in Chinese', () => {
    const lines = draw(DOCUMENT, true);
    assert.ok(lines.includes('S->>C: SYN, ACK seq=y ack=x [期望值 x+1]'), lines.join('\n'));
    assert.ok(lines.includes('C->>S: ACK seq=x+1 ack=y+1 len=100<br>重传'));
    assert.ok(lines.includes('note left of S: ⤷ 到达：ACK seq=x+101'));
    assert.ok(lines.includes('note over C,S: 等待 2 MSL (4 min)'));
    assert.ok(lines.includes('note left of S: ⤷ 在末尾到达：ACK seq=x+152'));
    assert.ok(lines.includes('note over S,C:wrap: ✗ 第 2 行：ack 应为 x+1：第 1 行的 SYN 占用一个序号'));
  });

  it('draws the same diagram in English without a language, word for word as before', () => {
    const lines = draw(DOCUMENT, false);
    assert.ok(lines.includes('S->>C: SYN, ACK seq=y ack=x [expected x+1]'));
    assert.ok(lines.includes('C->>S: ACK seq=x+1 ack=y+1 len=100<br>retransmission'));
    assert.ok(lines.includes('note left of S: ⤷ arrives#58; ACK seq=x+101'));
    assert.ok(lines.includes('note over C,S: wait 2 MSL (4 min)'));
    assert.ok(lines.includes('note left of S: ⤷ arrives at the end#58; ACK seq=x+152'));
    // Same statements in both languages: only words change, never the diagram's structure.
    const zhLines = draw(DOCUMENT, true);
    assert.equal(zhLines.length, lines.length);
    zhLines.forEach((l, i) => assert.equal(l.split(/[:：]/)[0], lines[i].split(/[:：]/)[0]));
  });

  it('names every segment remark in Chinese, and leaves out one the user\'s label already says', () => {
    for (const [remark, [english, chinese]] of Object.entries(REMARKS) as [SegmentRemark, [string, string]][]) {
      assert.ok(segmentLabel(withRemark(remark)).endsWith(`<br>${english}`), remark);
      assert.equal(segmentLabel(withRemark(remark), true, zh), `ACK seq=x+1 ack=y+1 len=10<br>${chinese}`);
      // A label that already says it, in Chinese or in English: the remark is not repeated.
      assert.equal(segmentLabel(withRemark(remark, chinese), true, zh), `ACK seq=x+1 ack=y+1 len=10<br>${chinese}`);
      assert.equal(segmentLabel(withRemark(remark, english), true, zh), `ACK seq=x+1 ack=y+1 len=10<br>${english}`);
    }
    const old = segment(3, 'C', 'S', ['SYN'], { seq: 'z', old: true }).segment!;
    assert.equal(segmentLabel(old, true, zh), 'SYN seq=z<br>旧的重复报文段');
    const bare = segment(3, 'C', 'S', [], { seq: value('x+1', false) }).segment!;
    assert.equal(segmentLabel(bare, true, zh), '（无标志位） seq=(x+1)');
    assert.equal(segmentLabel(bare), '(no flags) seq=(x+1)');
  });

  it('leaves no English word of its own in the Chinese diagrams of the examples and fixtures', () => {
    const files = [...exampleFiles(SHARED_EXAMPLES), ...exampleFiles(FIXTURES)].filter((f) => f.endsWith('.tcpseq'));
    let remarks = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const en = draw(text, false);
      const lines = draw(text, true);
      assert.equal(lines.length, en.length, file);
      // A user's label (`: retransmission`) stays as written: only the renderer's own words change.
      const labels = new Set(analyze(text).timeline.events.map((e) => e.segment?.label?.trim()));
      for (const [i, line] of lines.entries()) {
        const where = `${path.basename(file)}: ${line}`;
        assert.doesNotMatch(line, /⤷ arrives|\[expected |\(no flags\)|^note over [\w,]+: wait |✗ line |⚠ line /, where);
        // The remarks drawn in English (items of the arrow's second line) are drawn in Chinese.
        const items = en[i].split('<br>')[1]?.split(' · ') ?? [];
        for (const [english, chinese] of Object.values(REMARKS)) {
          if (!items.includes(english) || labels.has(english)) continue;
          remarks++;
          assert.ok(line.split('<br>')[1].split(' · ').includes(chinese), where);
        }
      }
    }
    assert.ok(remarks >= 3, `segments with remarks: ${remarks}`);
  });

  it('breaks a long Chinese note over one lifeline between characters, not only at spaces', () => {
    const lines = draw('C->S SYN seq=x\nS->C SYN ACK seq=y ack=x+1\nC: LISTEN\n', true);
    const note = lines.find((l) => l.startsWith('note over C: ✗'));
    assert.ok(note, lines.join('\n'));
    const parts = note.slice('note over C: '.length).split('<br>');
    assert.ok(parts.length >= 2, note);
    // 56 columns a line, a Chinese character taking two.
    for (const p of parts) assert.ok(p.replace(/[\u4e00-\u9fff\uff00-\uffef]/g, '..').length <= 56, p);
    const noSpaces = (t: string) => t.replace(/ /g, '');
    assert.equal(noSpaces(parts.join('')), noSpaces('✗ 第 3 行：C 此时处于 ESTABLISHED，而不是 LISTEN：它在第 2 行进入 ESTABLISHED（收到 SYN,ACK）'), 'nothing lost');
  });
});

describe('tcpseq render --lang', () => {
  function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [CLI, 'render', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  const FILE = path.join(SHARED_EXAMPLES, 'arithmetic-mistakes.tcpseq');

  it('takes the language from --lang, else from LC_ALL, LC_MESSAGES or LANG', () => {
    const parse = (args: string[], env: NodeJS.ProcessEnv) => {
      const r = parseRenderArgs([FILE, '--to', 'mermaid', ...args], env);
      assert.ok(typeof r !== 'string', String(r));
      return r.language;
    };
    assert.equal(parse([], {}), 'en');
    assert.equal(parse([], { LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.equal(parse(['--lang', 'en'], { LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(parse(['--lang=zh-CN'], { LANG: 'C' }), 'zh-cn');
    assert.equal(parseRenderArgs([FILE, '--to', 'mermaid', '--lang', 'fr'], {}), "--lang must be one of en, zh-cn, not 'fr'");
  });

  it('draws Chinese problem notes and words with --lang zh-cn or LANG=zh_CN.UTF-8, English with --lang en', () => {
    const byFlag = runCli([FILE, '--to', 'mermaid', '--lang', 'zh-cn']);
    const byEnv = runCli([FILE, '--to', 'mermaid'], { LANG: 'zh_CN.UTF-8' });
    const english = runCli([FILE, '--to', 'mermaid', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(byFlag.status, 0, byFlag.stderr);
    assert.equal(byEnv.stdout, byFlag.stdout);
    const notes = byFlag.stdout.split('\n').filter((l) => l.includes('✗')).map((l) => l.trim());
    assert.deepEqual(notes, [
      'note over S,C:wrap: ✗ 第 3 行：ack 应为 x+1：第 2 行的 SYN 占用一个序号',
      'note over S,C:wrap: ✗ 第 6 行：ack 应为 x+101：x+1 加上第 5 行的 100 字节数据，等于 x+101',
      'note over S,C:wrap: ✗ 第 8 行：seq 应为 y+1：第 3 行的 SYN 占用一个序号，而纯 ACK 不占用序号',
    ]);
    assert.match(byFlag.stdout, /S->>C: SYN, ACK seq=y ack=x \[期望值 x\+1\]/);
    assert.equal(english.status, 0);
    assert.match(english.stdout, /✗ line 3#58; ack should be x\+1#58; the SYN at line 2 takes one sequence number/);
    assert.match(english.stdout, /\[expected x\+1\]/);
    assert.doesNotMatch(english.stdout, CJK);
  });

  it('draws a Markdown block in Chinese at the file\'s lines', () => {
    const notes = path.join(SHARED_EXAMPLES, 'notes.md');
    const d = diagramOfFile(notes, fs.readFileSync(notes, 'utf8'), 2, zh);
    assert.ok(typeof d !== 'string', String(d));
    assert.match(d.source, /✗ 第 16 行：ack 应为 y\+1：第 15 行的 SYN 占用一个序号/);
  });

  it('refuses a language it has no translation for, before reading the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpseq-render-lang-'));
    try {
      const r = runCli([path.join(dir, 'missing.tcpseq'), '--to', 'mermaid', '--lang', 'fr']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--lang must be one of en, zh-cn, not 'fr'/);
      assert.match(r.stderr, /--lang +the language of the diagram/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
