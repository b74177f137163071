/** Templates: strict placeholders, escaping for where values land, JSON bodies. */
import { describe, expect, it } from 'vitest';
import { RequestTemplate } from '../../src/channels/webhook/request-template.js';
import { urlTemplateSource } from '../../src/channels/webhook/url-text.js';
import { headerValue, html, jsonString, urlComponent, asIs } from '../../src/render/escape.js';
import { compileJsonTemplate } from '../../src/render/json-template.js';
import { compileTemplate } from '../../src/render/template.js';

describe('compileTemplate', () => {
  it('replaces {{field}} (spaces allowed in names and around them) and lists the fields once', () => {
    const t = compileTemplate('Hi {{ name }}, call {{Contact Phone}} ({{name}})', 't.txt', { escape: asIs });
    expect(t.fields).toEqual(['name', 'Contact Phone']);
    expect(t.render({ name: 'Ann', 'Contact Phone': '123' })).toEqual({ ok: true, text: 'Hi Ann, call 123 (Ann)' });
  });
  it('makes a row invalid when a field is missing, but an empty value is present', () => {
    const t = compileTemplate('Hi {{name}}', 't.txt', { escape: asIs });
    expect(t.render({})).toEqual({ ok: false, reason: 't.txt uses {{name}}, which this row lacks' });
    expect(t.render({ name: '' })).toEqual({ ok: true, text: 'Hi ' });
  });
  it('renders JSONL values: numbers and booleans as text, null as empty, objects as JSON', () => {
    const t = compileTemplate('{{n}} {{b}} [{{z}}] {{o}}', 't', { escape: asIs });
    expect(t.render({ n: 4.5, b: true, z: null, o: { a: 1 } })).toEqual({ ok: true, text: '4.5 true [] {"a":1}' });
  });
  it.each([
    ['{{}}', /empty placeholder/],
    ['line 1\nHi {{name', /line 2: '\{\{' without a matching/],
  ])('refuses %j naming the line', (source, error) => {
    expect(() => compileTemplate(source, 'bad.txt', { escape: asIs })).toThrow(error);
  });
});

describe('escapers', () => {
  const cases: [string, (v: string, f: string) => string, string, string][] = [
    ['JSON string content', jsonString, 'a "q" \\ \n é', 'a \\"q\\" \\\\ \\n é'],
    ['URL component', urlComponent, 'a b/c?d=é&', 'a%20b%2Fc%3Fd%3D%C3%A9%26'],
    ['HTML', html, `<b>"Tom" & 'Jerry'</b>`, '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;'],
    ['header (plain)', headerValue, 'Zoë', 'Zoë'],
  ];
  it.each(cases)('%s', (_name, escape, value, expected) => {
    expect(escape(value, 'f')).toBe(expected);
  });
  it('a header value can never carry a line break', () => {
    const t = compileTemplate('X-Name: {{name}}', '--header', { escape: headerValue });
    const rendered = t.render({ name: 'a\r\nBcc: evil@example.com' });
    expect(rendered.ok).toBe(false);
  });
  it('a header value can never carry another control character (the row is invalid, saying which)', () => {
    const t = compileTemplate('{{v}}', '--header X-V', { escape: headerValue });
    for (const bad of ['a\u0001b', 'nul\u0000', 'del\u007f']) {
      const rendered = t.render({ v: bad });
      expect(rendered).toMatchObject({ ok: false, reason: expect.stringMatching(/field 'v' holds a control character \(U\+00(01|00|7F)\)/) as unknown });
    }
    expect(t.render({ v: 'tab\there' })).toEqual({ ok: true, text: 'tab\there' });
  });
});

