// The Twilio simulator checks what the Messages API checks and answers in its format: requests
// are built by hand here.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_ACCOUNT_SID, MOCK_AUTH_TOKEN } from '../../../src/mock/twilio/options.js';
import { startTwilioMock, type TwilioMockServer } from '../../../src/mock/twilio/server.js';

let mock: TwilioMockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const AUTH = `Basic ${Buffer.from(`${MOCK_ACCOUNT_SID}:${MOCK_AUTH_TOKEN}`).toString('base64')}`;

async function post(form: Record<string, string>, options: { auth?: string; account?: string } = {}) {
  const response = await request(`${mock!.url}/2010-04-01/Accounts/${options.account ?? MOCK_ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: options.auth ?? AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Record<string, unknown> };
}

describe('Twilio simulator', () => {
  it('answers 201 with the Message resource, fetchable by its sid', async () => {
    mock = await startTwilioMock({ numbers: '+14155550000' }, () => {});
    const created = await post({ To: '+14155552671', From: '+14155550000', Body: 'hello' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      account_sid: MOCK_ACCOUNT_SID,
      to: '+14155552671',
      from: '+14155550000',
      body: 'hello',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      error_code: null,
    });
    expect(String(created.body.date_created)).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const fetched = await request(`${mock.url}${String(created.body.uri)}`, { headers: { authorization: AUTH } });
    expect(fetched.statusCode).toBe(200);
    expect(((await fetched.body.json()) as { sid: string }).sid).toBe(created.body.sid);
  });

  it.each([
    // [what, form, options, status, code]
    ['no credentials', { To: '+14155552671', From: '+14155550000', Body: 'x' }, { auth: '' }, 401, 20003],
    ['a wrong token', { To: '+14155552671', From: '+14155550000', Body: 'x' }, { auth: `Basic ${Buffer.from(`${MOCK_ACCOUNT_SID}:nope`).toString('base64')}` }, 401, 20003],
    ['another account in the path', { To: '+14155552671', From: '+14155550000', Body: 'x' }, { account: 'AC99999999999999999999999999999999' }, 404, 20404],
    ['no To', { From: '+14155550000', Body: 'x' }, {}, 400, 21604],
    ['a To not in E.164', { To: '4155552671', From: '+14155550000', Body: 'x' }, {}, 400, 21211],
    ['no sender', { To: '+14155552671', Body: 'x' }, {}, 400, 21603],
    ['a From the account does not own', { To: '+14155552671', From: '+14155559999', Body: 'x' }, {}, 400, 21606],
    ['no Body', { To: '+14155552671', From: '+14155550000' }, {}, 400, 21602],
    ['a Body over 1,600 characters', { To: '+14155552671', From: '+14155550000', Body: 'x'.repeat(1601) }, {}, 400, 21617],
  ])('refuses %s', async (_what, form, options, status, code) => {
    mock = await startTwilioMock({ numbers: '+14155550000' }, () => {});
    const answer = await post(form, options);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
    if (status === 401) expect(answer.headers['www-authenticate']).toContain('Basic');
    expect(mock.counters().accepted).toBe(0);
  });

  it("lists the account's messages newest first, filtered by To and DateSent, paged through next_page_uri", async () => {
    mock = await startTwilioMock({ numbers: '+14155550000' }, () => {});
    for (let i = 0; i < 7; i++) await post({ To: i % 2 === 0 ? '+14155552671' : '+14155552672', From: '+14155550000', Body: `m${i}` });
    const list = async (path: string) => {
      const response = await request(`${mock!.url}${path}`, { headers: { authorization: AUTH } });
      return { status: response.statusCode, body: (await response.body.json()) as { messages: { body: string; date_sent: string | null; status: string }[]; next_page_uri: string | null; page: number } };
    };
    const today = new Date().toISOString().slice(0, 10);
    const base = `/2010-04-01/Accounts/${MOCK_ACCOUNT_SID}/Messages.json`;
    const first = await list(`${base}?To=%2B14155552671&DateSent%3E=${today}&PageSize=2`);
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m) => m.body)).toEqual(['m6', 'm4']);
    expect(first.body.messages[0]).toMatchObject({ status: 'sent' });
    expect(first.body.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC\w+\/Messages\.json\?.*Page=1&PageToken=PASM[0-9a-f]{32}/);
    const second = await list(first.body.next_page_uri!);
    expect(second.body.messages.map((m) => m.body)).toEqual(['m2', 'm0']);
    expect(second.body.next_page_uri).toBeNull();
    // DateSent filters: none sent tomorrow or later; all on or before today; a bad date is refused
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await list(`${base}?DateSent%3E=${tomorrow}`)).body.messages).toEqual([]);
    expect((await list(`${base}?DateSent%3C=${today}`)).body.messages).toHaveLength(7);
    expect((await list(`${base}?DateSent=${today}&To=%2B14155552672`)).body.messages.map((m) => m.body)).toEqual(['m5', 'm3', 'm1']);
    expect((await list(`${base}?DateSent%3E=soon`)).status).toBe(400);
    expect(mock.counters().listRequests).toBe(6);
  });

  it('keeps a message queued, without date_sent, for --send-delay-ms: DateSent filters leave it out', async () => {
    mock = await startTwilioMock({ numbers: '+14155550000', sendDelayMs: '600000' }, () => {});
    await post({ To: '+14155552671', From: '+14155550000', Body: 'waiting' });
    const list = async (query: string) => {
      const response = await request(`${mock!.url}/2010-04-01/Accounts/${MOCK_ACCOUNT_SID}/Messages.json?${query}`, { headers: { authorization: AUTH } });
      return ((await response.body.json()) as { messages: { status: string; date_sent: string | null }[] }).messages;
    };
    expect(await list('To=%2B14155552671')).toEqual([expect.objectContaining({ status: 'queued', date_sent: null })]);
    expect(await list(`To=%2B14155552671&DateSent%3E=${new Date().toISOString().slice(0, 10)}`)).toEqual([]);
  });

  it('returns the variables that point herald at it', async () => {
    mock = await startTwilioMock({}, () => {});
    expect(mock.env).toEqual({ HERALD_TWILIO_ENDPOINT: mock.url, TWILIO_ACCOUNT_SID: MOCK_ACCOUNT_SID, TWILIO_AUTH_TOKEN: MOCK_AUTH_TOKEN });
  });

  it('refuses bad simulator flags with the flag named', async () => {
    await expect(startTwilioMock({ error: ['4155552671=21211'] }, () => {})).rejects.toThrow('--error must be NUMBER=CODE');
    await expect(startTwilioMock({ fault: ['99999=0.1'] }, () => {})).rejects.toThrow('--fault must be NAME=WHEN');
  });
});
