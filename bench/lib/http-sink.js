// An HTTP sink for benchmarks, run as its own process: answers every request 200 with a small
// JSON body, and records arrival times when asked (for pacing measurements).
// Usage: node bench/lib/http-sink.js  -> prints its URL on stdout; on SIGTERM prints stats JSON.
import { createServer } from 'node:http';

let count = 0;
let first = 0;
let last = 0;
const record = process.env.SINK_RECORD_TIMES === '1';
const times = [];
let maxOpen = 0;
let open = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const now = performance.now();
    if (count === 0) first = now;
    last = now;
    count++;
    if (record) times.push(now);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
});
server.on('connection', (socket) => {
  open++;
  maxOpen = Math.max(maxOpen, open);
  socket.on('close', () => open--);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}/hook\n`);
});
process.on('message', (message) => {
  if (message === 'reset') {
    count = 0;
    times.length = 0;
    maxOpen = open;
    process.send({ reset: true });
  } else if (message === 'stats') {
    process.send({ count, first, last, maxOpen, times: record ? times : [] });
  }
});
process.on('SIGTERM', () => process.exit(0));
