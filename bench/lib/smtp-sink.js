// An SMTP sink for benchmarks, run as its own process (smtp-server on 127.0.0.1, no auth, no
// TLS): accepts every message and counts them. Prints its URL on stdout.
import { SMTPServer } from 'smtp-server';

let messages = 0;
let connections = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onConnect(_session, callback) {
    connections++;
    callback();
  },
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      messages++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`smtp://127.0.0.1:${server.server.address().port}\n`);
});
process.on('message', (message) => {
  if (message === 'stats') process.send({ count: messages, connections });
  else if (message === 'reset') {
    messages = 0;
    connections = 0;
    process.send({ reset: true });
  }
});
process.on('SIGTERM', () => process.exit(0));
