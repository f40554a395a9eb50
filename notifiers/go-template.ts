/**
 * Go's text/template, for statusetat's subject and body templates, which users wrote for Go and
 * expect to work unchanged. No maintained npm package implements pipes and custom functions (the
 * closest, @ctrl/golang-template, has neither), so this is the subset such templates use:
 *
 * - `{{ .Field.Chain }}`, `{{ $ }}`, `{{ $var }}`, `{{ $x := pipeline }}`, `{{ $x = pipeline }}`,
 *   zero-argument methods called by name (`.Incident.Components.Inline`, `.Incident.MainMessage`);
 * - pipes `{{ .A | f | g "x" }}`, function calls with arguments, parenthesised pipelines;
 * - `if` / `else if` / `else` / `end`, `range` (with `$i, $e :=`, and `else`), `with` / `else`,
 *   `break`, `continue`, comments `{{/* ... *\/}}`, and the `{{-` / `-}}` whitespace trimming;
 * - the builtins and, or, not, len, index, slice, print, printf, println, eq, ne, lt, le, gt, ge,
 *   html, js, urlquery, call.
 *
 * Not supported: `define`, `template`, `block` (a template using them is refused when parsed).
 * Parse errors name the line and column, as Go's do: `template: txt_incident:3:12: ...`.
 */
import { execute, GoTemplateError, type ExecOptions } from './go-template-exec.ts';

export { GoTemplateError };

export type Operand =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'field'; fields: string[] }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'pipe'; pipe: Pipeline; fields: string[] };

export interface Pipeline {
  declare?: { names: string[]; assign: boolean };
  commands: Operand[][];
  at: string;
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'break' | 'continue' };

interface Token {
  type:
    | 'field'
    | 'var'
    | 'ident'
    | 'string'
    | 'number'
    | 'pipe'
    | 'open'
    | 'close'
    | 'declare'
    | 'assign'
    | 'comma'
    | 'dot';
  value: string;
  spaceBefore: boolean;
}

const BUILTINS = [
  'and',
  'or',
  'not',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'println',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'html',
  'js',
  'urlquery',
  'call',
];

