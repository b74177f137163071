/**
 * The business checks of the simulator's actions, as Dysmsapi makes them once the gateway has let
 * a request through: required parameters, numbers, approved signature and template, template
 * variables (a JSON object of strings), batch arrays of equal length.
 */
import type { RpcParams } from '../../channels/aliyun-sms/signature.js';
import type { AliyunMockConfig } from './options.js';
import { normalizeNumber, type AcceptedSms } from './store.js';

/** A send the simulator may accept: one entry per number. */
export type PendingSms = Omit<AcceptedSms, 'bizId' | 'acceptedAt'>;

/** A refusal: Aliyun's code and, where useful, a message. */
export interface Refusal {
  readonly code: string;
  readonly message?: string;
}

/** Checked send, or why it is refused. */
export type SendCheck = { readonly ok: true; readonly messages: PendingSms[] } | ({ readonly ok: false } & Refusal);

/** Checked QuerySendDetails, or why it is refused. */
export type QueryCheck =
  | { readonly ok: true; readonly phone: string; readonly date: string; readonly page: number; readonly pageSize: number; readonly bizId?: string }
  | ({ readonly ok: false } & Refusal);

const MAX_SEND_NUMBERS = 1000;
const MAX_BATCH_NUMBERS = 100;
const MAX_OUT_ID = 256;
const TEMPLATE_VARIABLE = /\$\{([^}]*)\}/g;

