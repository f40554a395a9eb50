/**
 * The plain-text part of a mail from its HTML part: statusetat's templates write HTML only, and
 * a mail without a text alternative scores worse with spam filters and reads badly in text
 * clients. Links keep their target in brackets, list items become "- " lines.
 */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#34': '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
};

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text === href || text === '' ? href : `${text} (${href})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\s*\/?>/gi, '\n----\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|tr|table|blockquote|pre)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(
      /&(#?\w+);/g,
      (whole, name: string) =>
        ENTITIES[name] ??
        (name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : whole),
    )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