function tokenize(source: string, fail: (message: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let space = true;
  const push = (type: Token['type'], value: string) => {
    tokens.push({ type, value, spaceBefore: space });
    space = false;
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      space = true;
      i += 1;
      continue;
    }
    const rest = source.slice(i);
    let match: RegExpExecArray | null;
    if ((match = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) push('field', match[0].slice(1));
    else if (ch === '.') push('dot', '.');
    else if ((match = /^\$[A-Za-z0-9_]*/.exec(rest))) push('var', match[0]);
    else if ((match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) push('ident', match[0]);
    else if ((match = /^-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(rest)))
      push('number', match[0]);
    else if ((match = /^"(?:[^"\\\n]|\\.)*"/.exec(rest)))
      push('string', JSON.parse(match[0].replace(/\\'/g, "'")) as string);
    else if ((match = /^`[^`]*`/.exec(rest))) push('string', match[0].slice(1, -1));
    else if ((match = /^'(?:[^'\\]|\\.)'/.exec(rest)))
      push('number', String(match[0].slice(1, -1).codePointAt(0)));
    else if (rest.startsWith(':=')) push('declare', ':=');
    else if (ch === '=') push('assign', '=');
    else if (ch === '|') push('pipe', '|');
    else if (ch === '(') push('open', '(');
    else if (ch === ')') push('close', ')');
    else if (ch === ',') push('comma', ',');
    else fail(`unexpected "${ch}" in action`);
    i += match ? match[0].length : ch === ':' ? 2 : 1;
  }
  return tokens;
}

class ActionParser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly functions: ReadonlySet<string>,
    private readonly fail: (message: string) => never,
    private readonly at: string,
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  skip(): void {
    this.i += 1;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  pipeline(): Pipeline {
    const pipe: Pipeline = { commands: [], at: this.at };
    const start = this.i;
    const names: string[] = [];
    while (this.peek()?.type === 'var') {
      names.push(this.tokens[this.i]!.value);
      this.i += 1;
      const next = this.peek();
      if (next?.type === 'comma') this.i += 1;
      else if (next?.type === 'declare' || next?.type === 'assign') {
        this.i += 1;
        pipe.declare = { names, assign: next.type === 'assign' };
        break;
      } else {
        this.i = start;
        names.length = 0;
        break;
      }
    }
    for (;;) {
      const command: Operand[] = [];
      while (!this.done && this.peek()!.type !== 'pipe' && this.peek()!.type !== 'close')
        command.push(this.operand());
      if (command.length === 0) this.fail('missing value for command');
      pipe.commands.push(command);
      if (this.peek()?.type !== 'pipe') break;
      this.i += 1;
    }
    return pipe;
  }

  private fieldsAfter(): string[] {
    const fields: string[] = [];
    while (this.peek()?.type === 'field' && !this.peek()!.spaceBefore)
      fields.push(this.tokens[this.i++]!.value);
    return fields;
  }

  private operand(): Operand {
    const token = this.tokens[this.i++]!;
    switch (token.type) {
      case 'dot':
        return { kind: 'dot', fields: [] };
      case 'field':
        return { kind: 'field', fields: [token.value, ...this.fieldsAfter()] };
      case 'var':
        return { kind: 'var', name: token.value, fields: this.fieldsAfter() };
      case 'string':
        return { kind: 'literal', value: token.value };
      case 'number':
        return { kind: 'literal', value: Number(token.value) };
      case 'open': {
        const pipe = this.pipeline();
        if (this.tokens[this.i++]?.type !== 'close') this.fail('unclosed left paren');
        return { kind: 'pipe', pipe, fields: this.fieldsAfter() };
      }
      case 'ident': {
        if (token.value === 'true' || token.value === 'false')
          return { kind: 'literal', value: token.value === 'true' };
        if (token.value === 'nil') return { kind: 'literal', value: null };
        if (!this.functions.has(token.value)) this.fail(`function "${token.value}" not defined`);
        return { kind: 'ident', name: token.value };
      }
      default:
        return this.fail(`unexpected "${token.value}" in operand`);
    }
  }
}

interface Frame {
  kind: 'root' | 'if' | 'with' | 'range';
  node?: Extract<Node, { body: Node[] }>;
  inElse: boolean;
  nodes: Node[];
}

/** Parse a template; `functions` names the functions it may call besides the builtins. */
export function parseGoTemplate(
  name: string,
  source: string,
  functions: readonly string[],
): Node[] {
  const known = new Set([...BUILTINS, ...functions]);
  const root: Frame = { kind: 'root', inElse: false, nodes: [] };
  const stack: Frame[] = [root];
  let position = 0;
  let trimNext = false;
  const lineColumn = (offset: number) => {
    const before = source.slice(0, offset).split('\n');
    return `${before.length}:${before[before.length - 1]!.length + 1}`;
  };
  const current = () => stack[stack.length - 1]!;
  const target = () => current().nodes;

  while (position <= source.length) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      if (text) target().push({ kind: 'text', text });
      break;
    }
    let inner = open + 2;
    if (/^-\s/.test(source.slice(inner))) {
      text = text.replace(/\s+$/, '');
      inner += 1;
    }
    if (text) target().push({ kind: 'text', text });
    const at = `template: ${name}:${lineColumn(open)}`;
    const fail = (message: string): never => {
      throw new GoTemplateError(`${at}: ${message}`);
    };
    const close = source.indexOf('}}', inner);
    if (close === -1) fail('unclosed action');
    let body = source.slice(inner, close);
    trimNext = /\s-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    position = close + 2;
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) fail('unclosed comment');
      continue;
    }
    const parser = new ActionParser(tokenize(body, fail), known, fail, at);
    const keyword = parser.peek()?.type === 'ident' ? parser.peek()!.value : '';
    const frame = current();
    if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
      parser.skip();
      const node = { kind: keyword, pipe: parser.pipeline(), body: [], otherwise: [] } as Extract<
        Node,
        { body: Node[] }
      >;
      target().push(node);
      stack.push({ kind: keyword, node, inElse: false, nodes: node.body });
    } else if (keyword === 'else') {
      if (frame.kind === 'root' || frame.inElse) fail('unexpected {{else}}');
      parser.skip();
      frame.inElse = true;
      frame.nodes = frame.node!.otherwise;
      const chained = parser.peek();
      if (chained?.type === 'ident' && (chained.value === 'if' || chained.value === 'with')) {
        parser.skip();
        // `else if` is an `if` inside the else branch that the same {{end}} closes.
        const node = {
          kind: chained.value,
          pipe: parser.pipeline(),
          body: [],
          otherwise: [],
        } as Extract<Node, { body: Node[] }>;
        frame.nodes.push(node);
        frame.node = node;
        frame.inElse = false;
        frame.nodes = node.body;
      }
    } else if (keyword === 'end') {
      if (frame.kind === 'root') fail('unexpected {{end}}');
      stack.pop();
      continue;
    } else if (keyword === 'break' || keyword === 'continue') {
      if (!stack.some((entry) => entry.kind === 'range')) fail(`{{${keyword}}} outside {{range}}`);
      target().push({ kind: keyword });
      continue;
    } else if (keyword === 'define' || keyword === 'template' || keyword === 'block') {
      fail(`{{${keyword}}} is not supported here: write the template as one piece`);
    } else {
      target().push({ kind: 'action', pipe: parser.pipeline() });
    }
    if (!parser.done) fail(`unexpected "${parser.peek()!.value}" in ${keyword || 'command'}`);
  }
  if (stack.length > 1)
    throw new GoTemplateError(
      `template: ${name}: unexpected EOF (an {{${current().kind}}} has no {{end}})`,
    );
  return root.nodes;
}

export interface GoTemplate {
  readonly name: string;
  render(data: unknown): string;
}

/** Parse once, render many times; execution errors are GoTemplateError too. */
export function compileGoTemplate(
  name: string,
  source: string,
  functions: ExecOptions['functions'],
  options: Omit<ExecOptions, 'functions'> = {},
): GoTemplate {
  const nodes = parseGoTemplate(name, source, Object.keys(functions));
  return {
    name,
    render: (data) => execute(nodes, data, { ...options, functions }),
  };
}
