/**
 * `herald mock aliyun-sms`: a Dysmsapi simulator on 127.0.0.1. Every request goes through the
 * gateway checks (signature V1 or V3, timestamp, nonce), then the action's business checks, injected
 * faults and per-number flow control, and is answered in Aliyun's format. It counts what it saw
 * so tests can assert on it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockModule, MockServer } from '../spec.js';
import type { RpcParams } from '../../channels/aliyun-sms/signature.js';
import { checkQuery, checkSendBatchSms, checkSendSms, type SendCheck } from './actions.js';
import { errorAnswer, okAnswer, renderAnswer, type MockAnswer } from './answers.js';
import { FaultPlan, isBehaviour } from '../sms/fault-plan.js';
import { seededRandom } from '../seeded-random.js';
import { bump, Delays, listCounts, listenLoopback, readBody } from '../sms/loopback-server.js';
import { checkGateway, NonceBook } from './gateway.js';
import { checkGatewayV3, isSignedV3, paramsOfV3, type V3Incoming } from './gateway-v3.js';
import { MOCK_ACCESS_KEY_ID, MOCK_ACCESS_KEY_SECRET, parseAliyunMockOptions } from './options.js';
import { SmsStore, type AcceptedSms } from './store.js';

/** What the simulator has seen, for tests and `stats()`. */
export interface AliyunMockCounters {
  requests: number;
  /** Requests that passed the gateway, by action. */
  byAction: Record<string, number>;
  /** TCP connections accepted in all, and the most open at once. */
  connections: number;
  maxOpenConnections: number;
  /** Requests whose signature the simulator recomputed and found right / wrong. */
  signaturesVerified: number;
  signatureFailures: number;
  /** Messages accepted. */
  accepted: number;
  /** Answers by Code (OK included). */
  answers: Record<string, number>;
  /** Faults injected, by name. */
  faults: Record<string, number>;
}

/** The running simulator, with its counters and the messages it accepted. */
export interface AliyunMockServer extends MockServer {
  counters(): Readonly<AliyunMockCounters>;
  messages(): readonly AcceptedSms[];
}

const HOST = 'dysmsapi.aliyuncs.com';

