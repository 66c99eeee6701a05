// The command line's language: `--lang zh-cn`, or the locale of the environment (LC_ALL,
// LC_MESSAGES, LANG: `zh_CN.UTF-8`). The translations are the extension's own l10n bundles,
// read with @vscode/l10n, keyed by the English templates of the core's messages.
import * as l10n from '@vscode/l10n';
import { MESSAGES, renderMessage } from '../core/messages';
import type { Localizer, MessageTable } from '../core/messages';
import { EXPLAIN_MESSAGES } from '../core/explain';
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';

/** Translations by language; English needs none (the templates are English). */
const BUNDLES: Readonly<Record<string, Readonly<Record<string, string>>>> = { 'zh-cn': zhCn };

/** The languages `--lang` accepts. */
export const LANGUAGES: readonly string[] = ['en', 'zh-cn'];

/**
 * `zh-cn` for `zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh`; `en` for `en_US`, `C`, `POSIX`; undefined
 * for a language without translation (including traditional Chinese, `zh-TW`, which is not zh-cn).
 */
export function normalizeLanguage(tag: string): string | undefined {
  const t = tag.trim().toLowerCase().replace(/[.@].*$/, '').replace(/_/g, '-');
  if (t === '' || t === 'c' || t === 'posix' || t === 'en' || t.startsWith('en-')) return 'en';
  if (t === 'zh' || t === 'zh-cn' || t === 'zh-sg' || t === 'zh-hans' || t.startsWith('zh-hans-')) return 'zh-cn';
  return undefined;
}

/** The language the environment asks for, as gettext reads it; English when it names none we have. */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return normalizeLanguage(tag) ?? 'en';
}

/** Core messages and the command line's own sentences in `language` (one of LANGUAGES). */
export function cliLocalizer(language: string): Localizer {
  const bundle = BUNDLES[language] ?? {};
  // @vscode/l10n keeps one bundle at a time: set it before every lookup.
  const use = (): void => l10n.config({ contents: bundle });
  use();
  const table: Record<string, string> = {};
  for (const [id, english] of Object.entries({ ...MESSAGES, ...EXPLAIN_MESSAGES })) table[id] = l10n.t(english);
  const messages: MessageTable = table;
  return {
    message: (m) => renderMessage(m, messages),
    t: (template, args) => {
      use();
      return args ? l10n.t(template, args) : l10n.t(template);
    },
  };
}
