/**
 * Classification of Aliyun Dysmsapi answers by the body's `Code` (the HTTP status differs across
 * Aliyun's own tables, so it only decides when there is no usable body). The tables are
 * PROVIDERS.md §G; every fatal answer says what the user must fix.
 */
import type { SendResult } from '../channel.js';

/** The fields of an Aliyun answer that classification reads. */
export interface AliyunAnswer {
  readonly Code?: unknown;
  readonly Message?: unknown;
  readonly BizId?: unknown;
  readonly RequestId?: unknown;
}

/** A per-number flow-control window (isv.BUSINESS_LIMIT_CONTROL), by the level its message names. */
const FLOW_CONTROL_WINDOWS: readonly { readonly pattern: RegExp; readonly ms: number | null }[] = [
  { pattern: /分钟|minute/i, ms: 60_000 },
  { pattern: /小时|hour/i, ms: 3_600_000 },
  // A day-level limit outlasts any run: permanent for this run.
  { pattern: /天|日|day/i, ms: null },
];

/** Transient failures on Aliyun's side: try the row again (SignatureNonceUsed: a fresh nonce fixes it). */
const RETRYABLE = new Set(['isp.SYSTEM_ERROR', 'InternalError', 'ServiceUnavailable', 'SignatureNonceUsed', 'isp.GATEWAY_ERROR']);

/** This number or these parameters cannot succeed as they are: no retry. */
const PERMANENT: Readonly<Record<string, string>> = {
  'isv.MOBILE_NUMBER_ILLEGAL': 'Aliyun calls the number illegal',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'too many numbers in one call',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'the template needs a variable this message lacks (check --param)',
  'isv.INVALID_JSON_PARAM': 'template parameters rejected: values must be strings',
  'isv.PARAM_LENGTH_LIMIT': 'a template variable value is too long',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'content blocked by keyword blacklist',
  'isv.PARAM_NOT_SUPPORT_URL': 'template variables may not hold URLs',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'template variable holds forbidden content',
  'isv.INVALID_PARAMETERS': 'parameters rejected',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': 'an international template cannot go to a mainland number',
};

/** Nothing more can succeed until the user fixes this. Values say what to fix. */
const FATAL: Readonly<Record<string, string>> = {
  SignatureDoesNotMatch: 'AccessKey secret rejected (SignatureDoesNotMatch): check ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  IncompleteSignature: 'signature rejected (IncompleteSignature): check ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'InvalidAccessKeyId.NotFound': 'AccessKey ID not found (InvalidAccessKeyId.NotFound): check ALIBABA_CLOUD_ACCESS_KEY_ID',
  InvalidAccessKeyId: 'AccessKey ID rejected (InvalidAccessKeyId): check ALIBABA_CLOUD_ACCESS_KEY_ID',
  'InvalidAccessKeyId.Inactive': 'AccessKey is disabled (InvalidAccessKeyId.Inactive): enable it in the RAM console or use another',
  'InvalidTimeStamp.Expired': "request time rejected (InvalidTimeStamp.Expired): this machine's clock is more than 15 minutes off; fix it (NTP)",
  'InvalidTimeStamp.Format': 'request time rejected (InvalidTimeStamp.Format): report this herald bug',
  InvalidVersion: 'the endpoint does not serve Dysmsapi 2017-05-25 (InvalidVersion): check HERALD_ALIYUN_ENDPOINT',
  'InvalidAction.NotFound': 'the endpoint does not serve SendSms (InvalidAction.NotFound): check HERALD_ALIYUN_ENDPOINT',
  'isv.SMS_TEMPLATE_ILLEGAL': 'template not approved or not this account\'s (isv.SMS_TEMPLATE_ILLEGAL): check --template-code',
  'isv.SMS_SIGNATURE_ILLEGAL': 'signature not approved or not this account\'s (isv.SMS_SIGNATURE_ILLEGAL): check --sign-name',
  'isv.SMS_SIGN_ILLEGAL': 'signature not usable (isv.SMS_SIGN_ILLEGAL): check --sign-name',
  'isv.SIGN_STATE_ILLEGAL': 'signature not approved yet or disabled (isv.SIGN_STATE_ILLEGAL): check --sign-name in the SMS console',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': "signature's scene does not fit this template (isv.SMS_SIGNATURE_SCENE_ILLEGAL): check --sign-name and --template-code",
  'isv.EXTEND_CODE_ERROR': 'extension code rejected (isv.EXTEND_CODE_ERROR): check the signature in the SMS console',
  'isv.DENY_IP_RANGE': 'Aliyun refuses SMS from this IP address (isv.DENY_IP_RANGE): send from an allowed network',
  'isv.AMOUNT_NOT_ENOUGH': 'account balance too low (isv.AMOUNT_NOT_ENOUGH): top up the Aliyun account, then resume',
  'isv.OUT_OF_SERVICE': 'SMS service suspended, the account is in arrears (isv.OUT_OF_SERVICE): top up, then resume',
  'isv.DAY_LIMIT_CONTROL': "the account's daily SMS limit is reached (isv.DAY_LIMIT_CONTROL): raise it in the SMS console or resume tomorrow",
  'isv.MONTH_LIMIT_CONTROL': "the account's monthly SMS limit is reached (isv.MONTH_LIMIT_CONTROL): raise it in the SMS console",
  'isv.PRODUCT_UN_SUBSCRIPT': 'SMS service not activated (isv.PRODUCT_UN_SUBSCRIPT): activate it in the Aliyun console',
  'isv.PRODUCT_UNSUBSCRIBE': 'SMS service not activated (isv.PRODUCT_UNSUBSCRIBE): activate it in the Aliyun console',
  'isv.ACCOUNT_NOT_EXISTS': 'account does not exist (isv.ACCOUNT_NOT_EXISTS): check ALIBABA_CLOUD_ACCESS_KEY_ID',
  'isv.ACCOUNT_ABNORMAL': 'account is abnormal (isv.ACCOUNT_ABNORMAL): see the Aliyun console',
  'isp.RAM_PERMISSION_DENY': 'this AccessKey may not send SMS (isp.RAM_PERMISSION_DENY): grant it dysms:SendSms in RAM',
  'Forbidden.RAM': 'this AccessKey may not send SMS (Forbidden.RAM): grant it dysms:SendSms in RAM',
};

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

