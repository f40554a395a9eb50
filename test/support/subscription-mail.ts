/**
 * A stand-in for the outbox's mailMutations in page and API tests: it records every mail a
 * sign-up queues and returns a small record for the sign-up's write, as the outbox would.
 */
import type { MailQueue } from '../../src/http/subscriptions.ts';

export interface RecordedMail {
  id: string;
  to: Parameters<MailQueue>[0]['to'];
  subject: string;
  text: string;
  html: string;
}

export function recordingMail(): { sent: RecordedMail[]; queue: MailQueue; links(): string[] } {
  const sent: RecordedMail[] = [];
  const queue: MailQueue = (input) => {
    // The service asks once at start whether any channel can mail: not a mail.
    if (input.id !== 'probe') sent.push({ id: input.id, to: input.to, ...input.mail });
    return [{ kind: 'test_mail', id: input.id, body: { to: input.to.address } }];
  };
  return {
    sent,
    queue,
    /** Every link in the plain-text parts of the mails sent so far. */
    links: () => sent.flatMap((m) => m.text.match(/https?:\/\/\S+/g) ?? []),
  };
}
