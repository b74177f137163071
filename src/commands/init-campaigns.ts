/**
 * The small campaigns `herald init <channel>` writes: for each channel a recipients.csv, a
 * template and a send script that does a dry run first. Each works as written against
 * `herald mock <channel>` (the simulator prints the variables the script needs).
 */

/** One campaign: its files (name → content), the variables it reads, and the flags of its sends. */
export interface CampaignScaffold {
  readonly files: Readonly<Record<string, string>>;
  /** What the provider is, for the script's first comment. */
  readonly what: string;
  /** The variables to set with a real account. */
  readonly variables: string;
  /** The flags after `herald send recipients.csv`. */
  readonly flags: string;
}

const CAMPAIGNS: Readonly<Record<string, CampaignScaffold>> = {
  webhook: {
    what: 'one HTTP request per row to your endpoint',
    variables: 'HERALD_WEBHOOK_URL (or --url), and any token as ${VAR} in --header',
    flags: '--channel webhook --body message.json',
    files: {
      'recipients.csv': 'id,name,email\n1001,Ann Lee,ann@example.com\n1002,王小明,xiaoming@example.com\n1003,Zoë Müller,zoe@example.com\n',
      'message.json': '{ "user": "{{id}}", "title": "Hello {{name}}", "text": "Your spring coupon is ready." }\n',
    },
  },
  email: {
    what: 'one e-mail per row over SMTP',
    variables: "HERALD_SMTP_URL ('smtp://user:password@smtp.example.com:587')",
    flags: '--channel email --template message.txt',
    files: {
      'recipients.csv': 'email,name\nann@example.com,Ann Lee\nxiaoming@example.com,王小明\nzoe@example.com,Zoë Müller\n',
      'message.txt': 'From: Example Shop <news@shop.example>\nSubject: Hello {{name}}, your coupon is here\n\nHi {{name}},\n\nyour spring coupon is ready: show this e-mail at the till.\n\nExample Shop\n',
    },
  },
  'aliyun-sms': {
    what: 'one SMS per row through Aliyun (阿里云短信)',
    variables: 'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, and your approved --sign-name and --template-code',
    flags: '--channel aliyun-sms --sign-name 某某商城 --template-code SMS_123456789 --param name=name --param code=code --template-text message.txt',
    files: {
      'recipients.csv': 'phone,name,code\n13800138000,王小明,CP8391\n13900001111,李雷,CP2750\n13700002222,韩梅梅,CP1177\n',
      'message.txt': '${name}您好，您的专属优惠券${code}已到账，7天内有效。拒收请回复R\n',
    },
  },
  twilio: {
    what: 'one SMS per row through Twilio',
    variables: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and your own number in --from',
    flags: '--channel twilio --from +15005550006 --template message.txt',
    files: {
      'recipients.csv': 'phone,name\n+14155552671,Ann\n+14155550123,Bo\n+447911123456,Chloé\n',
      'message.txt': 'Hi {{name}}, your spring coupon is ready. Reply STOP to opt out.\n',
    },
  },
  wechat: {
    what: 'one WeChat template message per row (微信公众号模板消息)',
    variables: 'WECHAT_APPID and WECHAT_APPSECRET, and your template in --template-id with one --data per keyword',
    flags: '--channel wechat --template-id TEMPLATE_ID --data character_string1=order_no --data thing2=product --data amount3=amount',
    files: {
      'recipients.csv':
        'openid,name,order_no,product,amount\noLVPpjqs9BhvzwPj5A-vTYAX3GLc,Ann Lee,A20250601001,Spring tea set,39.80\noLVPpjsJ3uTq1bXg6cWm0aHk2Fd4,王小明,A20250601002,绿茶礼盒,128.00\noLVPpjkT8rNw5ZyQ2hVx7LmC4Pe1,Cai Wu,A20250601003,Tea cups,9.90\n',
    },
  },
};

/** The send script: a dry run, then the real send only when asked (`sh send.sh --send`). */
function script(channel: string, campaign: CampaignScaffold): string {
  return `#!/bin/sh
# A first herald campaign: ${campaign.what}.
#
# Try it without an account, against herald's simulator:
#   terminal 1:  herald mock ${channel}
#   terminal 2:  paste the export lines it printed, then
#                sh send.sh          a dry run: the first message in full, what would be sent, how long it takes
#                sh send.sh --send   the dry run, then the real send (its log: recipients.csv.results.jsonl)
# With a real account, set ${campaign.variables}
# in the environment or in a file named by --env-file (never on the command line).
# Run the real send again with --resume to go on after a stop; herald retry recipients.csv.results.jsonl
# sends the failures again, herald report recipients.csv.results.jsonl tells what happened.
set -eu
herald send recipients.csv ${campaign.flags} --dry-run
if [ "\${1:-}" = "--send" ]; then
  herald send recipients.csv ${campaign.flags}
fi
`;
}

/** The channels `herald init` knows. */
export const INIT_CHANNELS: readonly string[] = Object.keys(CAMPAIGNS);

/** The files of a channel's starter campaign (name → content), or null for an unknown channel. */
export function scaffoldFiles(channel: string): Readonly<Record<string, string>> | null {
  const campaign = CAMPAIGNS[channel];
  if (!campaign) return null;
  return { ...campaign.files, 'send.sh': script(channel, campaign) };
}
