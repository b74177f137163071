// The SMS baseline: a raw undici loop doing what one SendSms needs — the RPC parameters, a fresh
// nonce and timestamp, HMAC-SHA1 signature v1.0, a form POST — against the same sink.
// Usage: node raw-aliyun.js URL COUNT CONCURRENCY. Prints {"count":…, "ms":…}.
import { createHmac, randomUUID } from 'node:crypto';
import { Pool } from 'undici';

const [url, countText, concurrencyText] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const pool = new Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 });
const secret = 'bench-secret';

function enc(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function signedBody(i) {
  const params = {
    AccessKeyId: 'bench-key',
    Action: 'SendSms',
    Format: 'JSON',
    OutId: randomUUID(),
    PhoneNumbers: String(13800000000 + i),
    RegionId: 'cn-hangzhou',
    SignName: '某某商城',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_123456789',
    TemplateParam: JSON.stringify({ name: `会员${i}`, coupon: `C${i}` }),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
  };
  const query = Object.keys(params).sort().map((k) => `${enc(k)}=${enc(params[k])}`).join('&');
  const signature = createHmac('sha1', `${secret}&`).update(`POST&%2F&${enc(query)}`).digest('base64');
  return `${query}&Signature=${enc(signature)}`;
}

let next = 0;
const started = performance.now();
async function worker() {
  while (next < count) {
    const i = next++;
    const response = await pool.request({ path: '/', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: signedBody(i) });
    JSON.parse(await response.body.text());
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify({ count, ms: performance.now() - started }) + '\n');
await pool.close();
