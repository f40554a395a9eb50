/**
 * How a subscriber is shown to the admin (UI and API): a webhook URL may carry its receiver's
 * token in the path or query, so only its origin is shown; the id tells two of them apart.
 */
import type { Subscriber } from '../domain/types.ts';

export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname !== '/' || parsed.search !== '';
    return `${parsed.origin}/${hidden ? '…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The address as the admin sees it: the email as given, or the redacted URL. */
export const shownAddress = (subscriber: Subscriber): string =>
  subscriber.kind === 'webhook' ? redactedUrl(subscriber.address) : subscriber.display;
