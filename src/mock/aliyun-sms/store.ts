/**
 * The simulator's record of accepted SMS: per-number flow control counted at acceptance (as
 * Aliyun counts it), and the listing QuerySendDetails serves, by number and China-time date.
 */
import { randomInt } from 'node:crypto';

/** One accepted SMS. */
export interface AcceptedSms {
  readonly action: 'SendSms' | 'SendBatchSms';
  /** Mainland 11 digits, or country code + number. */
  readonly phone: string;
  readonly signName: string;
  readonly templateCode: string;
  readonly templateParam: Readonly<Record<string, string>> | null;
  readonly outId: string | null;
  readonly bizId: string;
  /** The SMS as received. */
  readonly content: string;
  readonly acceptedAt: number;
}

/** Per-number limits for one signature (0: no limit). Aliyun's verification-code defaults are 1/min, 5/h, 10/day. */
export interface FlowLimits {
  readonly perMinute: number;
  readonly perHour: number;
  readonly perDay: number;
}

/** A flow-control refusal: Aliyun's message for the level hit. */
export interface FlowRefusal {
  readonly message: string;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHINA_OFFSET_MS = 8 * HOUR;
/** A message is reported delivered this long after acceptance (waiting before). */
const DELIVERY_MS = 1_000;

/** `yyyy-MM-dd HH:mm:ss` in China time. */
export function chinaDateTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const MAINLAND = /^(?:\+?86|0086)?(1\d{10})$/;
const INTERNATIONAL = /^(?:\+|00)?([1-9]\d{6,14})$/;

/** A number as Aliyun accepts it (mainland with optional +86/0086/86, or country code + number), normalised; null if illegal. */
export function normalizeNumber(value: string): string | null {
  const text = value.trim();
  const mainland = MAINLAND.exec(text);
  if (mainland) return mainland[1] ?? null;
  const international = INTERNATIONAL.exec(text);
  return international && !international[1]!.startsWith('86') ? (international[1] ?? null) : null;
}

/** Accepted messages and per-number counters. */
export class SmsStore {
  private readonly all: AcceptedSms[] = [];
  private readonly byPhone = new Map<string, AcceptedSms[]>();

  constructor(private readonly limits: FlowLimits) {}

  /** Every accepted message, in order. */
  get accepted(): readonly AcceptedSms[] {
    return this.all;
  }

  /** The flow-control level this number would exceed with one more SMS of this signature, or null. */
  flowCheck(phone: string, signName: string, nowMs: number): FlowRefusal | null {
    const sent = (this.byPhone.get(phone) ?? []).filter((m) => m.signName === signName).map((m) => m.acceptedAt);
    const within = (span: number) => sent.filter((at) => nowMs - at < span).length;
    const { perMinute, perHour, perDay } = this.limits;
    if (perMinute > 0 && within(MINUTE) >= perMinute) return { message: `触发分钟级流控Permits:${perMinute}` };
    if (perHour > 0 && within(HOUR) >= perHour) return { message: `触发小时级流控Permits:${perHour}` };
    if (perDay > 0 && within(DAY) >= perDay) return { message: `触发天级流控Permits:${perDay}` };
    return null;
  }

  /** Record the messages of one accepted call; returns the call's BizId. */
  accept(messages: readonly Omit<AcceptedSms, 'bizId' | 'acceptedAt'>[], nowMs: number): string {
    const bizId = `${randomInt(1e5, 1e6)}${String(nowMs).slice(-10)}^0`;
    for (const message of messages) {
      const record = { ...message, bizId, acceptedAt: nowMs };
      this.all.push(record);
      const list = this.byPhone.get(record.phone) ?? [];
      list.push(record);
      this.byPhone.set(record.phone, list);
    }
    return bizId;
  }

  /** One page of QuerySendDetails for a number and a `yyyyMMdd` China date, newest first. */
  query(phone: string, date: string, page: number, pageSize: number, bizId: string | undefined, nowMs: number) {
    const day = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    const matching = (this.byPhone.get(phone) ?? [])
      .filter((m) => chinaDateTime(m.acceptedAt).startsWith(day) && (bizId === undefined || m.bizId === bizId))
      .reverse();
    const items = matching.slice((page - 1) * pageSize, page * pageSize).map((m) => {
      const delivered = nowMs - m.acceptedAt >= DELIVERY_MS;
      return {
        PhoneNum: m.phone,
        SendStatus: delivered ? 3 : 1,
        ErrCode: delivered ? 'DELIVERED' : '',
        TemplateCode: m.templateCode,
        Content: m.content,
        SendDate: chinaDateTime(m.acceptedAt),
        ReceiveDate: delivered ? chinaDateTime(m.acceptedAt + DELIVERY_MS) : '',
        OutId: m.outId ?? '',
      };
    });
    return { total: matching.length, items };
  }
}
