/**
 * `herald mock twilio`: a Twilio Messages API simulator on 127.0.0.1. It checks HTTP Basic auth
 * and the account in the path, the parameters Twilio requires (To in E.164, From or
 * MessagingServiceSid, Body ≤ 1,600 characters), answers 429/20429 past its concurrent-request
 * limit, injects faults, lists the account's messages (message-list.ts: what reconciliation asks)
 * and counts what it saw for tests.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockModule, MockServer } from '../spec.js';
import { countSegments } from '../../channels/sms/segments.js';
import { FaultPlan, isBehaviour } from '../sms/fault-plan.js';
import { seededRandom } from '../seeded-random.js';
import { bump, Delays, listCounts, listenLoopback, readBody } from '../sms/loopback-server.js';
import { messageResource, twilioError, twilioSid, type AcceptedTwilioMessage, type TwilioAnswer } from './answers.js';
import { listMessages, sentAt } from './message-list.js';
import { MOCK_ACCOUNT_SID, MOCK_AUTH_TOKEN, parseTwilioMockOptions, type TwilioMockConfig } from './options.js';

/** What the simulator has seen, for tests and `stats()`. */
export interface TwilioMockCounters {
  requests: number;
  /** TCP connections accepted in all, and the most open at once. */
  connections: number;
  maxOpenConnections: number;
  /** Requests refused for their credentials. */
  authFailures: number;
  /** Messages accepted (201). */
  accepted: number;
  /** Requests for the message list. */
  listRequests: number;
  /** Most requests in progress at once. */
  maxInFlight: number;
  /** Answers by HTTP status and Twilio code (`201`, `429/20429`). */
  answers: Record<string, number>;
  /** Faults injected, by name. */
  faults: Record<string, number>;
}

/** The running simulator, with its counters and the messages it accepted. */
export interface TwilioMockServer extends MockServer {
  counters(): Readonly<TwilioMockCounters>;
  messages(): readonly AcceptedTwilioMessage[];
}

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/(SM[0-9a-f]{32})\.json$/;
const ACCOUNT = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_BODY_CHARACTERS = 1_600;
const EXPECTED_AUTH = Buffer.from(`Basic ${Buffer.from(`${MOCK_ACCOUNT_SID}:${MOCK_AUTH_TOKEN}`).toString('base64')}`);

function authorized(header: string | undefined): boolean {
  const given = Buffer.from(header ?? '');
  return given.length === EXPECTED_AUTH.length && timingSafeEqual(given, EXPECTED_AUTH);
}

/** The message a create request asks for, or the error code Twilio would answer. */
function checkCreate(form: URLSearchParams, config: TwilioMockConfig): { ok: true; to: string; from: string | null; service: string | null; body: string } | { ok: false; code: string } {
  const to = form.get('To');
  const from = form.get('From');
  const service = form.get('MessagingServiceSid');
  const body = form.get('Body') ?? '';
  if (to === null || to === '') return { ok: false, code: '21604' };
  if (!E164.test(to)) return { ok: false, code: '21211' };
  if ((from === null || from === '') && (service === null || service === '')) return { ok: false, code: '21603' };
  if (service !== null && service !== '' && !/^MG[0-9a-fA-F]{32}$/.test(service)) return { ok: false, code: '21705' };
  if (from !== null && from !== '' && config.numbers !== null && !config.numbers.has(from)) return { ok: false, code: '21606' };
  if (body === '') return { ok: false, code: '21602' };
  if ([...body].length > MAX_BODY_CHARACTERS) return { ok: false, code: '21617' };
  const error = config.numberErrors.get(to);
  if (error !== undefined) return { ok: false, code: error };
  return { ok: true, to, from: from || null, service: service || null, body };
}

