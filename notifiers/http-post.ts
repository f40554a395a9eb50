/**
 * The one HTTP call every fetch-based channel makes: a timeout on top of the outbox's signal, a
 * cap on how much of the answer is read (a receiver that streams forever must not fill memory),
 * and the answer turned into a NotifierError that says whether retrying can help. Webhook URLs
 * carry their secret in the path, so no message ever contains more of a URL than its host.
 */
import {
  NotifierError,
  type DeliveryReceipt,
  type Notification,
  type Notifier,
  type NotifierEnvironment,
} from './types.ts';

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'Staunch-Notifier/1';

export interface HttpCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Refuse redirects (visitor-supplied URLs: a redirect could lead to a private address). */
  noRedirects?: boolean;
}

export interface HttpAnswer {
  status: number;
  body: string;
  /** The answer was longer than maxResponseBytes and was cut there. */
  truncated: boolean;
}

/** Statuses worth trying again: the receiver may accept the same request later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** `https://hooks.slack.com`: enough to tell channels apart, never the path or query (tokens). */
export function safeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The answer's text for an error message, without anything of the URL that was called. */
function excerpt(body: string, url: string): string {
  let text = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  try {
    const parsed = new URL(url);
    for (const secret of [
      url,
      parsed.pathname + parsed.search,
      parsed.search.slice(1),
      parsed.password,
    ])
      if (secret.length > 1) text = text.split(secret).join('…');
  } catch {
    // An invalid URL never reached a receiver, so there is no answer to clean.
  }
  return text;
}

async function readLimited(
  response: Response,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}

/**
 * One request; resolves with the answer for any status below 400 and throws NotifierError
 * otherwise (retryable for network errors, timeouts, 408, 425, 429 and 5xx).
 */
export async function httpCall(
  fetchImpl: typeof fetch,
  notifier: string,
  call: HttpCall,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const method = call.method ?? 'POST';
  const where = `${method} ${safeTarget(call.url)}`;
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  let response: Response;
  let text: { text: string; truncated: boolean };
  try {
    response = await fetchImpl(call.url, {
      method,
      headers: { 'user-agent': USER_AGENT, ...call.headers },
      body: call.body,
      signal: combined,
      redirect: call.noRedirects ? 'manual' : 'follow',
    });
    text = await readLimited(response, call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  } catch (error) {
    const timedOut = timeout.aborted && !signal.aborted;
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : signal.aborted
        ? 'cancelled'
        : `network error: ${networkReason(error)}`;
    throw new NotifierError(notifier, true, `${where}: ${reason}`);
  }
  if (call.noRedirects && response.status >= 300 && response.status < 400) {
    throw new NotifierError(
      notifier,
      false,
      `${where}: answered a redirect (HTTP ${response.status}), which is not followed for subscriber URLs`,
      {
        status: response.status,
      },
    );
  }
  if (response.status >= 400) {
    const said = excerpt(text.text, call.url);
    throw new NotifierError(
      notifier,
      isRetryableStatus(response.status),
      `${where}: HTTP ${response.status}${said ? `: ${said}` : ''}`,
      { status: response.status },
    );
  }
  return { status: response.status, body: text.text, truncated: text.truncated };
}

/** The error's own code or message, never its cause chain (undici's cause can quote the URL). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/https?:\/\/\S+/g, '(URL)');
}

export function receipt(answer: HttpAnswer): DeliveryReceipt {
  return { response: `HTTP ${answer.status}` };
}

/** POST a JSON body: what most channels do. */
export function postJson(
  fetchImpl: typeof fetch,
  notifier: string,
  url: string,
  payload: unknown,
  signal: AbortSignal,
  options: Omit<HttpCall, 'url' | 'body'> = {},
): Promise<HttpAnswer> {
  return httpCall(
    fetchImpl,
    notifier,
    {
      ...options,
      url,
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...options.headers },
    },
    signal,
  );
}

/** What a channel that POSTs one JSON document per event to one URL needs to say. */
export interface JsonPost {
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  payload: (notification: Notification) => unknown;
  /** The channel's skip rule; every event by default. */
  wants?: (notification: Notification) => boolean;
}

/** The chat and push channels: one JSON POST per event, nothing per recipient. */
export function jsonPostNotifier(
  type: string,
  name: string,
  environment: NotifierEnvironment,
  post: JsonPost,
): Notifier {
  const options: Omit<HttpCall, 'url' | 'body'> = {
    timeoutMs: post.timeoutMs,
    ...(post.headers ? { headers: post.headers } : {}),
  };
  return {
    type,
    name,
    perRecipient: false,
    wants: post.wants ?? (() => true),
    async send(notification, context) {
      const answer = await postJson(
        environment.fetch,
        name,
        post.url,
        post.payload(notification),
        context.signal,
        options,
      );
      return receipt(answer);
    },
  };
}
