// The email baseline: a raw nodemailer pool loop (pool: true, maxConnections N) sending messages
// rendered like herald's (UTF-8 subject, HTML + text parts) to the same SMTP sink.
// Usage: node raw-nodemailer.js URL COUNT CONCURRENCY. Prints {"count":…, "ms":…}.
import nodemailer from 'nodemailer';

const [url, countText, concurrencyText] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const target = new URL(url);
const transport = nodemailer.createTransport({ pool: true, maxConnections: concurrency, maxMessages: 100, host: target.hostname, port: Number(target.port), secure: false, ignoreTLS: true });
const started = performance.now();
let next = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    const name = `Name ${i}`;
    await transport.sendMail({
      from: 'Shop News <news@shop.example>',
      to: `${name} <user${i}@example.com>`,
      replyTo: 'Shop Help <help@shop.example>',
      subject: `欢迎, ${name}! Your welcome code inside`,
      messageId: `<bench-${i}@shop.example>`,
      html: `<!DOCTYPE html><html><body><h1>Welcome, ${name}!</h1><p>Your welcome code is <strong>WELCOME-${i}</strong>.</p></body></html>`,
      text: `Welcome, ${name}!\n\nYour welcome code is WELCOME-${i}.`,
    });
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify({ count, ms: performance.now() - started }) + '\n');
transport.close();
