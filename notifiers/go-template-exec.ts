/**
 * Running a parsed Go template (see go-template.ts) against data shaped like statusetat's Go
 * structs: a property is a field, a function-valued property is a method, and an object carrying
 * GO_TYPE is a struct whose unknown fields are an error (as in Go) rather than "<no value>".
 * With `escape: 'html'` every printed value is HTML-escaped unless it is SafeHtml, which is what
 * Go's html/template does in text context (statusetat renders mail bodies with it).
 */
import type { Node, Operand, Pipeline } from './go-template.ts';

export class GoTemplateError extends Error {
  override readonly name = 'GoTemplateError';
}

export const GO_TYPE = Symbol('go-type');

export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type TemplateFunction = (...args: unknown[]) => unknown;

export interface ExecOptions {
  functions: Record<string, TemplateFunction>;
  escape?: 'html' | 'none';
  /** A bound on output, so a `range` over a huge list cannot exhaust memory. */
  maxOutput?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[ch]!,
  );
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof SafeHtml) return value.html !== '';
  if (
    typeof value === 'object' &&
    !(GO_TYPE in value) &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return Object.keys(value).length > 0;
  return true;
}

/** A class with its own text (GoTime), unlike plain objects and lists. */
function hasOwnToString(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as object | null;
  return (
    prototype !== null &&
    prototype !== Object.prototype &&
    Object.prototype.hasOwnProperty.call(prototype, 'toString')
  );
}

/** fmt.Sprint's text for a value. */
export function goPrint(value: unknown): string {
  if (value === undefined || value === null) return '<no value>';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (typeof value === 'object') {
    if (value instanceof SafeHtml || hasOwnToString(value)) return String(value);
    const entries = Object.entries(value).filter(([, item]) => typeof item !== 'function');
    if (GO_TYPE in value) return `{${entries.map(([, item]) => goPrint(item)).join(' ')}}`;
    return `map[${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => `${key}:${goPrint(item)}`)
      .join(' ')}]`;
  }
  return String(value);
}

class Stop {
  constructor(readonly kind: 'break' | 'continue') {}
}

interface State {
  options: ExecOptions;
  scopes: Map<string, unknown>[];
  out: string[];
  size: number;
}

function fieldOf(value: unknown, name: string, at: string, args: unknown[]): unknown {
  if (value === null || value === undefined)
    throw new GoTemplateError(`${at}: nil pointer evaluating .${name}`);
  if (typeof value !== 'object' && typeof value !== 'function')
    throw new GoTemplateError(`${at}: can't evaluate field ${name} in type ${typeof value}`);
  const record = value as Record<string | symbol, unknown>;
  if (!(name in record)) {
    if (GO_TYPE in record)
      throw new GoTemplateError(
        `${at}: can't evaluate field ${name} in type ${String(record[GO_TYPE])}`,
      );
    if (args.length > 0)
      throw new GoTemplateError(`${at}: ${name} is not a method but has arguments`);
    return undefined;
  }
  const found = record[name];
  if (typeof found === 'function') return (found as TemplateFunction).apply(value, args);
  if (args.length > 0)
    throw new GoTemplateError(`${at}: ${name} is not a method but has arguments`);
  return found;
}

function lookupVariable(state: State, name: string, at: string): unknown {
  for (let i = state.scopes.length - 1; i >= 0; i--)
    if (state.scopes[i]!.has(name)) return state.scopes[i]!.get(name);
  throw new GoTemplateError(`${at}: undefined variable: ${name}`);
}

function chain(value: unknown, fields: string[], at: string, args: unknown[]): unknown {
  let current = value;
  fields.forEach((field, i) => {
    current = fieldOf(current, field, at, i === fields.length - 1 ? args : []);
  });
  return current;
}

