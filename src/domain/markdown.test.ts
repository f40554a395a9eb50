import { describe, expect, it } from 'vitest';
import { renderInlineMarkdown, renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders common Markdown', () => {
    expect(renderMarkdown('# Title\n\n**bold** and `code`')).toBe(
      '<h1>Title</h1>\n<p><strong>bold</strong> and <code>code</code></p>\n',
    );
    expect(renderMarkdown('| a |\n|:-:|\n| 1 |')).toContain('<td style="text-align:center">1</td>');
  });

  it('never lets raw HTML, scripts or event handlers through', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script><img src=x onerror=alert(1)><a href="x" onclick="y">z</a>',
    );
    expect(html).not.toMatch(/<script|<img|<a /);
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript:, data: and protocol-relative links', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      '//evil.example/x',
      'vbscript:msgbox(1)',
    ]) {
      expect(renderMarkdown(`[x](${href})`)).not.toMatch(/href=/);
    }
  });

  it('keeps http(s), mailto and relative links, marked as leaving the page', () => {
    expect(renderMarkdown('[a](https://example.com)')).toContain(
      '<a href="https://example.com" rel="noopener noreferrer nofollow">a</a>',
    );
    expect(renderMarkdown('[b](/incidents/1)')).toContain('href="/incidents/1"');
    expect(renderMarkdown('<mailto:ops@example.com>')).toContain('href="mailto:ops@example.com"');
  });

  it('trims the input and renders titles without the outer paragraph', () => {
    expect(renderMarkdown('   \n*x*\n  ')).toBe('<p><em>x</em></p>\n');
    expect(renderInlineMarkdown('API *slow*')).toBe('API <em>slow</em>');
  });
});
