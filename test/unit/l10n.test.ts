// The Chinese (zh-cn) localization: the bundles are complete and current, translations keep their
// placeholders and are really Chinese, and `tcpseq check --lang zh-cn` (or LANG=zh_CN.UTF-8) prints
// every diagnostic in Chinese.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MESSAGES } from '../../src/core/messages';
import { EXPLAIN_MESSAGES } from '../../src/core/explain';
import { cliLocalizer, languageFromEnv, normalizeLanguage } from '../../src/cli/l10n';
import { checkText } from '../../src/cli/check';
import { REPO, SHARED_EXAMPLES } from './marks';

const CLI = path.join(REPO, 'dist', 'cli.js');
const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8'));
const english = readJson('l10n/bundle.l10n.json');
const chinese = readJson('l10n/bundle.l10n.zh-cn.json');
const CJK = /[\u4e00-\u9fff]/;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

/** Words that stay as written in TCP (flags, states, fields, units): not a sign of English prose. */
const TCP_WORDS = /\b(SYN|ACK|FIN|RST|PSH|URG|ECE|CWR|SND\.NXT|RCV\.NXT|ISS|MSL|TCB|RFC|TCP|seq|ack|len|win|mss|wscale|sackok|old|Fast Open|Mermaid|PNG|SVG|GitHub|tcpseq|par|end|note|title|participant|wait|msl|as|ID|STATE|LISTEN|CLOSED|ESTABLISHED|TIME-WAIT|SYN-SENT|SYN-RECEIVED|FIN-WAIT-[12]|CLOSE-WAIT|CLOSING|LAST-ACK|min|ms|h|s|x|ok)\b/g;

/** All documents the project ships: the shared examples and the test fixtures. */
function documents(): string[] {
  const dirs = [SHARED_EXAMPLES, path.join(REPO, 'test', 'fixtures', 'documents')];
  return dirs.flatMap((d) => fs.readdirSync(d).filter((f) => /\.(tcpseq|md)$/.test(f)).map((f) => path.join(d, f)));
}

