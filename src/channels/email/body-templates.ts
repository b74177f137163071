/**
 * The body parts of an email, compiled once: the template's body is text (.txt), HTML (.html)
 * or Markdown (.md), and `--text` / `--html` files add the other part of a multipart/alternative
 * message. An HTML part without a text twin gets one derived from it (html-to-text); Markdown
 * sends its source as the text part and its rendering as the HTML part. Values are escaped for
 * the part they land in: HTML-escaped in HTML, as they are in text.
 */
import { extname } from 'node:path';
import { compile as compileHtmlToText } from 'html-to-text';
import { Marked } from 'marked';
import { ConfigError } from '../../errors.js';
import { asIs, html as htmlEscape } from '../../render/escape.js';
import { compileTemplate, type Template } from '../../render/template.js';
import { tokenizePlaceholders } from './placeholder-tokens.js';

/** A body source: where it came from (for messages) and its text. */
export interface BodySource {
  readonly name: string;
  readonly source: string;
}

/** What the body parts are made from. */
export interface BodySources {
  /** The template file as the user named it; its extension says what the body is. */
  readonly templateFile: string;
  /** The template's body. */
  readonly template: BodySource;
  /** --text: the plain-text part. */
  readonly text?: BodySource;
  /** --html: the HTML part. */
  readonly html?: BodySource;
}

/** The compiled parts; at least one is present. */
export interface BodyTemplates {
  readonly text: Template | null;
  readonly html: Template | null;
}

type BodyKind = 'text' | 'html' | 'markdown';

const KINDS: Readonly<Record<string, BodyKind>> = {
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
};

/** Render a Markdown template's source to an HTML template, keeping its placeholders. */
function markdownToHtml(body: BodySource): string {
  const tokens = tokenizePlaceholders(body.source, body.name);
  const rendered = new Marked({ gfm: true, async: false }).parse(tokens.text, { async: false });
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${tokens.restore(rendered)}</body></html>\n`;
}

/** Derive a plain-text template from an HTML template, keeping its placeholders. */
function htmlToText(body: BodySource): string {
  const tokens = tokenizePlaceholders(body.source, body.name);
  const convert = compileHtmlToText({
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
  return tokens.restore(convert(tokens.text));
}

function conflict(flag: string, templateFile: string, part: string): never {
  throw new ConfigError(`${flag}: the body of ${templateFile} is already the ${part} part; drop ${flag} or leave the template's body empty`);
}

/** Compile the body parts; throws ConfigError naming the file or flag at fault. */
export function compileBodies(sources: BodySources): BodyTemplates {
  const { template } = sources;
  const blank = template.source.trim() === '';
  const kind = KINDS[extname(sources.templateFile).toLowerCase()];
  const text = (body: BodySource) => compileTemplate(body.source, body.name, { escape: asIs });
  const html = (body: BodySource) => compileTemplate(body.source, body.name, { escape: htmlEscape });
  const derived = (body: BodySource) => compileTemplate(htmlToText(body), `${body.name} (text part)`, { escape: asIs });

  if (blank) {
    if (!sources.text && !sources.html) {
      throw new ConfigError(`${template.name}: the template has no body (nothing after the blank line) and neither --text nor --html is given`);
    }
    const htmlPart = sources.html ? html(sources.html) : null;
    const textPart = sources.text ? text(sources.text) : derived(sources.html!);
    return { text: textPart, html: htmlPart };
  }
  if (kind === undefined) {
    throw new ConfigError(
      `--template ${sources.templateFile}: the file's extension says what its body is: .txt (text), .html (HTML) or .md (Markdown)`,
    );
  }
  if (kind === 'text') {
    if (sources.text) conflict('--text', sources.templateFile, 'text');
    return { text: text(template), html: sources.html ? html(sources.html) : null };
  }
  if (kind === 'html') {
    if (sources.html) conflict('--html', sources.templateFile, 'HTML');
    return { text: sources.text ? text(sources.text) : derived(template), html: html(template) };
  }
  if (sources.text) conflict('--text', sources.templateFile, 'text');
  if (sources.html) conflict('--html', sources.templateFile, 'HTML');
  const rendered = { name: `${template.name} (HTML part)`, source: markdownToHtml(template) };
  return { text: text(template), html: html(rendered) };
}
