/** The webhook's request template: where rows may put values in --url, `${VAR}` values kept out of templates, secrets registered, fields listed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestTemplate, type RequestSettings } from '../../../src/channels/webhook/request-template.js';

const ENV = { TOKEN: 'xyz{{name}}uvw', HOST: '127.0.0.1:8080', ORIGIN: 'http://127.0.0.1:9', BASE: 'http://127.0.0.1:9/api', KEY: 'k3y-secret', PASS: 'pa55word', LINE: 'a\r\nX-Evil: 1' };

function template(overrides: Partial<RequestSettings>, secrets: string[] = []): RequestTemplate {
  return new RequestTemplate({ url: 'http://h/hook', method: 'POST', headers: [], bodyFile: undefined, cwd: '/', env: ENV, secret: (value) => secrets.push(value), ...overrides });
}

function rendered(t: RequestTemplate, fields: Record<string, string>) {
  const result = t.render(fields);
  if (!result.ok) throw new Error(result.reason);
  return result.message;
}

describe('--url: rows choose no host', () => {
  it.each([
    // Scheme, host, port, login and the whole URL: each would let a row choose where the request goes.
    ['{{scheme}}://h/x'],
    ['http{{s}}://h/x'],
    ['http://{{host}}/x'],
    ['http://api.{{tenant}}.example.com/x'],
    ['http://h:{{port}}/x'],
    ['http://{{user}}@h/x'],
    ['{{url}}'],
    // A placeholder right after a host from the environment continues that host.
    ['${ORIGIN}{{path}}'],
  ])('%s is refused, saying where placeholders may stand', (url) => {
    expect(() => template({ url })).toThrow(/scheme, host or port would let each row choose where the request and its headers go; placeholders may stand in the path and query \(add --allow-templated-host/);
  });

  it.each([
    // Path and query are the rows' to fill.
    ['http://h/users/{{id}}?q={{q}}', 'http://h', '/users/7?q=x'],
    ['http://h?q={{q}}', 'http://h', '?q=x'],
    // A host or a whole base from the environment is the operator's, not a row's.
    ['http://${HOST}/u/{{id}}', 'http://127.0.0.1:8080', '/u/7'],
    ['${BASE}/{{id}}', 'http://127.0.0.1:9', '/api/7'],
  ])('%s is allowed', (url, origin, path) => {
    const message = rendered(template({ url }), { id: '7', q: 'x' });
    expect([message.origin, message.path]).toEqual([origin, path]);
  });

  it('--allow-templated-host lets rows choose it, and refuses a row whose URL is not http(s)', () => {
    const t = template({ url: 'http://127.0.0.1:{{port}}/x/{{id}}', allowTemplatedHost: true });
    expect(rendered(t, { port: '81', id: 'a' })).toMatchObject({ origin: 'http://127.0.0.1:81', path: '/x/a' });
    const whole = template({ url: '{{url}}', allowTemplatedHost: true });
    expect(whole.render({ url: 'ftp://x' })).toMatchObject({ ok: false });
  });

  it('a URL that is not http(s) is refused as such, whatever the flag', () => {
    expect(() => template({ url: 'ftp://h/{{id}}', allowTemplatedHost: true })).toThrow(/expected an http:\/\/ or https:\/\/ URL/);
  });
});

describe('${VAR} values are never templates', () => {
  it('a value holding {{…}} goes out as it is in headers and URLs', () => {
    const t = template({ url: 'http://h/${TOKEN}/{{id}}', headers: ['Authorization: Bearer ${TOKEN}', 'X-Id: {{id}}'] });
    expect(t.templateFields()).toEqual([
      { field: 'id', where: '--url' },
      { field: 'id', where: '--header X-Id' },
    ]);
    const message = rendered(t, { id: '1', name: 'Ann' });
    expect(message.headers).toEqual(['content-type', 'application/json', 'Authorization', 'Bearer xyz{{name}}uvw', 'X-Id', '1']);
    expect(message.path).toBe('/xyz%7B%7Bname%7D%7Duvw/1');
  });

  it("a row's value holding ${…} is not expanded", () => {
    const message = rendered(template({ headers: ['X-Name: {{name}}'] }), { name: '${KEY}' });
    expect(message.headers).toContain('${KEY}');
  });

  it('a header value from the environment with a line break is refused, naming the header and never the value', () => {
    expect(() => template({ headers: ['X-A: ${LINE}'] })).toThrow(/^--header X-A: a \$\{…\} value holds a line break/);
  });
});

describe('secrets registered', () => {
  it('every ${VAR} value of headers, path, query and login, but not a host or port the operator chose', () => {
    const secrets: string[] = [];
    template({ url: 'http://ann:${PASS}@${HOST}/a/${KEY}?id={{id}}', headers: ['Authorization: Bearer ${TOKEN}'] }, secrets);
    expect(secrets.sort()).toEqual(['k3y-secret', 'pa55word', 'xyz{{name}}uvw']);
  });

  it('a whole URL from one variable is a secret (a Slack-style URL carries its token in the path)', () => {
    const secrets: string[] = [];
    template({ url: '${BASE}/{{id}}' }, secrets);
    expect(secrets).toEqual(['http://127.0.0.1:9/api']);
  });
});

describe('templateFields', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('lists every field with where it is used; the body file as the user names it', () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-fields-'));
    writeFileSync(join(dir, 'push.json'), '{"to": "{{email}}", "text": "Hi {{name}}, {{name}}"}');
    const t = template({ url: 'http://h/u/{{id}}?c={{campaign}}', headers: ['Authorization: Bearer {{token}}', 'X-Plain: 1'], bodyFile: join(dir, 'push.json'), cwd: dir });
    expect(t.templateFields()).toEqual([
      { field: 'id', where: '--url' },
      { field: 'campaign', where: '--url' },
      { field: 'token', where: '--header Authorization' },
      { field: 'email', where: '--body push.json' },
      { field: 'name', where: '--body push.json' },
    ]);
  });

  it('without --body the row itself is the body: no field is required', () => {
    expect(template({ url: 'http://h/hook' }).templateFields()).toEqual([]);
  });
});
