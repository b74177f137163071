/**
 * The simulator's access tokens, as WeChat hands them out: `stable_token` returns the same token
 * while it is valid (a new one in its last minutes; `force_refresh` revokes the old one), the
 * classic `cgi-bin/token` issues a new one on every call (the previous one stays valid 5 more
 * minutes), and the two kinds are isolated from each other. Tokens expire by time or by use.
 */
import { randomBytes } from 'node:crypto';
import type { SimConfig } from './config.js';

/** A JSON answer: WeChat says HTTP 200 even for errors. */
export interface SimAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

interface TokenState {
  readonly value: string;
  readonly kind: 'stable' | 'classic';
  readonly issuedAt: number;
  expiresAt: number;
  uses: number;
  revoked: boolean;
}

/** How long an old classic token keeps working after a new one is issued. */
const CLASSIC_OVERLAP_MS = 5 * 60_000;
/** stable_token hands out the next token this long before the current one expires (at most half its life). */
const STABLE_EARLY_MS = 5 * 60_000;

/** A request id like WeChat appends to every errmsg. */
export function rid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16)}`;
}

/** A WeChat error answer. */
export function wechatError(errcode: number, errmsg: string): SimAnswer {
  return { status: 200, body: { errcode, errmsg: `${errmsg} rid: ${rid()}` } };
}

/** Why a token cannot be used to send: 0 when it can. */
export type TokenVerdict = 0 | 40001 | 41001 | 42001;

/** Issues and checks the simulator's access tokens. */
export class TokenIssuer {
  readonly #config: () => SimConfig;
  readonly #tokens = new Map<string, TokenState>();
  #stable: TokenState | null = null;
  #classic: TokenState | null = null;

  constructor(config: () => SimConfig) {
    this.#config = config;
  }

  #expired(token: TokenState, now: number): boolean {
    const uses = this.#config().tokenUses;
    return token.revoked || now >= token.expiresAt || (uses > 0 && token.uses >= uses);
  }

  #issue(kind: TokenState['kind'], now: number): TokenState {
    const token: TokenState = {
      value: `${kind === 'stable' ? 'S' : 'C'}_${randomBytes(96).toString('base64url')}`,
      kind,
      issuedAt: now,
      expiresAt: now + this.#config().tokenTtlSeconds * 1000,
      uses: 0,
      revoked: false,
    };
    this.#tokens.set(token.value, token);
    return token;
  }

  #credentials(appid: unknown, secret: unknown): SimAnswer | null {
    const config = this.#config();
    if (typeof appid !== 'string' || appid === '') return wechatError(41002, 'appid missing');
    if (typeof secret !== 'string' || secret === '') return wechatError(41004, 'appsecret missing');
    if (appid !== config.appid) return wechatError(40013, 'invalid appid');
    return secret === config.secret ? null : wechatError(40125, 'invalid appsecret');
  }

  /** `POST cgi-bin/stable_token` with a parsed JSON body. */
  stable(body: Readonly<Record<string, unknown>>, now: number): SimAnswer {
    if (body['grant_type'] !== 'client_credential') return wechatError(40002, 'invalid grant_type');
    const refused = this.#credentials(body['appid'], body['secret']);
    if (refused !== null) return refused;
    const current = this.#stable;
    const early = Math.min(STABLE_EARLY_MS, (this.#config().tokenTtlSeconds * 1000) / 2);
    let token: TokenState;
    if (body['force_refresh'] === true) {
      if (current !== null) current.revoked = true;
      token = this.#issue('stable', now);
    } else if (current !== null && !this.#expired(current, now) && current.expiresAt - now > early) {
      token = current;
    } else {
      token = this.#issue('stable', now);
    }
    this.#stable = token;
    return { status: 200, body: { access_token: token.value, expires_in: Math.max(1, Math.floor((token.expiresAt - now) / 1000)) } };
  }

  /** `GET cgi-bin/token?grant_type=client_credential&appid=…&secret=…`. */
  classic(query: URLSearchParams, now: number): SimAnswer {
    if (query.get('grant_type') !== 'client_credential') return wechatError(40002, 'invalid grant_type');
    const refused = this.#credentials(query.get('appid'), query.get('secret'));
    // The classic endpoint reports a wrong secret as 40001.
    if (refused?.body['errcode'] === 40125) return wechatError(40001, 'invalid credential, access_token is invalid or not latest');
    if (refused !== null) return refused;
    const previous = this.#classic;
    if (previous !== null) previous.expiresAt = Math.min(previous.expiresAt, now + CLASSIC_OVERLAP_MS);
    const token = this.#issue('classic', now);
    this.#classic = token;
    return { status: 200, body: { access_token: token.value, expires_in: this.#config().tokenTtlSeconds } };
  }

  /** Check a token for one send, counting the use when it is good. */
  use(value: string | null, now: number): TokenVerdict {
    if (value === null || value === '') return 41001;
    const token = this.#tokens.get(value);
    if (token === undefined || token.revoked) return 40001;
    if (this.#expired(token, now)) return 42001;
    token.uses++;
    return 0;
  }
}
