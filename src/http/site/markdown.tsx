/** Pre-rendered, sanitised HTML (from the domain's Markdown renderer) placed into a page. */
export function Markdown({
  html,
  class: className = 'md',
  inline = false,
}: {
  html: string;
  class?: string;
  inline?: boolean;
}) {
  if (!html) return null;
  return inline ? (
    <span class={className} dangerouslySetInnerHTML={{ __html: html }} />
  ) : (
    <div class={className} dangerouslySetInnerHTML={{ __html: html }} />
  );
}