/** Start the simulator; options are `herald mock twilio`'s flags. */
export async function startTwilioMock(options: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<TwilioMockServer> {
  const config = parseTwilioMockOptions(options);
  const plan = new FaultPlan(config.faults, seededRandom(config.seed));
  const accepted: AcceptedTwilioMessage[] = [];
  const bySid = new Map<string, AcceptedTwilioMessage>();
  const delays = new Delays();
  const counters: TwilioMockCounters = { requests: 0, connections: 0, maxOpenConnections: 0, authFailures: 0, accepted: 0, listRequests: 0, maxInFlight: 0, answers: {}, faults: {} };
  let inFlight = 0;
  let sendRequests = 0;

  function reply(res: ServerResponse, answer: TwilioAnswer, delayMs = config.latencyMs): void {
    const code = typeof answer.body.code === 'number' ? `/${answer.body.code}` : '';
    bump(counters.answers, `${answer.status}${code}`);
    const text = JSON.stringify(answer.body);
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...answer.headers });
      res.end(text);
    };
    delays.later(delayMs, write);
  }

  function create(form: URLSearchParams, res: ServerResponse): void {
    if (config.maxConcurrent > 0 && inFlight > config.maxConcurrent) return reply(res, twilioError('20429'));
    const check = checkCreate(form, config);
    const fault = plan.pick({ sendRequests: sendRequests++, accepted: accepted.length, messages: 1 });
    if (fault !== null) bump(counters.faults, fault);
    if (fault !== null && !isBehaviour(fault)) return reply(res, twilioError(fault));
    if (fault === 'drop') {
      log('Messages: connection dropped (fault)');
      res.socket?.destroy();
      return;
    }
    if (!check.ok) return reply(res, twilioError(check.code));
    const message: AcceptedTwilioMessage = {
      sid: twilioSid('SM'),
      accountSid: MOCK_ACCOUNT_SID,
      to: check.to,
      from: check.from,
      messagingServiceSid: check.service,
      body: check.body,
      numSegments: countSegments(check.body).segments,
      acceptedAt: Date.now(),
    };
    accepted.push(message);
    bySid.set(message.sid, message);
    counters.accepted++;
    if (fault === 'hang') {
      log(`Messages: accepted ${message.to}, never answering (fault)`);
      return;
    }
    reply(res, { status: 201, body: messageResource(message) }, fault === 'late' ? config.lateMs : config.latencyMs);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const account = MESSAGES.exec(path)?.[1] ?? MESSAGE.exec(path)?.[1] ?? ACCOUNT.exec(path)?.[1];
    if (account === undefined) return reply(res, twilioError('20404'));
    if (!authorized(req.headers.authorization)) {
      counters.authFailures++;
      return reply(res, twilioError('20003'));
    }
    if (account !== MOCK_ACCOUNT_SID) return reply(res, twilioError('20404'));
    if (req.method === 'POST' && MESSAGES.test(path)) return create(new URLSearchParams(body), res);
    if (req.method === 'GET' && MESSAGES.test(path)) {
      counters.listRequests++;
      return reply(res, listMessages(accepted, path, url.searchParams, config.sendDelayMs, Date.now()));
    }
    if (req.method === 'GET' && ACCOUNT.test(path)) {
      return reply(res, { status: 200, body: { sid: MOCK_ACCOUNT_SID, friendly_name: 'herald simulator', status: 'active', type: 'Full' } });
    }
    const fetched = req.method === 'GET' ? bySid.get(MESSAGE.exec(path)?.[2] ?? '') : undefined;
    if (fetched !== undefined) return reply(res, { status: 200, body: messageResource(fetched, sentAt(fetched, config.sendDelayMs, Date.now())) });
    reply(res, twilioError('20404'));
  }

  const server = await listenLoopback(config.port, counters, delays, handle, log);
  const { url } = server;
  log(`Twilio simulator on ${url} (fault seed ${config.seed})`);

  return {
    url,
    env: { HERALD_TWILIO_ENDPOINT: url, TWILIO_ACCOUNT_SID: MOCK_ACCOUNT_SID, TWILIO_AUTH_TOKEN: MOCK_AUTH_TOKEN },
    counters: () => counters,
    messages: () => accepted,
    stats: () =>
      `${counters.requests} requests; ${counters.connections} connections (at most ${counters.maxOpenConnections} open); ` +
      `${counters.authFailures} refused credentials; ${counters.accepted} messages accepted; ` +
      `answers: ${listCounts(counters.answers)}; faults injected: ${listCounts(counters.faults)}`,
    close: () => server.close(),
  };
}

/** The module `spec.mock.load()` returns. */
export const twilioMockModule: MockModule = { start: startTwilioMock };
