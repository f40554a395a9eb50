import { describe, expect, it } from 'vitest';
import { EVENTS } from '../test/support/notification-fixtures.ts';
import { compileGoTemplate, GoTemplateError } from './go-template.ts';
import { SafeHtml } from './go-template-exec.ts';
import { mailTemplateData } from './template-data.ts';
import { templateFunctions } from './template-funcs.ts';

const functions = {
  ...templateFunctions(() => Date.parse('2026-03-02T10:30:00Z'), 'Europe/Paris'),
  upper: (value: unknown) => String(value).toUpperCase(),
};
const render = (source: string, data: unknown = {}, escape: 'html' | 'none' = 'none') =>
  compileGoTemplate('t', source, functions, { escape }).render(data);

describe('Go templates', () => {
  it.each([
    ['{{ .A }}-{{ .B.C }}', { A: 'x', B: { C: 2 } }, 'x-2'],
    ['{{ .A | upper | printf "<%s>" }}', { A: 'go' }, '<GO>'],
    ['{{ printf "%d items, %.1f%%, %q" 3 12.345 "q" }}', {}, '3 items, 12.3%, "q"'],
    ['{{ if .A }}yes{{ else if .B }}b{{ else }}no{{ end }}', { A: '', B: [1] }, 'b'],
    ['{{ if and .A (not .B) }}1{{ end }}{{ if or .B .A }}2{{ end }}', { A: 1, B: 0 }, '12'],
    [
      '{{ if eq .S 1 2 3 }}in{{ end }}{{ if ne .S 9 }}!{{ end }}{{ if lt .S 5 }}<{{ end }}',
      { S: 3 },
      'in!<',
    ],
    [
      '{{ range $i, $v := .L }}{{ $i }}{{ $v }},{{ else }}empty{{ end }}',
      { L: ['a', 'b'] },
      '0a,1b,',
    ],
    ['{{ range .L }}{{ . }}{{ else }}empty{{ end }}', { L: [] }, 'empty'],
    [
      '{{ range .L }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}',
      { L: [1, 2, 3, 4, 5] },
      '13',
    ],
    ['{{ range $k, $v := .M }}{{ $k }}={{ $v }};{{ end }}', { M: { b: 2, a: 1 } }, 'a=1;b=2;'],
    ['{{ with .U }}{{ .Name }}{{ else }}nobody{{ end }}', { U: { Name: 'ada' } }, 'ada'],
    ['{{ $x := .A }}{{ $x = "z" }}{{ $x }}{{ $.A }}', { A: 'a' }, 'za'],
    ['a  {{- /* a comment */ -}}  b', {}, 'ab'],
    [
      '{{ len .L }} {{ index .L 1 }} {{ index .M "k" }} {{ slice .S 1 3 }}',
      { L: [1, 2], M: { k: 'v' }, S: 'hello' },
      '2 2 v el',
    ],
    ['{{ .Missing }}', {}, '<no value>'],
    ['{{ .L }} {{ .M }}', { L: [1, 'a'], M: { k: 1 } }, '[1 a] map[k:1]'],
    [
      '{{ html .A }} {{ urlquery .A }} {{ js .B }}',
      { A: '<a&b>', B: 'it"s' },
      '&lt;a&amp;b&gt; %3Ca%26b%3E it\\"s',
    ],
  ])('%s', (source, data, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it('escapes printed values in HTML mode, except HTML that a function marked safe', () => {
    expect(
      render('<b>{{ .A }}</b>{{ .B }}', { A: '<i>&', B: new SafeHtml('<i>ok</i>') }, 'html'),
    ).toBe('<b>&lt;i&gt;&amp;</b><i>ok</i>');
    expect(render('{{ .A | markdown }}', { A: '**hi** <script>x</script>' }, 'html')).toBe(
      '<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\n',
    );
  });

  it("offers statusetat's model: methods, states as numbers, times in the page's zone", () => {
    const data = mailTemplateData(EVENTS['incident.resolved']!);
    expect(
      render(
        '{{ .Incident.MainMessage.Title }} / {{ .Incident.LastMessage.Title }} / {{ len .Incident.UpdateMessages }}',
        data,
      ),
    ).toBe('database errors / all good / 2');
    expect(
      render(
        '{{ .Incident.State }} {{ .Incident.State | textIncidentState | title }} {{ textState .Incident.ComponentState }}',
        data,
      ),
    ).toBe('1 Resolved Operational');
    expect(
      render(
        '{{ .Incident.CreatedAt | timeFormat }} | {{ .Incident.UpdatedAt | timeStdFormat }} | {{ .Incident.CreatedAt.Format "Mon 2 Jan 2006 3:04PM" }}',
        data,
      ),
    ).toBe('Mar 02, 10:00 CET | 2026-03-02T11:20:00+01:00 | Mon 2 Mar 2026 10:00AM');
    expect(
      render(
        '{{ humanDuration .Incident.CreatedAt .Incident.UpdatedAt }}, {{ humanTime .Incident.UpdatedAt }}',
        data,
      ),
    ).toBe('1 hour, 10 minutes ago');
    expect(
      render(
        '{{ join .Incident.Components.Inline " + " }} {{ range .Incident.Components }}[{{ .Group }}]{{ end }}',
        data,
      ),
    ).toBe('core - api + dashboard [core][]');
  });

  it('refuses broken templates with the line and column, as Go does', () => {
    const error = (source: string) => {
      try {
        compileGoTemplate('subject', source, functions);
      } catch (caught) {
        expect(caught).toBeInstanceOf(GoTemplateError);
        return (caught as Error).message;
      }
      return 'no error';
    };
    expect(error('line one\n  {{ nope .A }}')).toBe(
      'template: subject:2:3: function "nope" not defined',
    );
    expect(error('{{ if .A }}x')).toMatch(/unexpected EOF \(an \{\{if\}\} has no \{\{end\}\}\)/);
    expect(error('{{ end }}')).toBe('template: subject:1:1: unexpected {{end}}');
    expect(error('{{ .A')).toBe('template: subject:1:1: unclosed action');
    expect(error('{{ define "x" }}{{ end }}')).toMatch(/\{\{define\}\} is not supported/);
    expect(error('{{ break }}')).toMatch(/outside \{\{range\}\}/);
    expect(error('{{ "a" "b" }}')).toBe('no error');
    expect(() => render('{{ "a" "b" }}')).toThrow(/can't give argument to non-function/);
  });

  it('stops a template whose output grows past the limit', () => {
    const huge = compileGoTemplate('t', '{{ range .L }}xxxxxxxxxx{{ end }}', functions, {
      maxOutput: 1000,
    });
    expect(() => huge.render({ L: 1000 })).toThrow(/larger than the limit/);
  });
});
