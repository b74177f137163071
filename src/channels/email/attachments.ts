/**
 * Per-row attachments from a template's `Attachment:` lines. A path is relative to the
 * template's folder and must stay inside it (after following symbolic links): a row can never
 * attach `/etc/passwd` or `../secrets.txt`. A path that leaves the folder, or a file that does
 * not exist, makes the row invalid; a line that renders empty attaches nothing.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { RowFields } from '../../input/row.js';
import type { Template } from '../../render/template.js';
import { attachmentType } from './attachment-type.js';

/** A file to attach, checked to lie inside the template's folder. */
export interface EmailAttachment {
  /** The name the recipient sees. */
  readonly filename: string;
  /** Absolute path, read when the message is sent. */
  readonly path: string;
  readonly size: number;
  /** Its Content-Type, with `charset=utf-8` for text in UTF-8. */
  readonly contentType: string;
}

/** The attachments of one row, or why the row cannot be sent. */
export type RenderedAttachments =
  | { readonly ok: true; readonly attachments: readonly EmailAttachment[] }
  | { readonly ok: false; readonly reason: string };

/** Compiled `Attachment:` lines. */
export interface AttachmentRule {
  render(fields: RowFields): RenderedAttachments;
}

function outside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel);
}

/** Resolve one attachment path inside `folder` (a real path); returns the file or why not. */
function resolveAttachment(folder: string, written: string): EmailAttachment | string {
  if (written.includes('\0')) return `Attachment '${written}' holds a NUL character`;
  const candidate = resolve(folder, written);
  // Checked before touching the file system, so a row cannot even probe paths outside the folder.
  if (outside(folder, candidate)) return `Attachment '${written}' is outside the template's folder`;
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return `Attachment '${written}' does not exist in the template's folder`;
  }
  if (outside(folder, real)) return `Attachment '${written}' links outside the template's folder`;
  const stat = statSync(real);
  if (!stat.isFile()) return `Attachment '${written}' is not a file`;
  const filename = basename(candidate);
  return { filename, path: real, size: stat.size, contentType: attachmentType(filename, real, stat) };
}

/**
 * Compile the `Attachment:` lines of a template kept in `folder`. Lines without placeholders are
 * checked now (ConfigError); the others for each row.
 */
export function compileAttachments(lines: readonly Template[], folder: string): AttachmentRule {
  let root: string;
  try {
    root = realpathSync(folder);
  } catch {
    throw new ConfigError(`--template: cannot open the template's folder ${folder}`);
  }
  const fixed = new Map<Template, EmailAttachment | null>();
  for (const line of lines.filter((l) => l.isConstant)) {
    const rendered = line.render({});
    const written = rendered.ok ? rendered.text.trim() : '';
    if (written === '') {
      fixed.set(line, null);
      continue;
    }
    const resolved = resolveAttachment(root, written);
    if (typeof resolved === 'string') throw new ConfigError(`${line.name}: ${resolved} (${root})`);
    fixed.set(line, resolved);
  }
  return {
    render(fields) {
      const attachments: EmailAttachment[] = [];
      for (const line of lines) {
        const known = fixed.get(line);
        if (known !== undefined) {
          if (known !== null) attachments.push(known);
          continue;
        }
        const rendered = line.render(fields);
        if (!rendered.ok) return rendered;
        const written = rendered.text.trim();
        if (written === '') continue;
        const resolved = resolveAttachment(root, written);
        if (typeof resolved === 'string') return { ok: false, reason: resolved };
        attachments.push(resolved);
      }
      return { ok: true, attachments };
    },
  };
}