function refuse(code: string, message?: string): { ok: false } & Refusal {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

function missing(params: RpcParams, names: readonly string[]): ({ ok: false } & Refusal) | null {
  const name = names.find((n) => (params[n] ?? '') === '');
  return name === undefined ? null : refuse(`Missing${name}`, `${name} is mandatory for this action.`);
}

/** A TemplateParam value: a JSON object whose values are all strings, or null if it is not one. */
function stringObject(value: unknown): Record<string, string> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string') ? Object.fromEntries(entries as [string, string][]) : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The SMS text as received: the signature in 【】 then the template with its variables filled. */
function content(config: AliyunMockConfig, signName: string, templateCode: string, params: Record<string, string> | null): string {
  const text = config.templates?.get(templateCode);
  const body =
    text === undefined ? Object.values(params ?? {}).join(' ') : text.replace(TEMPLATE_VARIABLE, (_, name: string) => params?.[name] ?? '');
  return `【${signName}】${body}`;
}

/** Signature, template and variables of one message, checked against the approved lists. */
function checkContent(config: AliyunMockConfig, signName: string, templateCode: string, params: Record<string, string> | null): Refusal | null {
  if (config.signNames !== null && !config.signNames.has(signName)) return { code: 'isv.SMS_SIGNATURE_ILLEGAL' };
  const text = config.templates === null ? undefined : config.templates.get(templateCode);
  if (config.templates !== null && text === undefined) return { code: 'isv.SMS_TEMPLATE_ILLEGAL' };
  for (const match of text?.matchAll(TEMPLATE_VARIABLE) ?? []) {
    if (params?.[match[1] ?? ''] === undefined) return { code: 'isv.TEMPLATE_MISSING_PARAMETERS', message: `模版缺少变量:${match[1]}` };
  }
  return null;
}

/** Check a SendSms request. */
export function checkSendSms(params: RpcParams, config: AliyunMockConfig): SendCheck {
  const absent = missing(params, ['PhoneNumbers', 'SignName', 'TemplateCode']);
  if (absent) return absent;
  const numbers = params.PhoneNumbers!.split(',');
  if (numbers.length > MAX_SEND_NUMBERS) return refuse('isv.MOBILE_COUNT_OVER_LIMIT');
  const phones = numbers.map(normalizeNumber);
  if (phones.some((p) => p === null)) return refuse('isv.MOBILE_NUMBER_ILLEGAL');
  let templateParam: Record<string, string> | null = null;
  if ((params.TemplateParam ?? '') !== '') {
    templateParam = stringObject(parseJson(params.TemplateParam!));
    if (templateParam === null) return refuse('isv.INVALID_JSON_PARAM');
  }
  if ((params.OutId ?? '').length > MAX_OUT_ID) return refuse('isv.INVALID_PARAMETERS', 'OutId 超过长度限制');
  const signName = params.SignName!;
  const templateCode = params.TemplateCode!;
  const refusal = checkContent(config, signName, templateCode, templateParam);
  if (refusal) return { ok: false, ...refusal };
  const text = content(config, signName, templateCode, templateParam);
  const outId = params.OutId ?? null;
  return {
    ok: true,
    messages: (phones as string[]).map((phone) => ({ action: 'SendSms', phone, signName, templateCode, templateParam, outId, content: text })),
  };
}

/** Check a SendBatchSms request (index-aligned JSON arrays). */
export function checkSendBatchSms(params: RpcParams, config: AliyunMockConfig): SendCheck {
  const absent = missing(params, ['PhoneNumberJson', 'SignNameJson', 'TemplateCode']);
  if (absent) return absent;
  const numbers = parseJson(params.PhoneNumberJson!);
  const signs = parseJson(params.SignNameJson!);
  if (!Array.isArray(numbers) || !Array.isArray(signs) || numbers.length === 0) return refuse('isv.INVALID_PARAMETERS');
  if (numbers.length > MAX_BATCH_NUMBERS) return refuse('isv.MOBILE_COUNT_OVER_LIMIT');
  if (signs.length !== numbers.length || !signs.every((s) => typeof s === 'string' && s !== '')) {
    return refuse('isv.INVALID_PARAMETERS', 'SignNameJson 与 PhoneNumberJson 数量不一致');
  }
  let paramList: (Record<string, string> | null)[] = numbers.map(() => null);
  if ((params.TemplateParamJson ?? '') !== '') {
    const parsed = parseJson(params.TemplateParamJson!);
    if (!Array.isArray(parsed) || parsed.length !== numbers.length) return refuse('isv.INVALID_PARAMETERS', 'TemplateParamJson 数量不一致');
    paramList = parsed.map(stringObject);
    if (paramList.some((p) => p === null)) return refuse('isv.INVALID_JSON_PARAM');
  }
  if ((params.OutId ?? '').length > MAX_OUT_ID) return refuse('isv.INVALID_PARAMETERS', 'OutId 超过长度限制');
  const templateCode = params.TemplateCode!;
  const messages: PendingSms[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const phone = typeof numbers[i] === 'string' ? normalizeNumber(numbers[i] as string) : null;
    if (phone === null) return refuse('isv.MOBILE_NUMBER_ILLEGAL');
    const signName = signs[i] as string;
    const templateParam = paramList[i] ?? null;
    const refusal = checkContent(config, signName, templateCode, templateParam);
    if (refusal) return { ok: false, ...refusal };
    const text = content(config, signName, templateCode, templateParam);
    messages.push({ action: 'SendBatchSms', phone, signName, templateCode, templateParam, outId: params.OutId ?? null, content: text });
  }
  return { ok: true, messages };
}

/** Check a QuerySendDetails request. */
export function checkQuery(params: RpcParams): QueryCheck {
  const absent = missing(params, ['PhoneNumber', 'SendDate', 'PageSize', 'CurrentPage']);
  if (absent) return absent;
  const phone = normalizeNumber(params.PhoneNumber!);
  if (phone === null) return refuse('isv.MOBILE_NUMBER_ILLEGAL');
  if (!/^\d{8}$/.test(params.SendDate!)) return refuse('isv.INVALID_PARAMETERS', 'SendDate 格式应为 yyyyMMdd');
  const pageSize = Number(params.PageSize);
  const page = Number(params.CurrentPage);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50 || !Number.isInteger(page) || page < 1) {
    return refuse('isv.INVALID_PARAMETERS', 'PageSize 取值 1-50，CurrentPage 从 1 开始');
  }
  const base = { ok: true as const, phone, date: params.SendDate!, page, pageSize };
  return (params.BizId ?? '') === '' ? base : { ...base, bizId: params.BizId! };
}