function evalOperand(
  state: State,
  operand: Operand,
  dot: unknown,
  at: string,
  args: unknown[] = [],
): unknown {
  switch (operand.kind) {
    case 'dot':
      return dot;
    case 'field':
      return chain(dot, operand.fields, at, args);
    case 'var': {
      const value = lookupVariable(state, operand.name, at);
      return operand.fields.length > 0 ? chain(value, operand.fields, at, args) : value;
    }
    case 'literal':
      return operand.value;
    case 'pipe': {
      const value = evalPipeline(state, operand.pipe, dot);
      return operand.fields.length > 0 ? chain(value, operand.fields, at, args) : value;
    }
    case 'ident':
      return callFunction(state, operand.name, args, at);
  }
}

function callFunction(state: State, name: string, args: unknown[], at: string): unknown {
  const fn = state.options.functions[name] ?? BUILTIN_FUNCTIONS[name];
  if (!fn) throw new GoTemplateError(`${at}: function "${name}" not defined`);
  try {
    return fn(...args);
  } catch (error) {
    if (error instanceof GoTemplateError) throw error;
    throw new GoTemplateError(`${at}: error calling ${name}: ${(error as Error).message}`);
  }
}

function evalPipeline(state: State, pipe: Pipeline, dot: unknown): unknown {
  let value: unknown;
  pipe.commands.forEach((command, i) => {
    const [head, ...rest] = command as [Operand, ...Operand[]];
    const args = rest.map((operand) => evalOperand(state, operand, dot, pipe.at));
    if (i > 0) args.push(value);
    const takesArgs =
      head.kind === 'ident' ||
      (head.kind !== 'literal' && 'fields' in head && head.fields.length > 0);
    if (!takesArgs && args.length > 0)
      throw new GoTemplateError(`${pipe.at}: can't give argument to non-function`);
    value = evalOperand(state, head, dot, pipe.at, args);
  });
  if (pipe.declare) {
    const scope = state.scopes[state.scopes.length - 1]!;
    const [first, second] = pipe.declare.names;
    const name = second ?? first!;
    if (pipe.declare.assign) {
      const owner = [...state.scopes].reverse().find((candidate) => candidate.has(name));
      if (!owner) throw new GoTemplateError(`${pipe.at}: undefined variable: ${name}`);
      owner.set(name, value);
    } else scope.set(name, value);
    return undefined;
  }
  return value;
}

function write(state: State, text: string): void {
  state.size += text.length;
  if (state.size > (state.options.maxOutput ?? 1_000_000))
    throw new GoTemplateError('template output is larger than the limit');
  state.out.push(text);
}

function entriesOf(value: unknown, at: string): [unknown, unknown][] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((item, i) => [i, item]);
  if (typeof value === 'number')
    return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
  if (typeof value === 'object')
    return Object.keys(value)
      .sort()
      .map((key) => [key, (value as Record<string, unknown>)[key]]);
  throw new GoTemplateError(`${at}: range can't iterate over ${goPrint(value)}`);
}

function run(state: State, nodes: Node[], dot: unknown): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        write(state, node.text);
        break;
      case 'action': {
        const value = evalPipeline(state, node.pipe, dot);
        if (node.pipe.declare) break;
        const text = goPrint(value);
        write(
          state,
          state.options.escape === 'html' && !(value instanceof SafeHtml) ? escapeHtml(text) : text,
        );
        break;
      }
      case 'if':
      case 'with': {
        state.scopes.push(new Map());
        const value = evalPipeline(state, node.pipe, dot);
        const test = node.pipe.declare
          ? lookupVariable(state, node.pipe.declare.names.at(-1)!, node.pipe.at)
          : value;
        if (truthy(test)) run(state, node.body, node.kind === 'with' ? test : dot);
        else run(state, node.otherwise, dot);
        state.scopes.pop();
        break;
      }
      case 'range': {
        const declared = node.pipe.declare;
        const source = evalPipeline(state, { ...node.pipe, declare: undefined }, dot);
        const entries = entriesOf(source, node.pipe.at);
        if (entries.length === 0) {
          run(state, node.otherwise, dot);
          break;
        }
        for (const [key, item] of entries) {
          const scope = new Map<string, unknown>();
          if (declared?.names.length === 1) scope.set(declared.names[0]!, item);
          if (declared?.names.length === 2) {
            scope.set(declared.names[0]!, key);
            scope.set(declared.names[1]!, item);
          }
          state.scopes.push(scope);
          try {
            run(state, node.body, item);
          } catch (signal) {
            if (!(signal instanceof Stop)) throw signal;
            if (signal.kind === 'break') {
              state.scopes.pop();
              break;
            }
          }
          state.scopes.pop();
        }
        break;
      }
      case 'break':
      case 'continue':
        throw new Stop(node.kind);
    }
  }
}

