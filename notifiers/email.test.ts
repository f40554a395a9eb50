/**
 * The email channel against a real SMTP server started here, each message read back with
 * mailparser: subject, both parts, the unsubscribe headers and the links.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, testEnvironment } from '../test/support/notification-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../test/support/smtp-sink.ts';
import email from './email.ts';
import { NotifierError, type DeliveryContext, type Notifier, type Recipient } from './types.ts';

let sink: SmtpSink;
const notifiers: Notifier[] = [];

function channel(params: Record<string, unknown> = {}): Notifier {
  const parsed = email.parse({
    host: '127.0.0.1',
    port: sink.port,
    from: 'Acme Status <status@acme.test>',
    ...params,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const notifier = email.create(parsed.params, testEnvironment(), 'mail');
  notifiers.push(notifier);
  return notifier;
}

const subscriber: Recipient = {
  address: 'ada@example.org',
  unsubscribeUrl: 'https://status.acme.test/unsubscribe/tok-ada',
  manageUrl: 'https://status.acme.test/subscription/tok-ada',
  untrusted: true,
};

const context = (recipient: Recipient, key = 'inc-1.created~mail~ab12'): DeliveryContext => ({
  idempotencyKey: key,
  signal: new AbortController().signal,
  recipient,
});

async function lastMail(): Promise<ParsedMail> {
  return simpleParser(sink.messages.at(-1)!.raw);
}

/** A header as it was sent (mailparser folds the List-* headers into one structure). */
const header = (_mail: ParsedMail, name: string) => {
  const raw = sink.messages
    .at(-1)!
    .raw.split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, ' ');
  const line = raw.split(/\r?\n/).find((entry) => entry.toLowerCase().startsWith(`${name}:`));
  return line ? line.slice(name.length + 1).trim() : 'undefined';
};

beforeAll(async () => {
  sink = await startSmtpSink({ user: { name: 'mailer', password: 'pa55-w0rd-secret' } });
});
afterAll(async () => {
  await Promise.all(notifiers.map((notifier) => notifier.close?.()));
  await sink.close();
});

