/**
 * herald's error family. Every error a user can cause is one of these classes, with a stable
 * `code` and the exit status it maps to; `cli.ts` prints `message` as one line and exits with
 * `exitCode`. Anything else that escapes is a bug and gets a stack trace.
 */
import { ExitCode } from './exit-codes.js';

/** Base class: a problem the user can fix, described in one line. */
export class HeraldError extends Error {
  /** Stable identifier callers match on. */
  readonly code: string;
  /** Process exit status this error maps to. */
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A flag or argument is wrong (unknown value, bad format, conflicting flags). Exit 2. */
export class UsageError extends HeraldError {
  constructor(message: string) {
    super('E_USAGE', message, ExitCode.Usage);
  }
}

/** A setting, environment variable, template or input file is unusable before sending starts. Exit 2. */
export class ConfigError extends HeraldError {
  constructor(message: string) {
    super('E_CONFIG', message, ExitCode.Usage);
  }
}

/** The result log cannot be used: it exists (no --resume/--force) or another process holds it. Exit 2. */
export class LogRefusedError extends HeraldError {
  constructor(message: string) {
    super('E_LOG_REFUSED', message, ExitCode.Usage);
  }
}

/** The provider said nothing more can succeed (credentials, balance, quota). Exit 1. */
export class FatalSendError extends HeraldError {
  constructor(message: string) {
    super('E_FATAL', message, ExitCode.Fatal);
  }
}

/** The result log cannot be written (a full disk, a vanished folder). Exit 1: the run stops, the log stays consistent. */
export class LogWriteError extends HeraldError {
  constructor(message: string) {
    super('E_LOG_WRITE', message, ExitCode.Fatal);
  }
}

/**
 * The input cannot be read past a point (a read that failed): the rows
 * before it were read and handled, the rest were not. Exit 1; the message says where, why, and
 * to fix the file and go on with `--resume`.
 */
export class InputStoppedError extends HeraldError {
  constructor(message: string) {
    super('E_INPUT_STOPPED', message, ExitCode.Fatal);
  }
}
