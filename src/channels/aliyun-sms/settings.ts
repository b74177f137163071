/**
 * The aliyun-sms channel's settings, read once from flags and the environment and checked before
 * anything is sent: every problem is a ConfigError naming the flag or variable, the rule and the
 * value received (never a secret's value).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChannelSetup } from '../channel.js';
import { ConfigError } from '../../errors.js';

/** Aliyun's endpoint for all mainland regions. */
export const DEFAULT_ALIYUN_ENDPOINT = 'https://dysmsapi.aliyuncs.com';
/** SendBatchSms takes at most this many numbers per call. */
export const MAX_BATCH = 100;

/** One `--param NAME=FIELD`: template variable NAME takes the row's FIELD. */
export interface ParamMapping {
  readonly name: string;
  readonly field: string;
}

/** Everything the channel needs, validated. */
export interface AliyunSettings {
  readonly signName: string;
  readonly templateCode: string;
  readonly params: readonly ParamMapping[];
  /** Numbers per SendBatchSms call; 1 sends each row with SendSms. */
  readonly batch: number;
  readonly endpoint: URL;
  /** Absent only in --dry-run. */
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string } | null;
  /** The approved template's text with `${name}` variables (--template-text), for length and preview. */
  readonly templateText: string | null;
}

const VARIABLE_NAME = /^[A-Za-z0-9_]+$/;
const TEMPLATE_VARIABLE = /\$\{([^}]*)\}/g;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function text(options: ChannelSetup['options'], name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function list(options: ChannelSetup['options'], name: string): string[] {
  const value = options[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

function parseParams(values: readonly string[]): ParamMapping[] {
  const params: ParamMapping[] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? '' : value.slice(0, eq).trim();
    const field = eq === -1 ? '' : value.slice(eq + 1).trim();
    if (!VARIABLE_NAME.test(name) || field === '') {
      throw new ConfigError(`--param must be NAME=FIELD (a template variable and a column), got '${value}'`);
    }
    if (params.some((p) => p.name === name)) throw new ConfigError(`--param ${name} is given twice`);
    params.push({ name, field });
  }
  return params;
}

function parseBatch(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH) {
    throw new ConfigError(`--batch must be a whole number from 1 to ${MAX_BATCH} (SendBatchSms's limit), got '${value}'`);
  }
  return n;
}

function parseEndpoint(value: string | undefined, warn: (line: string) => void): URL {
  const raw = value === undefined || value.trim() === '' ? DEFAULT_ALIYUN_ENDPOINT : value.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`HERALD_ALIYUN_ENDPOINT must be a URL like ${DEFAULT_ALIYUN_ENDPOINT}, got '${raw}'`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(`HERALD_ALIYUN_ENDPOINT must be an http(s) origin without a path, like ${DEFAULT_ALIYUN_ENDPOINT}, got '${raw}'`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    warn(`HERALD_ALIYUN_ENDPOINT ${url.origin} is plain HTTP: phone numbers and message parameters travel unencrypted`);
  }
  return url;
}

function readCredentials(setup: ChannelSetup): AliyunSettings['credentials'] {
  const accessKeyId = setup.env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim() ?? '';
  const accessKeySecret = setup.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim() ?? '';
  if (accessKeyId !== '' && accessKeySecret !== '') return { accessKeyId, accessKeySecret };
  if (setup.dryRun) return null;
  const missing = accessKeyId === '' ? 'ALIBABA_CLOUD_ACCESS_KEY_ID' : 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';
  throw new ConfigError(`${missing} is not set: export the AccessKey of a RAM user allowed to send SMS (or put it in --env-file)`);
}

function readTemplateText(file: string | undefined, cwd: string, params: readonly ParamMapping[]): string | null {
  if (file === undefined || file === '') return null;
  let source: string;
  try {
    source = readFileSync(resolve(cwd, file), 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`--template-text ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const used = new Set([...source.matchAll(TEMPLATE_VARIABLE)].map((m) => (m[1] ?? '').trim()));
  for (const name of used) {
    if (!params.some((p) => p.name === name)) {
      throw new ConfigError(`--template-text ${file} uses \${${name}}, which no --param gives (add --param ${name}=FIELD)`);
    }
  }
  for (const p of params) {
    if (!used.has(p.name)) throw new ConfigError(`--param ${p.name}=${p.field}: the template in ${file} has no \${${p.name}}`);
  }
  return source;
}

/** Read and check the channel's flags and environment once, before the first row. */
export function readAliyunSettings(setup: ChannelSetup): AliyunSettings {
  const signName = text(setup.options, 'signName');
  if (signName === undefined || signName === '') {
    throw new ConfigError('--sign-name is required: the approved SMS signature (签名), e.g. --sign-name 阿里云短信测试');
  }
  const templateCode = text(setup.options, 'templateCode');
  if (templateCode === undefined || !/^[A-Za-z0-9_]+$/.test(templateCode)) {
    throw new ConfigError(`--template-code is required: the approved template's code, like SMS_123456789, got '${templateCode ?? ''}'`);
  }
  const params = parseParams(list(setup.options, 'param'));
  return {
    signName,
    templateCode,
    params,
    batch: parseBatch(text(setup.options, 'batch')),
    endpoint: parseEndpoint(setup.env.HERALD_ALIYUN_ENDPOINT, (line) => setup.warn(line)),
    credentials: readCredentials(setup),
    templateText: readTemplateText(text(setup.options, 'templateText'), setup.cwd, params),
  };
}
