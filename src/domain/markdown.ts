/**
 * Markdown for incident messages and theme blocks, shared by the pages, the feeds and
 * `/v1/markdown/preview`. statusetat passed raw HTML through (a `<script>` in a message ran on
 * the public page); here raw HTML is never parsed (markdown-it `html: false`) and the output is
 * sanitised against a strict allow-list as a second line of defence.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'strong',
    'em',
    'b',
    'i',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    ol: ['start'],
    th: ['style'],
    td: ['style'],
    code: ['class'],
  },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  // No javascript:, data:, vbscript: or relative protocol tricks; relative links stay allowed.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Links in messages lead away from the status page: no referrer, no window.opener.
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

/**
 * Theme blocks (written by the operator in the config) may also show images, such as a logo:
 * only from `https:` URLs, with their alt text. The page's CSP allows exactly the origins they
 * use (`imageOrigins`), so an image in an incident message would not load anyway: messages keep
 * the stricter list.
 */
const THEME_SANITIZE: sanitizeHtml.IOptions = {
  ...SANITIZE,
  allowedTags: [...(SANITIZE.allowedTags as string[]), 'img'],
  allowedAttributes: { ...SANITIZE.allowedAttributes, img: ['src', 'alt', 'title'] },
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  // sanitize-html lets relative sources through; an image is shown only from an absolute https URL.
  exclusiveFilter: (frame) => frame.tag === 'img' && !httpsUrl(frame.attribs.src ?? ''),
};

function httpsUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Markdown → safe HTML for theme blocks: as `renderMarkdown`, plus `https:` images. */
export function renderThemeMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text.trim()), THEME_SANITIZE);
}

/** The origins of the images in sanitised HTML, for the CSP's `img-src`. */
export function imageOrigins(html: string): string[] {
  const origins = new Set<string>();
  for (const match of html.matchAll(/<img\b[^>]*?\ssrc="([^"]*)"/g)) {
    const url = httpsUrl(match[1]!.replace(/&amp;/g, '&'));
    if (url) origins.add(url.origin);
  }
  return [...origins];
}

/** Markdown → safe HTML (block level). The input is trimmed first, as statusetat does. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text.trim()), SANITIZE);
}

/** Markdown → safe HTML without the outer paragraph, for titles (statusetat's `markdownNoParaph`). */
export function renderInlineMarkdown(text: string): string {
  return sanitizeHtml(markdown.renderInline(text.trim()), SANITIZE);
}
