/**
 * Which answers the email simulator injects: 550 for a set share of mailboxes (the same
 * mailboxes every time, as unknown mailboxes are), 450 for a share of attempts (mailbox busy),
 * 421 for a share of transactions (slow down), a large provider's deferral for a share of
 * messages (--defer), and greylisting (450 for a recipient's first attempt). Random draws come
 * from a seeded generator, so a seed replays the same faults.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../seeded-random.js';
import { ANY_PROVIDER, DEFERRAL_REPLIES, type DeferralReply } from './deferral-replies.js';

/** The rates and modes, each rate from 0 to 1. */
export interface FaultSettings {
  readonly rejectRate: number;
  readonly deferRate: number;
  readonly throttleRate: number;
  readonly greylist: boolean;
  /** Share of messages answered with a provider's deferral, and which provider's (or `any`). */
  readonly deferShare: number;
  readonly deferReply: string;
  readonly seed: number;
}

/** An SMTP reply to send instead of accepting. */
export interface InjectedReply {
  readonly code: number;
  /** The reply text, starting with its enhanced status code. */
  readonly text: string;
  /** Counter it is tallied under. */
  readonly kind: 'rejected' | 'deferred' | 'greylisted' | 'throttled' | 'slowDowns';
}

/** A provider's deferral chosen for a transaction, and where to answer it. */
export interface PlannedDeferral extends InjectedReply {
  readonly stage: DeferralReply['stage'];
}


/** A stable number in [0, 1) for an address, so the same mailboxes are always the unknown ones. */
function addressDraw(address: string, seed: number): number {
  return createHash('sha256').update(`${seed}:${address}`).digest().readUInt32BE(0) / 4294967296;
}

/** Decides the injected faults of one simulator run. */
export class FaultPlan {
  private readonly random: () => number;
  private readonly seen = new Set<string>();

  constructor(private readonly settings: FaultSettings) {
    this.random = seededRandom(settings.seed);
  }

  /** The reply to a MAIL FROM, or null to accept the transaction. */
  atTransaction(): InjectedReply | null {
    if (this.settings.throttleRate > 0 && this.random() < this.settings.throttleRate) {
      return { code: 421, text: '4.7.0 Too many messages, slow down and try again later', kind: 'throttled' };
    }
    return null;
  }

  /** The provider's deferral this transaction meets (decided at MAIL FROM), or null. */
  deferral(): PlannedDeferral | null {
    if (this.settings.deferShare <= 0 || this.random() >= this.settings.deferShare) return null;
    const names = Object.keys(DEFERRAL_REPLIES);
    const name = this.settings.deferReply === ANY_PROVIDER ? names[Math.floor(this.random() * names.length)]! : this.settings.deferReply;
    const reply = DEFERRAL_REPLIES[name]!;
    return { code: reply.code, text: reply.text, stage: reply.stage, kind: 'slowDowns' };
  }

  /** The reply to a RCPT TO for `address`, or null to accept the recipient. */
  atRecipient(address: string): InjectedReply | null {
    const mailbox = address.toLowerCase();
    if (this.settings.rejectRate > 0 && addressDraw(mailbox, this.settings.seed) < this.settings.rejectRate) {
      return { code: 550, text: `5.1.1 <${address}>: Recipient address rejected: User unknown`, kind: 'rejected' };
    }
    if (this.settings.greylist && !this.seen.has(mailbox)) {
      this.seen.add(mailbox);
      return { code: 450, text: `4.2.0 <${address}>: Recipient address rejected: Greylisted, try again later`, kind: 'greylisted' };
    }
    if (this.settings.deferRate > 0 && this.random() < this.settings.deferRate) {
      return { code: 450, text: `4.2.0 <${address}>: Mailbox busy, try again later`, kind: 'deferred' };
    }
    return null;
  }
}
