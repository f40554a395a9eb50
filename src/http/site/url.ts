/**
 * Links built from configuration or stored data go through here: only http(s), mailto and
 * same-site paths survive, so a `javascript:` support URL in a config file cannot reach a page.
 */
export function safeHref(value: string | undefined | null): string | undefined {
  const text = (value ?? '').trim();
  if (!text) return undefined;
  if (text.startsWith('/') && !text.startsWith('//')) return text;
  if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(text)) return `mailto:${text}`;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:')
      return url.href;
  } catch {
    return undefined;
  }
  return undefined;
}

/** A same-site path to return to after a form, or `/`: never another origin (open redirect) or a protocol-relative URL. */
export function safeReturnPath(value: string | undefined | null, fallback = '/'): string {
  const text = (value ?? '').trim();
  const hasControl = [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (!text.startsWith('/') || text.startsWith('//') || text.startsWith('/\\') || hasControl)
    return fallback;
  return text;
}