/** A request signed V3 as the gateway checks it: header names lower-case, single values. */
function v3Request(req: IncomingMessage, method: string, url: URL, body: string): V3Incoming {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  return { method, path: url.pathname, query: [...url.searchParams], headers, body };
}
/** Start the simulator; options are `herald mock aliyun-sms`'s flags. */
export async function startAliyunMock(options: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<AliyunMockServer> {
  const config = parseAliyunMockOptions(options);
  const store = new SmsStore(config.limits);
  const plan = new FaultPlan(config.faults, seededRandom(config.seed));
  const queryPlan = new FaultPlan(config.queryFaults, seededRandom(config.seed + 1));
  const nonces = new NonceBook(config.timestampWindowMs);
  const keys = new Map([[MOCK_ACCESS_KEY_ID, MOCK_ACCESS_KEY_SECRET]]);
  const counters: AliyunMockCounters = {
    requests: 0,
    byAction: {},
    connections: 0,
    maxOpenConnections: 0,
    signaturesVerified: 0,
    signatureFailures: 0,
    accepted: 0,
    answers: {},
    faults: {},
  };
  let sendRequests = 0;
  let queryRequests = 0;
  const delays = new Delays();

  function reply(res: ServerResponse, answer: MockAnswer, format: string | undefined, delayMs = config.latencyMs): void {
    bump(counters.answers, String(answer.body.Code));
    const { type, text } = renderAnswer(answer, format);
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    delays.later(delayMs, write);
  }

  function send(action: string, params: RpcParams, res: ServerResponse): void {
    const check: SendCheck = action === 'SendSms' ? checkSendSms(params, config) : checkSendBatchSms(params, config);
    const messages = check.ok ? check.messages.length : 1;
    const fault = plan.pick({ sendRequests: sendRequests++, accepted: store.accepted.length, messages });
    if (fault !== null) bump(counters.faults, fault);
    if (fault !== null && !isBehaviour(fault)) return reply(res, errorAnswer(fault, HOST), params.Format);
    if (fault === 'drop') {
      log(`${action}: connection dropped (fault)`);
      res.socket?.destroy();
      return;
    }
    if (!check.ok) return reply(res, errorAnswer(check.code, HOST, check.message), params.Format);
    const refused = check.messages.find((m) => config.numberErrors.has(m.phone));
    if (refused) return reply(res, errorAnswer(config.numberErrors.get(refused.phone)!, HOST), params.Format);
    const now = Date.now();
    for (const m of check.messages) {
      const limited = store.flowCheck(m.phone, m.signName, now);
      if (limited) return reply(res, errorAnswer('isv.BUSINESS_LIMIT_CONTROL', HOST, limited.message), params.Format);
    }
    const bizId = store.accept(check.messages, now);
    counters.accepted += check.messages.length;
    const answer = okAnswer(action, { BizId: bizId });
    if (fault === 'hang') {
      log(`${action}: accepted ${check.messages.length}, never answering (fault)`);
      return;
    }
    reply(res, answer, params.Format, fault === 'late' ? config.lateMs : config.latencyMs);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const v3 = isSignedV3(req.headers.authorization) ? v3Request(req, method, url, body) : null;
    let params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (v3 !== null) params = paramsOfV3(v3);
    else if (method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    if (url.pathname !== '/' || (method !== 'GET' && method !== 'POST')) {
      return reply(res, errorAnswer('InvalidAction.NotFound', HOST), params.Format);
    }
    const check = { keys, nonces, timestampWindowMs: config.timestampWindowMs, nowMs: Date.now() };
    const refusal = v3 !== null ? checkGatewayV3(v3, params, check) : checkGateway(method, params, check);
    if (refusal?.code === 'SignatureDoesNotMatch') counters.signatureFailures++;
    if (refusal !== null) {
      log(`${params.Action ?? '?'}: refused ${refusal.code}`);
      return reply(res, errorAnswer(refusal.code, HOST, refusal.message), params.Format);
    }
    counters.signaturesVerified++;
    const action = params.Action!;
    bump(counters.byAction, action);
    if (action !== 'QuerySendDetails') return send(action, params, res);
    const fault = queryPlan.pick({ sendRequests: queryRequests++, accepted: store.accepted.length, messages: 0 });
    if (fault !== null) {
      bump(counters.faults, `query:${fault}`);
      if (fault === 'drop') return void res.socket?.destroy();
      if (fault === 'hang') return;
      if (fault !== 'late') return reply(res, errorAnswer(fault, HOST), params.Format);
    }
    const query = checkQuery(params);
    if (!query.ok) return reply(res, errorAnswer(query.code, HOST, query.message), params.Format);
    const page = store.query(query.phone, query.date, query.page, query.pageSize, query.bizId, Date.now());
    const answer = okAnswer(action, { TotalCount: String(page.total), SmsSendDetailDTOs: { SmsSendDetailDTO: page.items } });
    reply(res, answer, params.Format, fault === 'late' ? config.lateMs : config.latencyMs);
  }

  const server = await listenLoopback(config.port, counters, delays, handle, log);
  const { url } = server;
  log(`Aliyun SMS simulator on ${url} (fault seed ${config.seed})`);

  return {
    url,
    env: {
      HERALD_ALIYUN_ENDPOINT: url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: MOCK_ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: MOCK_ACCESS_KEY_SECRET,
    },
    counters: () => counters,
    messages: () => store.accepted,
    stats: () =>
      `${counters.requests} requests (${listCounts(counters.byAction)}); ` +
      `${counters.connections} connections (at most ${counters.maxOpenConnections} open); ` +
      `signatures verified ${counters.signaturesVerified}, wrong ${counters.signatureFailures}; ` +
      `${counters.accepted} SMS accepted; answers: ${listCounts(counters.answers)}; faults injected: ${listCounts(counters.faults)}`,
    close: () => server.close(),
  };
}

/** The module `spec.mock.load()` returns. */
export const aliyunMockModule: MockModule = { start: startAliyunMock };