export function execute(nodes: Node[], data: unknown, options: ExecOptions): string {
  const state: State = { options, scopes: [new Map([['$', data]])], out: [], size: 0 };
  run(state, nodes, data);
  return state.out.join('');
}

function compare(a: unknown, b: unknown): number {
  const left = a instanceof Object && 'date' in a ? (a as { date: Date }).date.getTime() : a;
  const right = b instanceof Object && 'date' in b ? (b as { date: Date }).date.getTime() : b;
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string'))
    throw new Error(`incompatible types for comparison`);
  return left < right! ? -1 : left === right ? 0 : 1;
}

function sprintf(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(
    /%([-+# 0]*)(\d*)(?:\.(\d+))?([sdvqftxX%])/g,
    (_, _flags, width: string, precision: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      const value = args[i++];
      let text: string;
      if (verb === 'd') text = String(Math.trunc(Number(value)));
      else if (verb === 'f')
        text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
      else if (verb === 'q') text = JSON.stringify(goPrint(value));
      else if (verb === 'x' || verb === 'X')
        text =
          typeof value === 'number'
            ? value.toString(16)
            : [...new TextEncoder().encode(goPrint(value))]
                .map((b) => b.toString(16).padStart(2, '0'))
                .join('');
      else text = goPrint(value);
      if (verb === 'X') text = text.toUpperCase();
      return width ? text.padStart(Number(width)) : text;
    },
  );
}

const BUILTIN_FUNCTIONS: Record<string, TemplateFunction> = {
  and: (...args) => args.find((arg) => !truthy(arg)) ?? args.at(-1),
  or: (...args) => args.find((arg) => truthy(arg)) ?? args.at(-1),
  not: (value) => !truthy(value),
  len: (value) => {
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (value && typeof value === 'object') return Object.keys(value).length;
    throw new Error(`len of ${goPrint(value)}`);
  },
  index: (value, ...keys) =>
    keys.reduce<unknown>((current, key) => {
      if (current === null || current === undefined) throw new Error('index of nil');
      const found = (current as Record<string, unknown>)[String(key)];
      if (Array.isArray(current) && found === undefined)
        throw new Error(`index out of range: ${String(key)}`);
      return found;
    }, value),
  slice: (value, start = 0, end) => {
    if (typeof value !== 'string' && !Array.isArray(value))
      throw new Error('can only slice strings and lists');
    return value.slice(Number(start), end === undefined ? undefined : Number(end));
  },
  print: (...args) => args.map(goPrint).join(''),
  println: (...args) => `${args.map(goPrint).join(' ')}\n`,
  printf: (format, ...args) => sprintf(String(format), ...args),
  eq: (a, ...others) =>
    others.some(
      (b) => a === b || (a instanceof Object && b instanceof Object && compare(a, b) === 0),
    ),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  html: (...args) => escapeHtml(args.map(goPrint).join('')),
  js: (...args) => JSON.stringify(args.map(goPrint).join('')).slice(1, -1),
  urlquery: (...args) => encodeURIComponent(args.map(goPrint).join('')),
  call: (fn, ...args) => {
    if (typeof fn !== 'function') throw new Error('call of a non-function');
    return (fn as TemplateFunction)(...args);
  },
};
