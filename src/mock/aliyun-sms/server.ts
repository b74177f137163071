/**
 * `herald mock aliyun-sms`: a Dysmsapi simulator on 127.0.0.1. Every request goes through the
 * gateway checks (signature, timestamp, nonce), then the action's business checks, injected
 * faults and per-number flow control, and is answered in Aliyun's format. It counts what it saw
 * so tests can assert on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MockModule, MockServer } from '../../channels/spec.js';
import type { RpcParams } from '../../channels/aliyun-sms/signature.js';
import { checkQuery, checkSendBatchSms, checkSendSms, type SendCheck } from './actions.js';
import { errorAnswer, okAnswer, renderAnswer, type MockAnswer } from './answers.js';
import { FaultPlan, isBehaviour, seededRandom } from './fault-plan.js';
import { checkGateway, NonceBook } from './gateway.js';
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
const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

/** Start the simulator; options are `herald mock aliyun-sms`'s flags. */
export async function startAliyunMock(options: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<AliyunMockServer> {
  const config = parseAliyunMockOptions(options);
  const store = new SmsStore(config.limits);
  const plan = new FaultPlan(config.faults, seededRandom(config.seed));
  const nonces = new NonceBook(config.timestampWindowMs);
  const keys = new Map([[MOCK_ACCESS_KEY_ID, MOCK_ACCESS_KEY_SECRET]]);
  const timers = new Set<NodeJS.Timeout>();
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
  let open = 0;
  let sendRequests = 0;

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  function reply(res: ServerResponse, answer: MockAnswer, format: string | undefined, delayMs = config.latencyMs): void {
    bump(counters.answers, String(answer.body.Code));
    const { type, text } = renderAnswer(answer, format);
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (delayMs > 0) later(delayMs, write);
    else write();
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
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    if (url.pathname !== '/' || (method !== 'GET' && method !== 'POST')) {
      return reply(res, errorAnswer('InvalidAction.NotFound', HOST), params.Format);
    }
    const refusal = checkGateway(method, params, { keys, nonces, timestampWindowMs: config.timestampWindowMs, nowMs: Date.now() });
    if (refusal?.code === 'SignatureDoesNotMatch') counters.signatureFailures++;
    if (refusal !== null) {
      log(`${params.Action ?? '?'}: refused ${refusal.code}`);
      return reply(res, errorAnswer(refusal.code, HOST, refusal.message), params.Format);
    }
    counters.signaturesVerified++;
    const action = params.Action!;
    bump(counters.byAction, action);
    if (action !== 'QuerySendDetails') return send(action, params, res);
    const query = checkQuery(params);
    if (!query.ok) return reply(res, errorAnswer(query.code, HOST, query.message), params.Format);
    const page = store.query(query.phone, query.date, query.page, query.pageSize, query.bizId, Date.now());
    reply(res, okAnswer(action, { TotalCount: String(page.total), SmsSendDetailDTOs: { SmsSendDetailDTO: page.items } }), params.Format);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    counters.connections++;
    open++;
    counters.maxOpenConnections = Math.max(counters.maxOpenConnections, open);
    sockets.add(socket);
    socket.on('close', () => {
      open--;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    stats: () => {
      const actions = Object.entries(counters.byAction).map(([a, n]) => `${a} ${n}`).join(', ') || 'none';
      const answers = Object.entries(counters.answers).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
      const faults = Object.entries(counters.faults).map(([f, n]) => `${f} ${n}`).join(', ') || 'none';
      return (
        `${counters.requests} requests (${actions}); ${counters.connections} connections (at most ${counters.maxOpenConnections} open); ` +
        `signatures verified ${counters.signaturesVerified}, wrong ${counters.signatureFailures}; ` +
        `${counters.accepted} SMS accepted; answers: ${answers}; faults injected: ${faults}`
      );
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The module `spec.mock.load()` returns. */
export const aliyunMockModule: MockModule = { start: startAliyunMock };
