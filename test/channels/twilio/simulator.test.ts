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

  it('returns the variables that point herald at it', async () => {
    mock = await startTwilioMock({}, () => {});
    expect(mock.env).toEqual({ HERALD_TWILIO_ENDPOINT: mock.url, TWILIO_ACCOUNT_SID: MOCK_ACCOUNT_SID, TWILIO_AUTH_TOKEN: MOCK_AUTH_TOKEN });
  });

  it('refuses bad simulator flags with the flag named', async () => {
    await expect(startTwilioMock({ error: ['4155552671=21211'] }, () => {})).rejects.toThrow('--error must be NUMBER=CODE');
    await expect(startTwilioMock({ fault: ['99999=0.1'] }, () => {})).rejects.toThrow('--fault must be NAME=WHEN');
  });
});
