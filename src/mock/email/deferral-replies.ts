/**
 * The "slow down" deferrals of large mailbox providers, as `herald mock email --defer` answers
 * them so a user can rehearse: the reply each provider sends and the point of the transaction
 * where it sends it. 421 replies close the connection, so the simulator gives them after DATA,
 * where herald records the provider's own reply (on a reused connection a 421 to MAIL FROM or
 * RCPT TO reaches the client only as a closed connection).
 */

/** Where in the transaction a deferral is answered. */
export type DeferralStage = 'rcpt' | 'data';

/** One provider's deferral. */
export interface DeferralReply {
  readonly code: number;
  /** The reply text after the code, starting with its enhanced status code when it has one. */
  readonly text: string;
  readonly stage: DeferralStage;
}

/** `--defer-reply` values and the reply each stands for (USERS.md §6). */
export const DEFERRAL_REPLIES: Readonly<Record<string, DeferralReply>> = {
  gmail: {
    code: 421,
    text: '4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp',
    stage: 'data',
  },
  'gmail-recipient': {
    code: 450,
    text: '4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time. - gsmtp',
    stage: 'rcpt',
  },
  yahoo: {
    code: 421,
    text: '4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    stage: 'data',
  },
  microsoft: {
    code: 451,
    text: '4.7.500 Server busy. Please try again later from [127.0.0.1]. (S77714) [mock.herald.localhost]',
    stage: 'rcpt',
  },
  ses: { code: 454, text: 'Throttling failure: Maximum sending rate exceeded.', stage: 'data' },
};

/** `--defer-reply any`: each deferral picks one of the providers' replies at random. */
export const ANY_PROVIDER = 'any';

/** The values `--defer-reply` takes, for messages and help. */
export const DEFER_REPLY_NAMES = [...Object.keys(DEFERRAL_REPLIES), ANY_PROVIDER];
