/**
 * The SMTP server for bench/notify.ts, in its own process so that it shares no event loop or heap
 * with the sender being measured: smtp-server on 127.0.0.1, port 0, accepting and discarding
 * every message. Prints `{"port":N}` once listening, and `{"received":N}` when asked on stdin.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let received = 0;
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ port: (server.server.address() as AddressInfo).port })}\n`,
  );
});
process.stdin.on('data', () => process.stdout.write(`${JSON.stringify({ received })}\n`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
