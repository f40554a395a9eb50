/**
 * One side of bench/notify.ts, in a process of its own so that its peak memory is its own:
 * `staunch` sends one incident to N subscribers through the email channel (statusetat's templates
 * rendered per recipient, unsubscribe links and headers, the pooled transport), `nodemailer`
 * sends the same N messages, rendered once beforehand, through nodemailer's pool directly. Both
 * keep the same number of messages in flight. Prints one JSON line with the figures.
 */
import nodemailer from 'nodemailer';
import email from '../notifiers/email.ts';
import { htmlToText } from '../notifiers/html-text.ts';
import { mailTemplateData } from '../notifiers/template-data.ts';
import type { DeliveryContext, Recipient } from '../notifiers/types.ts';
import { EVENTS, testEnvironment } from '../test/support/notification-fixtures.ts';
import { progress } from './lib.ts';

const [mode, portText, countText, inFlightText, connectionsText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const inFlight = Number(inFlightText);
const connections = Number(connectionsText);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const recipient = (i: number): Recipient => ({
  address: `subscriber-${i}@bench.test`,
  unsubscribeUrl: `https://status.acme.test/unsubscribe/token-${i}`,
  manageUrl: `https://status.acme.test/subscription/token-${i}`,
  untrusted: true,
});

/** Run `send(i)` for every i with at most `inFlight` pending. */
async function pump(send: (i: number) => Promise<unknown>, label: string): Promise<number> {
  const report = progress(`${label}`);
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await send(i).catch(() => (failed += 1));
      done += 1;
      report(done, count);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return failed;
}

const baseline = process.memoryUsage().rss;
const event = EVENTS['incident.created']!;
const started = performance.now();
const cpuStart = process.cpuUsage();
let failed: number;
if (mode === 'staunch') {
  const parsed = email.parse({
    host: '127.0.0.1',
    port,
    from: 'Acme Status <status@acme.test>',
    pool: true,
    max_connections: connections,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const notifier = email.create(parsed.params, testEnvironment(), 'bench');
  const signal = new AbortController().signal;
  failed = await pump((i) => {
    const context: DeliveryContext = {
      idempotencyKey: `${event.id}~bench~${i}`,
      signal,
      recipient: recipient(i),
    };
    return notifier.send(event, context);
  }, 'staunch email channel');
  await notifier.close?.();
} else {
  // The same message as the channel makes, rendered once for recipient 0 and given each
  // recipient's own links by a string replace: what is left is nodemailer's own cost.
  const parsed = email.parse({ host: '127.0.0.1', port });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const data = mailTemplateData(event, recipient(0));
  const subject = parsed.params.templates.subjectIncident.render(data);
  const html =
    parsed.params.templates.txtIncident.render(data) +
    `<br/><br/>\n<hr/>\n<a href="${recipient(0).unsubscribeUrl}">Click here for unsubscribe to email</a>` +
    `<br/>\n<a href="${recipient(0).manageUrl}">Manage your subscription</a>`;
  const text = htmlToText(html);
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    maxConnections: connections,
    maxMessages: 1000,
  });
  failed = await pump((i) => {
    const own = (value: string) => value.replaceAll('token-0', `token-${i}`);
    return transport.sendMail({
      from: 'Acme Status <status@acme.test>',
      to: recipient(i).address,
      subject,
      html: own(html),
      text: own(text),
      headers: {
        'Auto-Submitted': 'auto-generated',
        'List-Unsubscribe': `<${recipient(i).unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  }, 'nodemailer alone');
  transport.close();
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
clearInterval(sampler);
process.stdout.write(
  `${JSON.stringify({ mode, sent: count - failed, failed, ms, cpuMs, peakRss, baseline })}\n`,
);
