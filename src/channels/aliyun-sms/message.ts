/**
 * One Aliyun SMS as herald prepares it from a row: the number in Aliyun's form, the template
 * variables (strings only, in --param order) and, when the template's text is known, the SMS as
 * the recipient reads it and its billed length. Pure: no I/O.
 */
import type { Prepared } from '../channel.js';
import type { RowFields } from '../../input/row.js';
import { fieldText } from '../../render/template.js';
import { pathPrefix } from '../sms/endpoint.js';
import { checkPhone } from '../sms/phone.js';
import { countAliyunSegments, countSegments } from '../sms/segments.js';
import type { AliyunSettings } from './settings.js';

/** A prepared Aliyun SMS. */
export interface AliyunMessage {
  /** `PhoneNumbers` value: mainland 11 digits, or country code + number. */
  readonly phone: string;
  /** Template variables, in --param order. */
  readonly params: Readonly<Record<string, string>>;
  /** `TemplateParam`: the variables as a JSON object of strings (null without --param). */
  readonly templateParam: string | null;
  /** The SMS as received (`【签名】` + filled template), when --template-text is given. */
  readonly content: string | null;
  /** Billed SMS, when the content is known. */
  readonly segments: number | null;
}

const TEMPLATE_VARIABLE = /\$\{([^}]*)\}/g;

/** Builds messages from rows for fixed settings (compiled once per run). */
export function messageBuilder(settings: AliyunSettings, toField: string): (fields: RowFields) => Prepared<AliyunMessage> {
  const { params, templateText, signName } = settings;
  return (fields) => {
    const raw = fields[toField];
    if (raw === undefined) return { ok: false, reason: `row lacks the phone field '${toField}' (--to)` };
    const phone = checkPhone(raw, { mainlandByDefault: true });
    if (!phone.ok) return { ok: false, reason: phone.reason };
    const values: Record<string, string> = {};
    for (const p of params) {
      const value = fields[p.field];
      if (value === undefined) return { ok: false, reason: `--param ${p.name}=${p.field}: this row lacks field '${p.field}'` };
      values[p.name] = fieldText(value);
    }
    let content: string | null = null;
    let segments: number | null = null;
    if (templateText !== null) {
      const body = templateText.replace(TEMPLATE_VARIABLE, (_, name: string) => values[name.trim()] ?? '');
      // Mainland SMS carry the signature and Aliyun bills by characters; others go by GSM-7/UCS-2.
      content = phone.number.mainland ? `【${signName}】${body}` : body;
      segments = phone.number.mainland ? countAliyunSegments(content).segments : countSegments(content).segments;
    }
    return {
      ok: true,
      message: {
        phone: phone.number.aliyun,
        params: values,
        templateParam: params.length === 0 ? null : JSON.stringify(values),
        content,
        segments,
      },
    };
  };
}

/** The message in full as it would go out (for --dry-run): no secret is part of it. */
export function describeMessage(settings: AliyunSettings, message: AliyunMessage, idempotencyKey: string): string {
  const lines = [
    settings.batch > 1 ? `Aliyun SendBatchSms (up to ${settings.batch} numbers per call)` : 'Aliyun SendSms',
    `  PhoneNumbers:  ${message.phone}`,
    `  SignName:      ${settings.signName}`,
    `  TemplateCode:  ${settings.templateCode}`,
  ];
  if (message.templateParam !== null) lines.push(`  TemplateParam: ${message.templateParam}`);
  lines.push(`  OutId:         ${idempotencyKey}`, `  Endpoint:      ${settings.endpoint.origin}${pathPrefix(settings.endpoint)}`);
  if (message.content !== null && message.segments !== null) {
    lines.push('', message.content, '', `(${[...message.content].length} characters, ${message.segments} billed SMS)`);
  } else {
    lines.push('', '(give --template-text FILE with the approved template to see the SMS and its billed length)');
  }
  return lines.join('\n');
}
