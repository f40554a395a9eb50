/**
 * Incident messages are Markdown; mail bodies and chat cards that take HTML get it rendered here.
 * Raw HTML in a message is never passed through (`html: false`) and markdown-it refuses
 * `javascript:` links, so a message cannot put script into a subscriber's mail.
 */
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

/** Plain text for text parts and chat services without Markdown: the source minus its markup. */
export function markdownToText(source: string): string {
  return source
    .replace(/!\[([^\]]*)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '');
}