describe('urlTemplateSource', () => {
  it.each([
    ['/路径/{{id}}', '/%E8%B7%AF%E5%BE%84/{{id}}'],
    ['/a b/{{id}}?q=中', '/a%20b/{{id}}?q=%E4%B8%AD'],
    ['/x/{{id}}#frag', '/x/{{id}}'],
    ['/x#{{id}}', '/x'],
    ['/already%20encoded/{{ id }}?a=1&b=[2]', '/already%20encoded/{{ id }}?a=1&b=[2]'],
    ['/quote"and<angle>', '/quote%22and%3Cangle%3E'],
    // ${VAR} references are kept for expansion (their values are encoded then).
    ['/a b/${TOKEN}?x={{x}}#frag', '/a%20b/${TOKEN}?x={{x}}'],
  ])('%s -> %s', (source, expected) => {
    expect(urlTemplateSource(source, '--url')).toBe(expected);
  });
});

describe('webhook --url', () => {
  const env = { TOKEN: 'ab#cd e', BASE: 'http://127.0.0.1:9/api' };
  const target = (url: string, fields: Record<string, string>) => {
    const template = new RequestTemplate({ url, method: 'POST', headers: [], bodyFile: undefined, cwd: '/', env });
    const rendered = template.render(fields);
    return rendered.ok ? rendered.message.path : `invalid: ${rendered.reason}`;
  };
  it.each([
    // A value is one component: its / ? & # are encoded.
    ['http://h/users/{{id}}?q={{q}}', { id: 'a/b', q: 'x&y#z' }, '/users/a%2Fb?q=x%26y%23z'],
    // A secret from the environment is encoded but never cut at its '#'.
    ['http://h/hook?token=${TOKEN}&id={{id}}', { id: '1' }, '/hook?token=ab%23cd%20e&id=1'],
    // A base URL from the environment keeps its slashes.
    ['${BASE}/{{id}}', { id: '7' }, '/api/7'],
    // A #fragment typed into the URL is dropped.
    ['http://h/x/{{id}}#top', { id: '1' }, '/x/1'],
    // Values that make a '.' or '..' segment, alone or together, are refused.
    ['http://h/api/{{v}}/admin', { v: '..' }, "invalid: --url: this row's values make a '.' or '..' path segment, which would move the request elsewhere"],
    ['http://h/api/{{v}}{{w}}/admin', { v: '.', w: '.' }, "invalid: --url: this row's values make a '.' or '..' path segment, which would move the request elsewhere"],
    ['http://h/api/.{{v}}/admin', { v: '.' }, "invalid: --url: this row's values make a '.' or '..' path segment, which would move the request elsewhere"],
    // ...but dots that stay inside a segment, or in the query, are fine.
    ['http://h/files/{{name}}.txt?q={{q}}', { name: '..', q: '..' }, '/files/...txt?q=..'],
  ])('%s %j -> %s', (url, fields, expected) => {
    expect(target(url, fields)).toBe(expected);
  });
});

describe('compileJsonTemplate', () => {
  it('escapes values as string content so no value can change the structure', () => {
    const t = compileJsonTemplate('{"text": "Hello {{name}}", "id": "{{id}}"}', 'b.json');
    const rendered = t.render({ name: '", "admin": true, "x": "', id: '7' });
    expect(rendered.ok && JSON.parse(rendered.text)).toEqual({ text: 'Hello ", "admin": true, "x": "', id: '7' });
  });
  it('refuses a placeholder outside a string, naming the file and line', () => {
    expect(() => compileJsonTemplate('{\n  "n": {{count}}\n}', 'push.json')).toThrow(/push\.json line 2: \{\{count\}\} must stand inside a JSON string/);
  });
  it('refuses a template that is not JSON', () => {
    expect(() => compileJsonTemplate('{"a": "{{x}}",}', 'push.json')).toThrow(/push\.json is not valid JSON/);
  });
  it('understands escaped quotes inside strings', () => {
    const t = compileJsonTemplate('{"a": "say \\"{{x}}\\""}', 'b.json');
    const rendered = t.render({ x: 'hi' });
    expect(rendered.ok && JSON.parse(rendered.text)).toEqual({ a: 'say "hi"' });
  });
});
