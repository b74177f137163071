/**
 * Rendering of one row into a template message: the recipient's openid, the template's keyword
 * values, and the link or mini program page it opens. Templates are compiled once.
 */
import type { Prepared, TemplateField } from '../channel.js';
import type { RowFields } from '../../input/row.js';
import { compileTemplate, fieldText, findPlaceholders, type Template } from '../../render/template.js';
import { asIs, urlComponent } from '../../render/escape.js';
import type { WechatSettings } from './settings.js';

/** One keyword's value as WeChat takes it. */
export interface KeywordValue {
  readonly value: string;
  readonly color?: string;
}

/** A rendered template message, less the client_msg_id added at send time. */
export interface WechatMessage {
  readonly touser: string;
  readonly template_id: string;
  readonly url?: string;
  readonly miniprogram?: { readonly appid: string; readonly pagepath?: string };
  readonly data: Readonly<Record<string, KeywordValue>>;
}

/** Turns rows into messages; built once per run. */
export type MessageRenderer = (fields: RowFields) => Prepared<WechatMessage>;

/** OpenIDs are URL-safe base64-like strings (28 characters for an Official Account). */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

interface CompiledKeyword {
  readonly name: string;
  readonly template: Template;
  readonly color?: string;
}

/** The keyword's template source: `--data NAME=FIELD` takes the whole field, `NAME=text {{field}}` is a template. */
function keywordSource(source: string): string {
  return source.includes('{{') ? source : `{{${source}}}`;
}

/** Every field the flags use, each once per flag: `--data NAME`, `--link`, `--miniprogram-page`. */
export function templateFieldsOf(settings: WechatSettings): TemplateField[] {
  const uses = (source: string | null, where: string) =>
    source === null ? [] : [...new Set(findPlaceholders(source, where).map((p) => p.field))].map((field) => ({ field, where }));
  return [
    ...settings.data.flatMap((d) => uses(keywordSource(d.source), `--data ${d.name}`)),
    ...uses(settings.link, '--link'),
    ...uses(settings.miniprogramPage, '--miniprogram-page'),
  ];
}

/** Compile the flags' templates once; the returned function renders one row. */
export function createRenderer(settings: WechatSettings, toField: string): MessageRenderer {
  const keywords: CompiledKeyword[] = settings.data.map((d) => {
    const template = compileTemplate(keywordSource(d.source), `--data ${d.name}`, { escape: asIs });
    return d.color === undefined ? { name: d.name, template } : { name: d.name, template, color: d.color };
  });
  const link = settings.link === null ? null : compileTemplate(settings.link, '--link', { escape: urlComponent });
  const page =
    settings.miniprogramPage === null
      ? null
      : compileTemplate(settings.miniprogramPage, '--miniprogram-page', { escape: urlComponent });

  return (fields) => {
    const raw = fields[toField];
    if (raw === undefined) return { ok: false, reason: `the row has no '${toField}' field (the recipient's openid)` };
    const touser = fieldText(raw);
    if (!OPENID.test(touser)) {
      return { ok: false, reason: `${toField} '${touser}' is not an openid (letters, digits, '-', '_')` };
    }
    const data: Record<string, KeywordValue> = {};
    for (const k of keywords) {
      const rendered = k.template.render(fields);
      if (!rendered.ok) return rendered;
      data[k.name] = k.color === undefined ? { value: rendered.text } : { value: rendered.text, color: k.color };
    }
    let message: WechatMessage = { touser, template_id: settings.templateId, data };
    if (link !== null) {
      const rendered = link.render(fields);
      if (!rendered.ok) return rendered;
      message = { ...message, url: rendered.text };
    }
    if (settings.miniprogramAppid !== null) {
      let miniprogram: { appid: string; pagepath?: string } = { appid: settings.miniprogramAppid };
      if (page !== null) {
        const rendered = page.render(fields);
        if (!rendered.ok) return rendered;
        miniprogram = { ...miniprogram, pagepath: rendered.text };
      }
      message = { ...message, miniprogram };
    }
    return { ok: true, message };
  };
}

/** The JSON body of `message/template/send` for a message and its idempotency key. */
export function requestBody(message: WechatMessage, idempotencyKey: string, space?: number): string {
  return JSON.stringify({ ...message, client_msg_id: idempotencyKey }, null, space);
}
