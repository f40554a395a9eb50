/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, port 0): it keeps every message it
 * accepts, raw, with its envelope, and can refuse recipients with a chosen SMTP answer.
 * Authentication is optional and, when given, checked against one user.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SunkMessage {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  messages: SunkMessage[];
  /** Refuse RCPT TO for an address with this code and text (550 final, 451 try later). */
  refuse(address: string, code: number, text: string): void;
  waitFor(count: number, timeoutMs?: number): Promise<SunkMessage[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(
  options: { user?: { name: string; password: string } } = {},
): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const refusals = new Map<string, { code: number; text: string }>();
  const waiters: (() => void)[] = [];
  const config: SMTPServerOptions = {
    disabledCommands: ['STARTTLS'],
    // Unauthenticated clients are accepted; a client that does log in must know the password.
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (
        options.user &&
        auth.username === options.user.name &&
        auth.password === options.user.password
      )
        return callback(null, { user: auth.username });
      return callback(
        Object.assign(new Error('Invalid username or password'), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      const refusal = refusals.get(address.address);
      if (refusal)
        return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    refuse(address, code, text) {
      refusals.set(address, { code, text });
    },
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`only ${messages.length} of ${count} messages arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