function flowControl(code: string, message: string): SendResult {
  const window = FLOW_CONTROL_WINDOWS.find((w) => w.pattern.test(message));
  if (window === undefined) {
    return { outcome: 'throttled', scope: 'recipient', code, retryAfterMs: 60_000, detail: `per-number flow control: ${message}` };
  }
  if (window.ms === null) {
    return { outcome: 'permanent', code, detail: `this number reached its daily SMS limit, try again tomorrow: ${message}` };
  }
  return { outcome: 'throttled', scope: 'recipient', code, retryAfterMs: window.ms, detail: `per-number flow control: ${message}` };
}

/** Classify an Aliyun send answer (`status` is the HTTP status, for answers without a usable Code). */
export function classifyAnswer(status: number, body: AliyunAnswer | null): SendResult {
  const code = typeof body?.Code === 'string' ? body.Code : null;
  const message = oneLine(body?.Message);
  if (code === null) {
    const detail = `HTTP ${status} without an Aliyun answer`;
    if (status === 502 || status === 504) return { outcome: 'retryable', code: String(status), detail, unknown: true };
    if (status >= 500) return { outcome: 'retryable', code: String(status), detail };
    return { outcome: 'fatal', code: String(status), detail: `${detail}: check HERALD_ALIYUN_ENDPOINT` };
  }
  if (code === 'OK') {
    return typeof body?.BizId === 'string' ? { outcome: 'ok', code, messageId: body.BizId } : { outcome: 'ok', code };
  }
  const said = message === '' ? code : `${code}: ${message}`;
  if (RETRYABLE.has(code)) return { outcome: 'retryable', code, detail: said };
  if (code === 'Throttling' || code.startsWith('Throttling.')) {
    return { outcome: 'throttled', scope: 'channel', code, retryAfterMs: 1_000, detail: `Aliyun asks to slow down (${said})` };
  }
  if (code === 'isv.BUSINESS_LIMIT_CONTROL') return flowControl(code, message);
  const permanent = PERMANENT[code];
  if (permanent !== undefined) return { outcome: 'permanent', code, detail: `${permanent} (${said})` };
  const fatal = FATAL[code];
  if (fatal !== undefined) return { outcome: 'fatal', code, detail: fatal };
  if (code.startsWith('Missing')) {
    return { outcome: 'fatal', code, detail: `Aliyun says a required parameter is missing (${said}): report this herald bug` };
  }
  if (code.startsWith('isp.') || status >= 500) return { outcome: 'retryable', code, detail: said };
  return { outcome: 'permanent', code, detail: `Aliyun refused the message (${said})` };
}
