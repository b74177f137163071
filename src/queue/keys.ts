/**
 * Where a campaign lives in Redis. BullMQ keeps the rows' jobs under its own prefix; herald keeps,
 * per campaign, what travels with it (config), how it is paced (bucket), whether it must stop
 * (control), each row in flight (rows) and the results on their way to the log (results). Every
 * key is named here, so a test can list them all and an operator can find them.
 */

/** BullMQ's key prefix for herald's queues: `herald-q:<campaign>:wait`, … */
export const BULL_PREFIX = 'herald-q';
/** The set of campaigns workers should serve. */
export const CAMPAIGNS_KEY = 'herald:campaigns';

/** The keys of one campaign. */
export interface CampaignKeys {
  /** BullMQ queue name (with BULL_PREFIX). */
  readonly queue: string;
  /** Hash: the campaign's settings and template files (no secrets). */
  readonly config: string;
  /** Hash: the shared token bucket (rate, burst, tokens, last, pausedUntil). */
  readonly bucket: string;
  /** String: why the campaign stopped (JSON), absent while it runs. */
  readonly control: string;
  /** Hash: key → compact state of each row a worker started and the log does not hold yet. */
  readonly rows: string;
  /** Stream: records from workers, read into the log by the send process. */
  readonly results: string;
}

/** The keys of campaign `id`. */
export function campaignKeys(id: string): CampaignKeys {
  const base = `herald:c:${id}`;
  return { queue: id, config: `${base}:config`, bucket: `${base}:bucket`, control: `${base}:control`, rows: `${base}:rows`, results: `${base}:results` };
}

/** The consumer group the send process reads results with. */
export const RESULTS_GROUP = 'log';
