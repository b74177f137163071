/**
 * The defaults of `herald send` and `herald retry`, named once: flag declarations show them in
 * --help and settings fall back to them, so the two can never disagree.
 */

/** Further attempts for transient failures (--retries). */
export const DEFAULT_RETRIES = 3;
/** Limit for one attempt (--timeout). */
export const DEFAULT_TIMEOUT = '10s';
/** How long sends in flight may take to finish after Ctrl-C (--grace). */
export const DEFAULT_GRACE = '30s';
/** Highest --retries accepted. */
export const MAX_RETRIES = 100;
/** Largest --concurrency accepted. */
export const MAX_CONCURRENCY = 1024;

/** Input formats herald reads (--format). */
export const INPUT_FORMATS = ['csv', 'tsv', 'jsonl'] as const;
/** What to do with rows whose outcome is unknown (--in-doubt). */
export const IN_DOUBT_POLICIES = ['auto', 'resend', 'check', 'fail'] as const;
/** --in-doubt when not given: follow the channel. */
export const DEFAULT_IN_DOUBT = 'auto';
