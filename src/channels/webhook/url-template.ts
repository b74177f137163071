/**
 * The webhook's --url, compiled once: where requests go (scheme, host and port, which rows may not
 * choose unless --allow-templated-host says so) and the templated path and query. `${VAR}`
 * references are expanded in the text the user typed only, after the placeholders were found,
 * so a variable's value is never read as a placeholder and a row's value never as a reference.
 */
import { ConfigError } from '../../errors.js';
import { expandEnv } from '../../config/expand-env.js';
import { urlComponent } from '../../render/escape.js';
import { compileTemplate, findPlaceholders, type Template } from '../../render/template.js';
import { encodeUrlText, hasDotSegment, urlTemplateSource } from './url-text.js';

/** The compiled URL. */
export interface UrlTemplate {
  /** `scheme://host:port` for every row, or null when rows choose it (--allow-templated-host). */
  readonly origin: string | null;
  /** Renders the path and query (or, when `origin` is null, the whole URL). */
  readonly rest: Template;
  /** Whether rendered paths are checked for `.`/`..` segments made by values. */
  readonly guardDotSegments: boolean;
}

/** Settings of the compilation. */
export interface UrlOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Let placeholders stand in the scheme, host and port. */
  readonly allowTemplatedHost: boolean;
  /** Called with each `${VAR}` value that is a secret (every one but the host and port's). */
  readonly secret: (value: string) => void;
}

/** An origin followed by a path or query (or nothing, for a URL without placeholders). */
const ORIGIN_THEN_PATH = /^(https?:\/\/[^/?#{}]+)([/?][\s\S]*)$/i;
const ORIGIN_ONLY = /^https?:\/\/[^/?#{}]+$/i;
/** Text that may still be the start of an http(s) URL's scheme and authority. */
const AUTHORITY_START = /^(?:h(?:t(?:t(?:p(?:s?(?::(?:\/(?:\/[^/?#]*)?)?)?)?)?)?)?)?$/i;

function prefixed(prefix: string, template: Template): Template {
  if (prefix === '') return template;
  return {
    ...template,
    render(row) {
      const rendered = template.render(row);
      return rendered.ok ? { ok: true, text: prefix + rendered.text } : rendered;
    },
  };
}

/** Whether a `${VAR}` value of the URL's head only names where requests go (scheme, host, port): not a secret. */
function namesHost(value: string, origin: string): boolean {
  const url = new URL(origin);
  const where = `${url.protocol}//${url.host}`;
  return !value.includes('@') && where.includes(value.toLowerCase()) && !url.username.includes(value) && !url.password.includes(value);
}

/** Compile `--url`; throws ConfigError naming the problem. */
export function compileUrl(typed: string, options: UrlOptions): UrlTemplate {
  const source = urlTemplateSource(typed, '--url');
  const placeholders = findPlaceholders(source, '--url');
  const first = placeholders[0]?.start ?? source.length;
  const headValues: string[] = [];
  const head = expandEnv(source.slice(0, first), options.env, '--url', (value) => {
    headValues.push(value);
    return encodeUrlText(value);
  });
  const expandRest = (text: string) =>
    expandEnv(text, options.env, '--url', (value) => {
      options.secret(value);
      return encodeUrlText(value);
    });
  const rest = compileTemplate(source.slice(first), '--url', { escape: urlComponent }, expandRest);
  const split = ORIGIN_THEN_PATH.exec(head) ?? (placeholders.length === 0 && ORIGIN_ONLY.test(head) ? [head, head, '/'] : null);
  if (split) {
    const origin = split[1]!;
    checkOrigin(origin, typed);
    for (const value of headValues) if (!namesHost(value, origin)) options.secret(value);
    const path = prefixed(split[2]!, rest);
    const sample = path.render(Object.fromEntries(path.fields.map((field) => [field, 'x'])));
    // Values may not make a `.` or `..` segment, unless the URL as typed already has one.
    const guardDotSegments = !rest.isConstant && !(sample.ok && hasDotSegment(sample.text));
    return { origin, rest: path, guardDotSegments };
  }
  if (!AUTHORITY_START.test(head)) throw new ConfigError(`--url '${typed}': expected an http:// or https:// URL`);
  if (!options.allowTemplatedHost) {
    throw new ConfigError(
      `--url '${typed}': a {{placeholder}} in the scheme, host or port would let each row choose where the request and its headers go; ` +
        `placeholders may stand in the path and query (add --allow-templated-host if rows must choose the host)`,
    );
  }
  for (const value of headValues) options.secret(value);
  return { origin: null, rest: prefixed(head, rest), guardDotSegments: !rest.isConstant };
}

function checkOrigin(origin: string, typed: string): void {
  try {
    new URL(origin + '/');
  } catch {
    throw new ConfigError(`--url '${typed}': not a valid URL`);
  }
}
