/**
 * What travels with a campaign through Redis: its channel, its settings as the run record stores
 * them, and the contents of the template files its flags name (a worker on another machine has
 * none of the sender's files). Secrets never travel: settings hold none (they come from the
 * environment), and `--env-file` is each process's own.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { findChannel } from '../channels/registry.js';
import { ConfigError } from '../errors.js';

/** Version of the config format. */
export const CONFIG_VERSION = 1;
/** Largest total of template files a campaign carries. */
export const MAX_CONFIG_FILE_BYTES = 20 * 1024 * 1024;

/** A file that travels: where it goes relative to the worker's folder, and its bytes (base64). */
interface PackedFile {
  readonly path: string;
  readonly data: string;
}

/** A campaign as it travels. */
export interface CampaignConfig {
  readonly v: number;
  readonly campaign: string;
  readonly channel: string;
  /** The run's settings (recorded settings: no secrets), file options pointing at `files`. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Option name → its file. */
  readonly files: Readonly<Record<string, PackedFile>>;
  /** Further files a template refers to (email attachments), by their path relative to the template. */
  readonly extra: readonly PackedFile[];
}

/** Settings that belong to the sending process only. */
const LOCAL_ONLY = ['envFile', 'out', 'resume', 'force', 'dryRun', 'json', 'quiet', 'queue', 'metricsPort'];

/** The attribute names of a channel's options that name files. */
function fileOptions(channel: string): string[] {
  return (findChannel(channel)?.options ?? []).filter((o) => o.flags.includes('<file>')).map((o) => new Option(o.flags).attributeName());
}

function readForTravel(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${what} ${path}: cannot read it to send with the campaign (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Constant `Attachment:` paths in an email template's header lines (templated ones are each worker's own). */
function constantAttachments(template: string): string[] {
  const header = template.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return header
    .split(/\r?\n/)
    .map((line) => /^attachment:\s*(.+)$/i.exec(line)?.[1]?.trim())
    .filter((path): path is string => path !== undefined && path !== '' && !path.includes('{{'));
}

/** Pack a campaign for its workers; `settings` are the recorded settings, relative paths against their `cwd`. */
export function packCampaign(campaign: string, channel: string, settings: Readonly<Record<string, unknown>>): CampaignConfig {
  const cwd = typeof settings.cwd === 'string' ? settings.cwd : process.cwd();
  const travelling: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([name]) => !LOCAL_ONLY.includes(name)));
  const files: Record<string, PackedFile> = {};
  const extra: PackedFile[] = [];
  let bytes = 0;
  const pack = (path: string, what: string): string => {
    const data = readForTravel(path, what);
    bytes += data.length;
    if (bytes > MAX_CONFIG_FILE_BYTES) throw new ConfigError(`${what} ${path}: the campaign's templates and attachments are over ${MAX_CONFIG_FILE_BYTES >> 20} MB, too big to send through Redis`);
    return data.toString('base64');
  };
  for (const name of fileOptions(channel)) {
    const value = settings[name];
    if (typeof value !== 'string') continue;
    const path = resolve(cwd, value);
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    files[name] = { path: `${name}/${basename(path)}`, data: pack(path, flag) };
    if (channel === 'email' && name === 'template') {
      for (const attachment of constantAttachments(readFileSync(path, 'utf8'))) {
        if (isAbsolute(attachment) || attachment.split(/[\\/]/).includes('..')) continue;
        extra.push({ path: `${name}/${attachment}`, data: pack(join(dirname(path), attachment), 'Attachment') });
      }
    }
  }
  return { v: CONFIG_VERSION, campaign, channel, settings: travelling, files, extra };
}

/**
 * Unpack a campaign's files into `folder` (a worker's own temporary folder) and return its
 * settings with every file option pointing there and `cwd` set to it.
 */
export function unpackCampaign(config: CampaignConfig, folder: string): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...config.settings, cwd: folder };
  const write = (file: PackedFile): string => {
    const target = resolve(folder, file.path);
    const inside = relative(folder, target);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new ConfigError(`campaign ${config.campaign}: a file path leaves the worker's folder: ${file.path}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from(file.data, 'base64'), { mode: 0o600 });
    return target;
  };
  for (const [name, file] of Object.entries(config.files)) settings[name] = write(file);
  for (const file of config.extra) write(file);
  return settings;
}

/** Parse a stored config; throws ConfigError when it is not one this herald understands. */
export function decodeCampaignConfig(json: string, campaign: string): CampaignConfig {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError(`campaign ${campaign}: its config in Redis is not JSON`);
  }
  const config = value as Partial<CampaignConfig>;
  if (config.v !== CONFIG_VERSION || typeof config.channel !== 'string' || typeof config.settings !== 'object' || config.settings === null) {
    throw new ConfigError(`campaign ${campaign}: its config in Redis was written by another herald version (v ${String(config.v)})`);
  }
  return { v: config.v, campaign, channel: config.channel, settings: config.settings, files: config.files ?? {}, extra: config.extra ?? [] };
}