function runCli(args: string[], env: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('l10n: Chinese (zh-cn) bundles', () => {
  it('l10n/bundle.l10n.json is current (npm run l10n regenerates it)', function () {
    this.timeout(30_000);
    const r = spawnSync(process.execPath, [path.join(REPO, 'src', 'tools', 'l10n.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('every core message id has a zh-cn translation', () => {
    const missing = Object.entries({ ...MESSAGES, ...EXPLAIN_MESSAGES })
      .filter(([, template]) => !chinese[template]?.trim())
      .map(([id]) => id);
    assert.deepEqual(missing, []);
  });

  it('every string of the English bundle has a zh-cn translation, and zh-cn has nothing else', () => {
    assert.deepEqual(Object.keys(english).filter((k) => !chinese[k]?.trim()), []);
    assert.deepEqual(Object.keys(chinese).filter((k) => !(k in english)), []);
  });

  it('translations keep exactly the placeholders of the English', () => {
    const wrong = Object.keys(english).filter((k) => chinese[k] && placeholders(k).join() !== placeholders(chinese[k]).join());
    assert.deepEqual(wrong, []);
  });

  it('every sentence is translated into Chinese, not copied', () => {
    const copied = Object.keys(english).filter((k) => {
      const prose = k.replace(/\{\w+\}/g, '').replace(/`[^`]*`/g, '').replace(/'[^']*'/g, '').replace(TCP_WORDS, '');
      const words = prose.match(/[A-Za-z]{2,}/g) ?? [];
      return words.length >= 2 && !CJK.test(chinese[k] ?? '');
    });
    assert.deepEqual(copied, []);
  });

  it('keeps state names, flags and field names in Latin', () => {
    for (const [k, v] of Object.entries(chinese)) {
      for (const term of k.match(/\b(SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|LAST-ACK|TIME-WAIT|SND\.NXT|RCV\.NXT)\b/g) ?? []) {
        assert.ok(v.includes(term), `${term} kept in ${JSON.stringify(v)}`);
      }
    }
  });

  it('package.nls.zh-cn.json translates every key of package.nls.json, and package.json uses only those', () => {
    const nls = readJson('package.nls.json');
    const zh = readJson('package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(nls).sort());
    for (const k of Object.keys(nls)) assert.match(zh[k], CJK, k);
    const used = [...fs.readFileSync(path.join(REPO, 'package.json'), 'utf8').matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]);
    assert.ok(used.length >= 10);
    assert.deepEqual(used.filter((k) => !(k in nls)), []);
  });
});

describe('l10n: command line language', () => {
  it('reads zh-cn from --lang spellings and from the locale of the environment', () => {
    for (const tag of ['zh-cn', 'zh-CN', 'zh_CN.UTF-8', 'zh', 'zh-Hans']) assert.equal(normalizeLanguage(tag), 'zh-cn', tag);
    for (const tag of ['en', 'en_US.UTF-8', 'C', 'POSIX', 'C.UTF-8']) assert.equal(normalizeLanguage(tag), 'en', tag);
    assert.equal(normalizeLanguage('zh-TW'), undefined);
    assert.equal(normalizeLanguage('fr'), undefined);
    assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
    assert.equal(languageFromEnv({ LANG: 'de_DE.UTF-8' }), 'en');
    assert.equal(languageFromEnv({}), 'en');
  });

  it('renders every diagnostic code of the examples and fixtures in Chinese, in process', () => {
    const zh = cliLocalizer('zh-cn');
    const en = cliLocalizer('en');
    const codes = new Set<string>();
    for (const file of documents()) {
      const text = fs.readFileSync(file, 'utf8');
      const english = checkText(file, text, en);
      const chinese = checkText(file, text, zh);
      assert.equal(chinese.length, english.length);
      chinese.forEach((d, i) => {
        codes.add(d.code);
        assert.match(d.message, CJK, `${path.basename(file)}:${d.line} [${d.code}] ${d.message}`);
        assert.notEqual(d.message, english[i].message);
        assert.doesNotMatch(d.message, /\{\w+\}/, 'every placeholder filled');
        if (d.fix) assert.match(d.fix.title, /改为|加上|删除/);
      });
    }
    assert.ok(codes.size >= 15, `codes seen: ${[...codes].join(', ')}`);
  });

  it('tcpseq check --lang zh-cn prints the Chinese message for each diagnostic code', function () {
    this.timeout(60_000);
    const files = documents();
    const zh = runCli(['check', '--lang', 'zh-cn', ...files], {});
    const en = runCli(['check', '--lang', 'en', ...files], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.status, 1);
    const zhLines = zh.stdout.trim().split('\n');
    const enLines = en.stdout.trim().split('\n');
    assert.equal(zhLines.length, enLines.length);
    const codes = new Set<string>();
    zhLines.forEach((line, i) => {
      const m = /^(.*?:\d+:\d+: (?:error|warning|information)): (.*) \[([\w-]+)\]$/.exec(line);
      assert.ok(m, line);
      codes.add(m[3]);
      assert.ok(enLines[i].startsWith(`${m[1]}: `), 'same place and severity in both languages');
      assert.ok(enLines[i].endsWith(`[${m[3]}]`));
      assert.match(m[2], CJK, line);
    });
    assert.ok(codes.size >= 15);
  });

  it('prints the notes\' arithmetic in Chinese for arithmetic-mistakes.tcpseq, from --lang or LANG', () => {
    const file = path.join(SHARED_EXAMPLES, 'arithmetic-mistakes.tcpseq');
    const byFlag = runCli(['check', '--lang', 'zh-cn', file], {});
    const byEnv = runCli(['check', file], { LANG: 'zh_CN.UTF-8' });
    assert.equal(byFlag.stdout, byEnv.stdout);
    assert.match(byFlag.stdout, /: error: ack 应为 x\+1：第 \d+ 行的 SYN 占用一个序号 \[ack-mismatch\]/);
    assert.match(byFlag.stdout, /字节数据/);
  });

  it('--format json carries the Chinese message and fix title', () => {
    const file = path.join(SHARED_EXAMPLES, 'arithmetic-mistakes.tcpseq');
    const r = runCli(['check', '--format', 'json', '--lang=zh-cn', file], {});
    const list = JSON.parse(r.stdout) as { message: string; fix?: { title: string } }[];
    assert.ok(list.length > 0);
    for (const d of list) assert.match(d.message, CJK);
    assert.ok(list.some((d) => d.fix && /^改为 /.test(d.fix.title)));
  });

  it('refuses a language it has no translation for, with the list of languages', () => {
    const r = runCli(['check', '--lang', 'fr', path.join(SHARED_EXAMPLES, 'handshake.tcpseq')], {});
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--lang must be one of en, zh-cn, not 'fr'/);
  });
});
