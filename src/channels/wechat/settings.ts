/**
 * The wechat channel's settings, read once from the environment and the parsed flags and checked
 * before anything is sent. Every problem is a ConfigError naming the variable or flag, the rule
 * and the value received (never a secret's value).
 */
import { ConfigError } from '../../errors.js';

/** Where herald talks to WeChat unless HERALD_WECHAT_ENDPOINT says otherwise. */
export const DEFAULT_WECHAT_ENDPOINT = 'https://api.weixin.qq.com';

/** One `--data NAME=FIELD` mapping: a template keyword and the row field (or `{{…}}` text) filling it. */
export interface DataMapping {
  readonly name: string;
  /** A field name, or a template holding `{{field}}` placeholders. */
  readonly source: string;
  /** `#rrggbb` from `--color NAME=#hex`, when given. */
  readonly color?: string;
}

/** Everything the channel needs, validated. */
export interface WechatSettings {
  /** WECHAT_APPID; null only in --dry-run without credentials. */
  readonly appid: string | null;
  /** WECHAT_APPSECRET; null only in --dry-run without credentials. */
  readonly secret: string | null;
  /** Origin of the endpoint (scheme, host, port). */
  readonly origin: string;
  /** Path prefix of the endpoint ('' for the default), without a trailing slash. */
  readonly basePath: string;
  readonly templateId: string;
  readonly data: readonly DataMapping[];
  /** `--link` template source, or null. */
  readonly link: string | null;
  readonly miniprogramAppid: string | null;
  /** `--miniprogram-page` template source, or null. */
  readonly miniprogramPage: string | null;
  /** Absolute path of the shared token cache file, or null for none. */
  readonly tokenCache: string | null;
}

const APPID = /^wx[0-9a-f]{16}$/i;
const TEMPLATE_ID = /^[\w-]{1,128}$/;
const KEYWORD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const COLOR = /^#[0-9A-Fa-f]{6}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function optionalString(options: Readonly<Record<string, unknown>>, name: string): string | null {
  const value = options[name];
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'string') throw new ConfigError(`--${kebab(name)}: expected one value`);
  return value;
}

function stringList(options: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = options[name];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigError(`--${kebab(name)}: expected text values`);
}

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

/** Split `NAME=VALUE` for a flag, or throw naming the flag and the value. */
function splitPair(text: string, flag: string, rule: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new ConfigError(`${flag} '${text}': expected ${rule}`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function parseEndpoint(text: string): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`HERALD_WECHAT_ENDPOINT '${text}': expected an http(s) URL like ${DEFAULT_WECHAT_ENDPOINT}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`HERALD_WECHAT_ENDPOINT '${text}': expected an http(s) URL like ${DEFAULT_WECHAT_ENDPOINT}`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(
      `HERALD_WECHAT_ENDPOINT '${text}': plain http is allowed only to a loopback address (the AppSecret and access token would travel unencrypted); use https`,
    );
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`HERALD_WECHAT_ENDPOINT '${url.origin}…': expected a base URL without query, fragment or credentials`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function parseData(pairs: readonly string[], colorPairs: readonly string[]): DataMapping[] {
  if (pairs.length === 0) {
    throw new ConfigError('--data NAME=FIELD is required at least once (e.g. --data keyword1=order_no)');
  }
  const colors = new Map<string, string>();
  for (const text of colorPairs) {
    const [name, color] = splitPair(text, '--color', 'NAME=#rrggbb, e.g. keyword1=#173177');
    if (!COLOR.test(color)) throw new ConfigError(`--color '${text}': expected NAME=#rrggbb, e.g. keyword1=#173177`);
    colors.set(name, color);
  }
  const seen = new Set<string>();
  const data = pairs.map((text): DataMapping => {
    const [name, source] = splitPair(text, '--data', 'NAME=FIELD, e.g. keyword1=order_no');
    if (!KEYWORD.test(name)) {
      throw new ConfigError(`--data '${text}': '${name}' is not a template keyword (letters, digits, '_', like keyword1 or thing2)`);
    }
    if (seen.has(name)) throw new ConfigError(`--data '${text}': keyword '${name}' is given twice`);
    seen.add(name);
    const color = colors.get(name);
    return color === undefined ? { name, source } : { name, source, color };
  });
  for (const name of colors.keys()) {
    if (!seen.has(name)) throw new ConfigError(`--color ${name}=…: no --data ${name}=FIELD to colour`);
  }
  return data;
}

function requireLink(text: string | null, flag: string): string | null {
  if (text === null) return null;
  if (!/^https?:\/\/[^/{}\s]/i.test(text)) {
    throw new ConfigError(`${flag} '${text}': expected an http(s) URL whose scheme and host are written out (placeholders may follow)`);
  }
  return text;
}

/** Read and check the channel's settings; `dryRun` lets the credentials be absent. */
export function readSettings(
  options: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  dryRun: boolean,
  resolvePath: (path: string) => string,
): WechatSettings {
  const appid = env['WECHAT_APPID']?.trim() || null;
  const secret = env['WECHAT_APPSECRET']?.trim() || null;
  if (!dryRun && appid === null) throw new ConfigError('WECHAT_APPID is not set: export the AppID of the Official Account (wx…)');
  if (!dryRun && secret === null) throw new ConfigError('WECHAT_APPSECRET is not set: export the AppSecret of the Official Account');
  if (appid !== null && !APPID.test(appid)) {
    throw new ConfigError(`WECHAT_APPID '${appid}': expected 'wx' and 16 hexadecimal digits, as shown in the WeChat console`);
  }
  const { origin, basePath } = parseEndpoint(env['HERALD_WECHAT_ENDPOINT']?.trim() || DEFAULT_WECHAT_ENDPOINT);

  const templateId = optionalString(options, 'templateId');
  if (templateId === null) throw new ConfigError('--template-id is required: the template ID from the Official Account console');
  if (!TEMPLATE_ID.test(templateId)) {
    throw new ConfigError(`--template-id '${templateId}': expected the template ID (letters, digits, '-', '_')`);
  }
  const miniprogramAppid = optionalString(options, 'miniprogramAppid');
  const miniprogramPage = optionalString(options, 'miniprogramPage');
  if (miniprogramAppid !== null && !APPID.test(miniprogramAppid)) {
    throw new ConfigError(`--miniprogram-appid '${miniprogramAppid}': expected 'wx' and 16 hexadecimal digits`);
  }
  if (miniprogramPage !== null && miniprogramAppid === null) {
    throw new ConfigError('--miniprogram-page needs --miniprogram-appid (the mini program bound to the Official Account)');
  }
  const tokenCache = optionalString(options, 'tokenCache');

  return {
    appid,
    secret,
    origin,
    basePath,
    templateId,
    data: parseData(stringList(options, 'data'), stringList(options, 'color')),
    link: requireLink(optionalString(options, 'link'), '--link'),
    miniprogramAppid,
    miniprogramPage,
    tokenCache: tokenCache === null ? null : resolvePath(tokenCache),
  };
}
