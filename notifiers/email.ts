/**
 * Email through SMTP with nodemailer (Node only: Workers cannot open SMTP connections, and the
 * config check says so). One mail per recipient, as statusetat sends, with statusetat's subject
 * and body templates; each mail has an HTML part and a plain-text part, `Auto-Submitted:
 * auto-generated` (so auto-responders stay quiet), and, when the recipient is a subscriber, a
 * one-click unsubscribe (RFC 8058: `List-Unsubscribe` with the HTTPS link and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`). The Message-ID is derived from the
 * idempotency key, so a retry of a mail that did arrive is recognisable as the same mail.
 *
 * Connections are pooled and reused; `rate_per_second` caps the pace for providers that throttle.
 */
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { htmlToText } from './html-text.ts';
import { parseEmailParams, type EmailParams } from './email-params.ts';
import { isIntermediateUpdate, mailTemplateData } from './template-data.ts';
import {
  NotifierError,
  type DeliveryContext,
  type DeliveryReceipt,
  type DirectMail,
  type NotifierDefinition,
  type NotifierEnvironment,
  type Notification,
  type Recipient,
} from './types.ts';

/** The unsubscribe footer statusetat appends to every mail, pointing at the recipient's own link. */
function footer(address: string, context: DeliveryContext, baseUrl: string): string {
  const unsubscribe =
    context.recipient?.unsubscribeUrl ??
    `${baseUrl}/v1/unsubscribe?email=${encodeURIComponent(address)}`;
  const manage = context.recipient?.manageUrl;
  return (
    `<br/><br/>\n<hr/>\n<a href="${escapeAttribute(unsubscribe)}">Click here for unsubscribe to email</a>` +
    (manage ? `<br/>\n<a href="${escapeAttribute(manage)}">Manage your subscription</a>` : '')
  );
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&#34;').replace(/</g, '&lt;');
}

function messageId(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'staunch.local';
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 180)}@${domain}>`;
}

/** SMTP's answer as a NotifierError: 5xx and bad addresses are final, the rest may pass later. */
function smtpError(name: string, error: unknown): NotifierError {
  const details = error as {
    code?: string;
    responseCode?: number;
    response?: string;
    message?: string;
  };
  const code = details.responseCode;
  // A refused login is the operator's to fix; the mail should still go once the password is right.
  const permanent =
    details.code !== 'EAUTH' && (code !== undefined ? code >= 500 : details.code === 'EENVELOPE');
  const said = (details.response ?? details.message ?? String(error))
    .replace(/\s+/g, ' ')
    .slice(0, 200);
  return new NotifierError(name, !permanent, `SMTP ${code ?? details.code ?? 'error'}: ${said}`, {
    status: code,
  });
}

/** nodemailer is loaded with the first mail, not by every server start. */
export async function createTransport(params: EmailParams) {
  const { default: nodemailer } = await import('nodemailer');
  const options: SMTPPool.Options = {
    pool: true,
    host: params.host,
    port: params.port,
    secure: params.useSsl,
    auth:
      params.username || params.password
        ? { user: params.username, pass: params.password }
        : undefined,
    tls: { rejectUnauthorized: !params.insecureSkipVerify },
    maxConnections: params.pool ? params.maxConnections : 1,
    maxMessages: params.pool ? 1000 : 1,
    connectionTimeout: params.timeoutMs,
    greetingTimeout: params.timeoutMs,
    socketTimeout: params.timeoutMs,
    ...(params.ratePerSecond > 0 ? { rateLimit: params.ratePerSecond, rateDelta: 1000 } : {}),
  };
  return nodemailer.createTransport(options);
}

type Transport = Awaited<ReturnType<typeof createTransport>>;

async function deliver(
  transportOf: () => Promise<Transport>,
  name: string,
  params: EmailParams,
  environment: NotifierEnvironment,
  mail: DirectMail,
  context: DeliveryContext,
): Promise<DeliveryReceipt> {
  const to = context.recipient?.address;
  if (!to) throw new NotifierError(name, false, 'no recipient address');
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
  const unsubscribe = context.recipient?.unsubscribeUrl;
  if (unsubscribe) {
    headers['List-Unsubscribe'] = `<${unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const transport = await transportOf();
  if (context.signal.aborted) throw new NotifierError(name, true, 'cancelled');
  const sending = transport.sendMail({
    from: params.from,
    to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers,
    messageId: messageId(context.idempotencyKey, params.from),
    date: new Date(environment.now()),
  });
  // The outbox's signal is shared by many deliveries: the listener is removed once this one ends.
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new NotifierError(name, true, 'cancelled'));
    context.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const info = await Promise.race([sending, aborted]);
    return { response: String(info.response ?? 'sent').slice(0, 200) };
  } catch (error) {
    if (error instanceof NotifierError) throw error;
    throw smtpError(name, error);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

interface Rendered {
  subject: string;
  body: string;
  text: string;
}

function render(
  params: EmailParams,
  notification: Notification,
  recipient: Recipient | undefined,
): Rendered {
  const scheduled = notification.incident.isScheduled;
  const data = mailTemplateData(notification, recipient);
  const subject = (scheduled ? params.templates.subjectScheduled : params.templates.subjectIncident)
    .render(data)
    .replace(/[\r\n]+/g, ' ');
  const body = (scheduled ? params.templates.txtScheduled : params.templates.txtIncident).render(
    data,
  );
  return { subject, body, text: htmlToText(body) };
}

const email: NotifierDefinition<EmailParams> = {
  type: 'email',
  runtimes: ['node'],
  parse: parseEmailParams,
  create(params, environment, name) {
    let transport: Promise<Transport> | undefined;
    const transportOf = () => (transport ??= createTransport(params));
    // One incident goes to every subscriber: unless a template prints the recipient's own links,
    // subject and body are the same for all of them and are rendered once per notification.
    const cache = new Map<string, Rendered>();
    const rendered = (notification: Notification, context: DeliveryContext): Rendered => {
      if (params.templatesUseRecipient) return render(params, notification, context.recipient);
      let hit = cache.get(notification.id);
      if (!hit) {
        hit = render(params, notification, undefined);
        cache.set(notification.id, hit);
        if (cache.size > 16) cache.delete(cache.keys().next().value!);
      }
      return hit;
    };
    return {
      type: 'email',
      name,
      perRecipient: true,
      configuredRecipients: params.subscribers,
      // statusetat: an incident with updates is mailed again only once resolved, even on Notify.
      wants: (notification) => !isIntermediateUpdate(notification),
      send(notification, context) {
        const { subject, body, text } = rendered(notification, context);
        const tail = footer(context.recipient?.address ?? '', context, notification.page.baseUrl);
        const mail = { subject, html: body + tail, text: `${text}\n\n${htmlToText(tail)}` };
        return deliver(transportOf, name, params, environment, mail, context);
      },
      sendMail: (mail, context) => deliver(transportOf, name, params, environment, mail, context),
      async close() {
        (await transport)?.close();
      },
    };
  },
};

export default email;
