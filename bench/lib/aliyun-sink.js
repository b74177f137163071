// An Aliyun Dysmsapi stand-in for benchmarks, run as its own process: answers every request like
// an accepted SendSms / QuerySendDetails, without checking anything (the simulator checks; this
// measures the client). Prints its URL on stdout.
import { createServer } from 'node:http';

let count = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    const body = `{"Code":"OK","Message":"OK","BizId":"${count}^0","RequestId":"bench-${count}","TotalCount":0,"SmsSendDetailDTOs":{"SmsSendDetailDTO":[]}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('message', (message) => {
  if (message === 'stats') process.send({ count });
  else if (message === 'reset') {
    count = 0;
    process.send({ reset: true });
  }
});
process.on('SIGTERM', () => process.exit(0));
