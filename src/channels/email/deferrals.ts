/**
 * Deferrals large mailbox providers give to say "slow down" (USERS.md §6): Gmail's 421 4.7.28
 * and 450 4.2.1, Yahoo's 421 4.7.0 [TSS04], Microsoft's 451 4.7.500 and Amazon SES's 454
 * Throttling failure. They are `throttled`: the whole run slows down and the row is tried again,
 * never failed. SES's own "Daily message quota exceeded" (also a 454) is the account's quota: the
 * run stops with what to do. The reply code and enhanced code decide; texts only tell SES apart.
 */

/** What a known deferral means for the run. */
export interface Deferral {
  /** Who answers this way, for the message ("Gmail", "Amazon SES"). */
  readonly provider: string;
  readonly outcome: 'throttled' | 'fatal';
  /** One line for humans: what it means and, for fatal, what to do. */
  readonly meaning: string;
}

interface DeferralRule extends Deferral {
  readonly status: number;
  /** The enhanced status code the reply must carry, or null for any. */
  readonly enhanced: string | null;
  /** A pattern the reply text must match, when code and enhanced code are not enough. */
  readonly text?: RegExp;
}

/** First match wins: SES's daily quota comes before SES's rate. */
const RULES: readonly DeferralRule[] = [
  {
    provider: 'Amazon SES',
    status: 454,
    enhanced: null,
    text: /daily message quota exceeded/i,
    outcome: 'fatal',
    meaning: "the account's daily sending quota is used up: raise it in the SES console, or run the same command with --resume tomorrow",
  },
  { provider: 'Amazon SES', status: 454, enhanced: null, text: /throttling failure/i, outcome: 'throttled', meaning: 'maximum sending rate exceeded' },
  { provider: 'Gmail', status: 421, enhanced: '4.7.28', outcome: 'throttled', meaning: 'unusual rate of mail from this sender' },
  { provider: 'Gmail', status: 450, enhanced: '4.2.1', outcome: 'throttled', meaning: 'the recipient is receiving mail too quickly' },
  { provider: 'Yahoo', status: 421, enhanced: '4.7.0', text: /\[TSS\d+\]/, outcome: 'throttled', meaning: 'deferred for unexpected volume or complaints' },
  { provider: 'Microsoft', status: 451, enhanced: '4.7.500', outcome: 'throttled', meaning: 'server busy' },
];

/** The known deferral a reply is, or null. `enhanced` is the reply's enhanced status code, if any. */
export function knownDeferral(status: number, enhanced: string | null, response: string): Deferral | null {
  const rule = RULES.find((r) => r.status === status && (r.enhanced === null || r.enhanced === enhanced) && (r.text === undefined || r.text.test(response)));
  return rule === undefined ? null : { provider: rule.provider, outcome: rule.outcome, meaning: rule.meaning };
}
