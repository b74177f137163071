/**
 * The webhook request a row becomes: URL, method, headers and body, each compiled once from the
 * flags and rendered per row with the escaping its place needs.
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { RowFields } from '../../input/row.js';
import { envReferences, expandEnv } from '../../config/expand-env.js';
import { asIs, headerValue, html } from '../../render/escape.js';
import { compileJsonTemplate } from '../../render/json-template.js';
import { rowJson } from '../../render/row-json.js';
import { compileTemplate, type Template } from '../../render/template.js';
import type { Prepared, TemplateField } from '../channel.js';
import { hasDotSegment } from './url-text.js';
import { compileUrl } from './url-template.js';

/** One rendered request. */
export interface WebhookRequest {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: string;
  /** Header names and values, flattened [name, value, name, value, …]. */
  readonly headers: string[];
  readonly body: string | undefined;
}

/** Settings the request template is built from. */
export interface RequestSettings {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly string[];
  readonly bodyFile: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Let `{{…}}` stand in the URL's scheme, host and port (--allow-templated-host). */
  readonly allowTemplatedHost?: boolean;
  /** Called with every `${VAR}` value that is a secret (the run's redactor registers it). */
  readonly secret?: (value: string) => void;
}

interface HeaderTemplate {
  readonly name: string;
  readonly value: Template;
  /** The value as typed, ${VAR} unexpanded: what --dry-run shows. */
  readonly shown: string;
}

/** Header values go out as bytes: non-ASCII text is sent as its UTF-8 bytes, as curl does. */
const NON_ASCII = /[^\u0020-\u007e\t]/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'host', 'idempotency-key']);
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** How a --body file's values are escaped and what it is sent as, by extension (anything else is text). */
const BODY_KINDS: Readonly<Record<string, { readonly json: boolean; readonly escape: typeof asIs; readonly contentType: string }>> = {
  '.json': { json: true, escape: asIs, contentType: 'application/json' },
  '.html': { json: false, escape: html, contentType: 'text/html; charset=utf-8' },
  '.htm': { json: false, escape: html, contentType: 'text/html; charset=utf-8' },
  '.xml': { json: false, escape: html, contentType: 'application/xml; charset=utf-8' },
  '.txt': { json: false, escape: asIs, contentType: 'text/plain; charset=utf-8' },
};

function parseHeader(flag: string, env: RequestSettings['env'], secret: (value: string) => void): HeaderTemplate {
  const colon = flag.indexOf(':');
  const name = colon === -1 ? '' : flag.slice(0, colon).trim();
  if (!TOKEN.test(name)) throw new ConfigError(`--header '${flag.replace(/\$\{[^}]*\}/g, '${…}')}': expected "Name: value"`);
  if (RESERVED_HEADERS.has(name.toLowerCase())) throw new ConfigError(`--header ${name}: herald sets this header itself`);
  const shown = flag.slice(colon + 1).trim();
  const label = `--header ${name}`;
  // ${VAR} is expanded in the typed text between placeholders only: its value is never a template.
  const expand = (text: string) =>
    expandEnv(text, env, label, (value) => {
      secret(value);
      if (/[\r\n]/.test(value)) throw new ConfigError(`${label}: a \${…} value holds a line break, which cannot go into a header`);
      return value;
    });
  return { name, value: compileTemplate(shown, label, { escape: headerValue }, expand), shown };
}

