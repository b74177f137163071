/**
 * Aliyun's answers as the simulator writes them: business answers (`isv.*`, `isp.*`) with HTTP
 * 200 and `{Code, Message, RequestId}`; gateway errors with their 4xx/5xx status and `HostId`
 * and `Recommend` added; JSON or, when `Format` is not JSON (Aliyun's default), XML.
 */
import { randomUUID } from 'node:crypto';

/** A gateway error: HTTP status and Aliyun's message. */
interface GatewayError {
  readonly status: number;
  readonly message: string;
}

/** Gateway errors (PROVIDERS.md §A.7-A.8); their HTTP status follows Aliyun's error center. */
const GATEWAY: Readonly<Record<string, GatewayError>> = {
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  MissingParameter: { status: 400, message: 'A required parameter is missing.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  'InvalidAction.NotFound': { status: 404, message: 'Specified api is not found, please check your url and method.' },
  InvalidSignatureMethod: { status: 400, message: 'Specified signature method is not valid.' },
  Throttling: { status: 400, message: 'Request was denied due to flow control.' },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  'Throttling.Api': { status: 400, message: 'Request was denied due to api flow control.' },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
};

/** Business errors with Aliyun's (Chinese) messages. */
const BUSINESS: Readonly<Record<string, string>> = {
  'isp.SYSTEM_ERROR': '系统错误',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isv.OUT_OF_SERVICE': '业务停机',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.MOBILE_COUNT_OVER_LIMIT': '手机号码数量超过限制',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模版缺少变量',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isv.INVALID_PARAMETERS': '参数异常',
  'isv.BUSINESS_LIMIT_CONTROL': '业务限流',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
  'isv.MONTH_LIMIT_CONTROL': '触发月发送限额',
  'isv.SMS_TEMPLATE_ILLEGAL': '模板不合法(不存在或被拉黑)',
  'isv.SMS_SIGNATURE_ILLEGAL': '签名不合法(不存在或被拉黑)',
  'isv.BLACK_KEY_CONTROL_LIMIT': '黑名单管控',
  'isv.PARAM_LENGTH_LIMIT': '参数超出长度限制',
  'isv.TEMPLATE_PARAMS_ILLEGAL': '模板变量里包含非法关键字',
  'isv.DENY_IP_RANGE': '源IP地址所在的地区被禁用',
  'isp.RAM_PERMISSION_DENY': 'RAM权限DENY',
};

/** True when the simulator can answer this code. */
export function knownCode(code: string): boolean {
  return code in GATEWAY || code in BUSINESS || code.startsWith('Missing');
}

/** An answer ready to write. */
export interface MockAnswer {
  readonly status: number;
  /** Root element name for XML (`SendSmsResponse`, `Error`). */
  readonly root: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The success answer of an action. */
export function okAnswer(action: string, fields: Readonly<Record<string, unknown>>): MockAnswer {
  return { status: 200, root: `${action}Response`, body: { Message: 'OK', RequestId: requestId(), Code: 'OK', ...fields } };
}

/** The error answer for a code, with Aliyun's message unless one is given. */
export function errorAnswer(code: string, host: string, message?: string): MockAnswer {
  const gateway = GATEWAY[code] ?? (code.startsWith('Missing') ? { status: 400, message: '' } : undefined);
  if (gateway !== undefined) {
    return {
      status: gateway.status,
      root: 'Error',
      body: {
        RequestId: requestId(),
        HostId: host,
        Code: code,
        Message: message ?? gateway.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Dysmsapi`,
      },
    };
  }
  return { status: 200, root: 'Error', body: { RequestId: requestId(), Code: code, Message: message ?? BUSINESS[code] ?? code } };
}

/** Aliyun-style request ids: upper-case UUIDs. */
export function requestId(): string {
  return randomUUID().toUpperCase();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value).map(([key, child]) => toXml(key, child)).join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(value === null || value === undefined ? '' : String(value))}</${name}>`;
}

/** The answer's body and content type in the requested format. */
export function renderAnswer(answer: MockAnswer, format: string | undefined): { type: string; text: string } {
  if (format?.toUpperCase() === 'JSON') return { type: 'application/json;charset=utf-8', text: JSON.stringify(answer.body) };
  return { type: 'text/xml;charset=utf-8', text: `<?xml version='1.0' encoding='UTF-8'?>${toXml(answer.root, answer.body)}` };
}