describe('email channel over SMTP', () => {
  it("mails a new incident with statusetat's subject and body, a text part and a one-click unsubscribe", async () => {
    const notifier = channel({ username: 'mailer', password: 'pa55-w0rd-secret' });
    const receipt = await notifier.send(EVENTS['incident.created']!, context(subscriber));
    expect(receipt.response).toMatch(/^250/);
    const mail = await lastMail();
    expect(sink.messages.at(-1)!.to).toEqual(['ada@example.org']);
    expect(mail.subject).toBe('[Acme Status Unresolved Incident] Database errors');
    expect(mail.from?.text).toBe('"Acme Status" <status@acme.test>');
    expect(mail.html).toContain(
      '<h1>Database errors - <span style="color: #ff5722;">Unresolved</span></h1>',
    );
    expect(mail.html).toContain('<li><b>Impacted components</b>: core - api, dashboard</li>');
    expect(mail.html).toContain('<li><b>Trigger at</b>: Mar 02, 10:00 CET</li>');
    expect(mail.html).toContain('<p>We see <strong>errors</strong> on the API.</p>');
    expect(mail.text).toContain('Database errors - Unresolved');
    expect(mail.text).toContain('- Impact: Partial Outage');
    expect(mail.text).toContain('Link: https://status.acme.test/incidents/inc-1');
    expect(mail.text).toContain(
      'Click here for unsubscribe to email (https://status.acme.test/unsubscribe/tok-ada)',
    );
    expect(mail.text).not.toMatch(/<[a-z]/);
    expect(header(mail, 'auto-submitted')).toBe('auto-generated');
    expect(header(mail, 'list-unsubscribe')).toBe('<https://status.acme.test/unsubscribe/tok-ada>');
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.messageId).toBe('<inc-1.created_mail_ab12@acme.test>');
    const links = [...(mail.html || '').matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    expect(links).toEqual([
      'https://status.acme.test/incidents/inc-1',
      'https://status.acme.test/unsubscribe/tok-ada',
      'https://status.acme.test/subscription/tok-ada',
    ]);
  });

  it('mails maintenance with the scheduled templates, and the resolution with the last message', async () => {
    const notifier = channel();
    await notifier.send(EVENTS['maintenance.scheduled']!, context(subscriber, 'a'));
    let mail = await lastMail();
    expect(mail.subject).toBe('[Acme Status Scheduled task] Database upgrade');
    expect(mail.html).toContain('<h1>Scheduled Maintenance: Database upgrade</h1>');
    expect(mail.html).toContain('<li><b>Duration</b>: 2 hours</li>');
    await notifier.send(EVENTS['maintenance.started']!, context(subscriber, 'b'));
    expect((await lastMail()).subject).toBe(
      '[Acme Status Scheduled task has started] Database upgrade',
    );
    await notifier.send(EVENTS['incident.resolved']!, context(subscriber, 'c'));
    mail = await lastMail();
    expect(mail.subject).toBe('[Acme Status Resolved Incident] Database errors');
    expect(mail.html).toContain('<p>Errors are gone.</p>');
  });

  it("skips an incident's intermediate updates, even when someone presses Notify (statusetat's rule)", () => {
    const notifier = channel();
    expect(notifier.wants(EVENTS['incident.updated']!)).toBe(false);
    expect(notifier.wants(EVENTS.manual!)).toBe(false);
    expect(notifier.wants(EVENTS['incident.created']!)).toBe(true);
    expect(notifier.wants(EVENTS['incident.resolved']!)).toBe(true);
  });

  it("runs a statusetat user's own templates unchanged, and escapes what the incident says", async () => {
    const notifier = channel({
      subject_incident: '{{ .IncidentTitle | title }} ({{ len .Incident.Messages }} messages)',
      txt_incident:
        '{{ range $i, $m := .Incident.Messages }}<p>{{ $i }}: {{ $m.Title }} at {{ timeFmtCustom "15:04" $m.CreatedAt }}</p>{{ end }}' +
        '{{ if eq .Incident.State 1 }}<b>over</b>{{ else }}<b>ongoing</b>{{ end }} {{ .Incident.MainMessage.Title }}',
    });
    const hostile = structuredClone(EVENTS['incident.created']!);
    hostile.incident.messages[0]!.title = '<script>alert(1)</script> & more';
    await notifier.send(hostile, context(subscriber, 'd'));
    const mail = await lastMail();
    expect(mail.subject).toBe('<script>alert(1)</script> & more (1 messages)');
    expect(mail.html).toContain(
      '<p>0: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more at 10:00</p><b>ongoing</b>',
    );
    expect(mail.html).not.toContain('<script>');
  });

  it("renders per recipient when a template prints the recipient's own link, never sharing one", async () => {
    const notifier = channel({ txt_incident: '<p>Leave: {{ .UnsubscribeLink }}</p>' });
    for (const name of ['ann', 'ben'])
      await notifier.send(
        EVENTS['incident.created']!,
        context(
          { address: `${name}@example.org`, unsubscribeUrl: `https://status.acme.test/u/${name}` },
          name,
        ),
      );
    const [ann, ben] = await Promise.all(
      sink.messages.slice(-2).map((message) => simpleParser(message.raw)),
    );
    expect(ann!.html).toContain('<p>Leave: https://status.acme.test/u/ann</p>');
    expect(ben!.html).toContain('<p>Leave: https://status.acme.test/u/ben</p>');
    expect(ben!.html).not.toContain('/u/ann');
  });

  it('sends direct mails (confirmations) through the same transport', async () => {
    const notifier = channel();
    await notifier.sendMail!(
      {
        subject: 'Confirm your subscription',
        text: 'Open https://status.acme.test/confirm/x',
        html: '<a href="https://status.acme.test/confirm/x">Confirm</a>',
      },
      context({ address: 'bob@example.org' }, 'confirm-bob'),
    );
    const mail = await lastMail();
    expect(mail.subject).toBe('Confirm your subscription');
    expect(mail.text).toBe('Open https://status.acme.test/confirm/x');
    expect(header(mail, 'list-unsubscribe')).toBe('undefined');
  });

  it('reports a refused address as final, a busy server as retryable, and never the password', async () => {
    const notifier = channel({ username: 'mailer', password: 'pa55-w0rd-secret' });
    sink.refuse('gone@example.org', 550, 'No such user');
    sink.refuse('full@example.org', 452, 'Mailbox full, try later');
    const gone = (await notifier
      .send(EVENTS['incident.created']!, context({ address: 'gone@example.org' }))
      .catch((e: unknown) => e)) as NotifierError;
    expect(gone).toBeInstanceOf(NotifierError);
    expect(gone.retryable).toBe(false);
    expect(gone.message).toMatch(/SMTP 550/);
    const full = (await notifier
      .send(EVENTS['incident.created']!, context({ address: 'full@example.org' }))
      .catch((e: unknown) => e)) as NotifierError;
    expect(full.retryable).toBe(true);
    const wrong = channel({ username: 'mailer', password: 'not-the-password-xyz' });
    const denied = (await wrong
      .send(EVENTS['incident.created']!, context(subscriber))
      .catch((e: unknown) => e)) as NotifierError;
    expect(denied).toBeInstanceOf(NotifierError);
    for (const error of [gone, full, denied]) {
      expect(error.message).not.toContain('pa55-w0rd-secret');
      expect(error.message).not.toContain('not-the-password-xyz');
    }
  });

  it('reports an SMTP server that is down as retryable', async () => {
    const down = await startSmtpSink();
    await down.close();
    const parsed = email.parse({ host: '127.0.0.1', port: down.port, timeout: '2s' });
    if (!parsed.ok) throw new Error('refused');
    const notifier = email.create(parsed.params, testEnvironment(), 'down');
    notifiers.push(notifier);
    const error = (await notifier
      .send(EVENTS['incident.created']!, context(subscriber))
      .catch((e: unknown) => e)) as NotifierError;
    expect(error).toBeInstanceOf(NotifierError);
    expect(error.retryable).toBe(true);
  });

  it('paces a pooled burst at rate_per_second', async () => {
    const notifier = channel({ rate_per_second: 10, max_connections: 1 });
    const before = sink.messages.length;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        notifier.send(
          EVENTS['incident.created']!,
          context({ address: `r${i}@example.org` }, `burst-${i}`),
        ),
      ),
    );
    expect(sink.messages.length - before).toBe(15);
    // 10 in the first second, the other 5 in the next.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('refuses bad params at start, naming the key', () => {
    const problems = (params: Record<string, unknown>) => {
      const parsed = email.parse(params);
      return parsed.ok ? [] : parsed.problems.map((problem) => problem.key);
    };
    expect(problems({})).toEqual(['host']);
    expect(problems({ host: 'h', port: 'smtp' })).toEqual(['port']);
    expect(problems({ host: 'h', subscribers: ['ok@example.org', 'not an address'] })).toEqual([
      'subscribers[1]',
    ]);
    expect(problems({ host: 'h', txt_scheduled: '{{ range .Incident.Messages }}' })).toEqual([
      'txt_scheduled',
    ]);
    expect(problems({ host: 'h', From: 'ops@acme.test' })).toEqual([]);
  });
});