function splitOrigin(url: string): { origin: string; rest: string } | null {
  const match = /^(https?:\/\/[^/?#{}]+)([/?].*)?$/i.exec(url);
  if (!match) return null;
  return { origin: match[1]!, rest: match[2] ?? '/' };
}

/** The compiled request template. */
export class RequestTemplate {
  private readonly origin: string | null;
  private readonly pathTemplate: Template;
  private readonly headers: readonly HeaderTemplate[];
  private readonly body: Template | null;
  private readonly contentType: string | null;
  readonly method: string;
  /** The URL as typed (${VAR} unexpanded), for messages. */
  readonly shownUrl: string;
  /** Whether the URL takes a value from the environment (a secret, perhaps). */
  readonly urlHasSecrets: boolean;
  /** Whether rendered paths are checked for `.`/`..` segments made by values. */
  private readonly guardDotSegments: boolean;
  /** `--body FILE` as the user would look for it. */
  private readonly bodyWhere: string = '--body';

  constructor(settings: RequestSettings) {
    this.method = settings.method.toUpperCase();
    if (!TOKEN.test(this.method)) throw new ConfigError(`--method '${settings.method}': not an HTTP method`);
    this.shownUrl = settings.url;
    this.urlHasSecrets = envReferences(settings.url).length > 0;
    const secret = settings.secret ?? (() => undefined);
    const url = compileUrl(settings.url, { env: settings.env, allowTemplatedHost: settings.allowTemplatedHost === true, secret });
    this.origin = url.origin;
    this.pathTemplate = url.rest;
    this.guardDotSegments = url.guardDotSegments;
    this.headers = settings.headers.map((flag) => parseHeader(flag, settings.env, secret));
    const sendsBody = !METHODS_WITHOUT_BODY.has(this.method);
    if (settings.bodyFile !== undefined) {
      const path = resolve(settings.cwd, settings.bodyFile);
      let source: string;
      try {
        source = readFileSync(path, 'utf8');
      } catch (error) {
        throw new ConfigError(`--body ${settings.bodyFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      const kind = BODY_KINDS[extname(path).toLowerCase()] ?? BODY_KINDS['.txt']!;
      this.body = kind.json ? compileJsonTemplate(source, settings.bodyFile) : compileTemplate(source, settings.bodyFile, { escape: kind.escape });
      this.bodyWhere = `--body ${shownPath(path, settings.cwd)}`;
      this.contentType = kind.contentType;
    } else {
      this.body = null;
      this.contentType = sendsBody ? 'application/json' : null;
    }
    if (this.contentType && this.headers.some((h) => h.name.toLowerCase() === 'content-type')) this.contentType = null;
  }

  /** Render the request for one row, or say why it cannot be. */
  render(fields: RowFields): Prepared<WebhookRequest> {
    const target = this.pathTemplate.render(fields);
    if (!target.ok) return target;
    let origin = this.origin;
    let path = target.text;
    if (origin === null) {
      const split = splitOrigin(target.text);
      if (!split) return { ok: false, reason: `--url renders to '${target.text}', which is not an http(s) URL` };
      origin = split.origin;
      path = split.rest;
    }
    if (this.guardDotSegments && hasDotSegment(path)) {
      return { ok: false, reason: `--url: this row's values make a '.' or '..' path segment, which would move the request elsewhere` };
    }
    const headers: string[] = [];
    if (this.contentType) headers.push('content-type', this.contentType);
    for (const header of this.headers) {
      const value = header.value.render(fields);
      if (!value.ok) return value;
      headers.push(header.name, NON_ASCII.test(value.text) ? Buffer.from(value.text, 'utf8').toString('latin1') : value.text);
    }
    let body: string | undefined;
    if (this.body) {
      const rendered = this.body.render(fields);
      if (!rendered.ok) return rendered;
      body = rendered.text;
    } else if (this.contentType === 'application/json' || (!METHODS_WITHOUT_BODY.has(this.method) && this.contentType === null)) {
      body = rowJson(fields);
    }
    return { ok: true, message: { origin, path, method: this.method, headers, body } };
  }

  /**
   * Where a request went, for messages and the log: no query string, no user:password, and the
   * URL as typed (`${VAR}` unexpanded) when it takes anything from the environment.
   */
  displayTarget(request: WebhookRequest): string {
    const url = this.urlHasSecrets ? this.shownUrl : request.origin + request.path;
    return url.replace(/\?.*$/, '').replace(/^(https?:\/\/)[^/@]*@/i, '$1');
  }

  /** Every `{{field}}` the URL, headers and body use, with where; without --body the row itself is the body and needs none. */
  templateFields(): TemplateField[] {
    return [
      ...this.pathTemplate.fields.map((field) => ({ field, where: '--url' })),
      ...this.headers.flatMap((header) => header.value.fields.map((field) => ({ field, where: `--header ${header.name}` }))),
      ...(this.body?.fields ?? []).map((field) => ({ field, where: this.bodyWhere })),
    ];
  }

  /** The headers as typed, for --dry-run (values from the environment stay `${VAR}`). */
  shownHeaders(): string[] {
    return this.headers.map((h) => `${h.name}: ${h.shown}`);
  }
}

/** A file's path relative to the folder the user works in, when it lies inside it. */
function shownPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
