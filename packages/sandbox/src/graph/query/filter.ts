// A small OData `$filter` parser covering what Graph clients send to Outlook resources:
// comparisons (eq ne gt ge lt le) on properties and paths, and/or/not, parentheses,
// startswith/endswith/contains, and lambda `any`/`all` on collections, e.g.
//   emailAddresses/any(a:a/address eq 'ann@example.test')
//   start/dateTime ge '2026-01-01T00:00:00' and isCancelled eq false
// The result is a predicate over an entity's Graph JSON.
import { badRequest } from '../errors.ts';

export type Predicate = (entity: Record<string, unknown>) => boolean;

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'punct'; text: '(' | ')' | ',' | '/' | ':' };

type Value = (env: Env) => unknown;
type Env = { root: Record<string, unknown>; vars: Map<string, unknown> };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function invalidFilter(detail: string): Error {
  return badRequest(`Invalid filter clause: ${detail}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if ('(),/:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch as '(' });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalidFilter('unterminated string literal.');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', value });
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9][0-9A-Za-z:.+-]*/.exec(text.slice(i));
      if (!m) throw invalidFilter(`unexpected '${ch}'.`);
      const raw = m[0];
      i += raw.length;
      // Unquoted date-time literals (2026-01-01T00:00:00Z) compare as instants.
      if (/^\d{4}-\d{2}-\d{2}/.test(raw)) tokens.push({ kind: 'string', value: raw });
      else if (!Number.isNaN(Number(raw))) tokens.push({ kind: 'literal', value: Number(raw) });
      else throw invalidFilter(`'${raw}' is not a number.`);
    } else if (/[A-Za-z_@$]/.test(ch)) {
      const m = /^[A-Za-z_@$][A-Za-z0-9_.@$]*/.exec(text.slice(i))!;
      i += m[0].length;
      const word = m[0];
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ kind: 'literal', value: lower === 'true' });
      else if (lower === 'null') tokens.push({ kind: 'literal', value: null });
      else tokens.push({ kind: 'ident', text: word });
    } else {
      throw invalidFilter(`unexpected character '${ch}'.`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  private readonly lambdaVars: Set<string>;
  constructor(tokens: Token[], lambdaVars: Set<string> = new Set()) {
    this.tokens = tokens;
    this.lambdaVars = lambdaVars;
  }

  parse(): (env: Env) => boolean {
    const expr = this.or();
    if (this.pos < this.tokens.length)
      throw invalidFilter(`unexpected '${describe(this.tokens[this.pos])}'.`);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === p;
  }

  private expectPunct(p: string): void {
    if (!this.isPunct(p)) throw invalidFilter(`expected '${p}'.`);
    this.pos++;
  }

  private or(): (env: Env) => boolean {
    let left = this.and();
    while (this.isWord('or')) {
      this.pos++;
      const l = left;
      const r = this.and();
      left = (env) => l(env) || r(env);
    }
    return left;
  }

  private and(): (env: Env) => boolean {
    let left = this.unary();
    while (this.isWord('and')) {
      this.pos++;
      const l = left;
      const r = this.unary();
      left = (env) => l(env) && r(env);
    }
    return left;
  }

  private unary(): (env: Env) => boolean {
    if (this.isWord('not')) {
      this.pos++;
      const inner = this.unary();
      return (env) => !inner(env);
    }
    if (this.isPunct('(')) {
      this.pos++;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    const left = this.operand();
    const op = this.peek();
    if (op?.kind === 'ident' && COMPARISONS.has(op.text.toLowerCase())) {
      this.pos++;
      const right = this.operand();
      const cmp = op.text.toLowerCase();
      return (env) => compareWith(cmp, left(env), right(env));
    }
    return (env) => left(env) === true;
  }

  private operand(): Value {
    const t = this.peek();
    if (!t) throw invalidFilter('the expression ends too early.');
    if (t.kind === 'string') {
      this.pos++;
      return () => t.value;
    }
    if (t.kind === 'literal') {
      this.pos++;
      return () => t.value;
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.pos++;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    if (t.kind !== 'ident') throw invalidFilter(`unexpected '${describe(t)}'.`);
    const name = t.text;
    const lower = name.toLowerCase();
    if (
      ['startswith', 'endswith', 'contains'].includes(lower) &&
      this.tokens[this.pos + 1]?.kind === 'punct'
    ) {
      this.pos++;
      this.expectPunct('(');
      const a = this.operand();
      this.expectPunct(',');
      const b = this.operand();
      this.expectPunct(')');
      return (env) => {
        const x = a(env);
        const y = b(env);
        if (typeof x !== 'string' || typeof y !== 'string') return false;
        const hx = x.toLowerCase();
        const hy = y.toLowerCase();
        return lower === 'startswith'
          ? hx.startsWith(hy)
          : lower === 'endswith'
            ? hx.endsWith(hy)
            : hx.includes(hy);
      };
    }
    return this.path();
  }

  private path(): Value {
    const segments: string[] = [];
    const first = this.peek() as { kind: 'ident'; text: string };
    segments.push(first.text);
    this.pos++;
    while (this.isPunct('/')) {
      this.pos++;
      const next = this.peek();
      if (next?.kind !== 'ident') throw invalidFilter('a path segment is missing after /.');
      const lower = next.text.toLowerCase();
      if ((lower === 'any' || lower === 'all') && this.tokens[this.pos + 1]?.kind === 'punct') {
        this.pos++;
        return this.lambda(segments, lower);
      }
      segments.push(next.text);
      this.pos++;
    }
    const [head, ...rest] = segments;
    if (this.lambdaVars.has(head)) return (env) => walk(env.vars.get(head), rest);
    return (env) => walk(env.root, segments);
  }

  private lambda(segments: string[], kind: 'any' | 'all'): Value {
    this.expectPunct('(');
    const variable = this.peek();
    if (variable?.kind !== 'ident')
      throw invalidFilter('a lambda needs a variable, as in any(a:a/address eq ...).');
    this.pos++;
    this.expectPunct(':');
    this.lambdaVars.add(variable.text);
    const body = this.or();
    this.lambdaVars.delete(variable.text);
    this.expectPunct(')');
    const [head, ...rest] = segments;
    const collectionOf = (env: Env): unknown =>
      this.lambdaVars.has(head) ? walk(env.vars.get(head), rest) : walk(env.root, segments);
    return (env) => {
      const collection = collectionOf(env);
      if (!Array.isArray(collection)) return false;
      const test = (element: unknown): boolean => {
        const vars = new Map(env.vars);
        vars.set(variable.text, element);
        return body({ root: env.root, vars });
      };
      return kind === 'any' ? collection.some(test) : collection.every(test);
    };
  }
}

function describe(t: Token): string {
  return t.kind === 'ident' || t.kind === 'punct' ? t.text : String(t.kind === 'string' ? t.value : t.value);
}

function walk(value: unknown, path: string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    const record = current as Record<string, unknown>;
    if (segment in record) current = record[segment];
    else {
      // Property names are case-insensitive in OData URLs.
      const key = Object.keys(record).find((k) => k.toLowerCase() === segment.toLowerCase());
      current = key === undefined ? undefined : record[key];
    }
  }
  return current;
}

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

function asInstant(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(text + 'T00:00:00Z');
  return Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/i.test(text) ? text : text + 'Z');
}

/** Orders two Graph JSON values: instants as instants, strings case-insensitively. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    if (DATE_LIKE.test(a) && DATE_LIKE.test(b)) return Math.sign(asInstant(a) - asInstant(b));
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function compareWith(op: string, a: unknown, b: unknown): boolean {
  if (op === 'eq' || op === 'ne') {
    const nullish = (v: unknown) => v === null || v === undefined;
    const equal = nullish(a) || nullish(b) ? nullish(a) && nullish(b) : compareValues(a, b) === 0;
    return op === 'eq' ? equal : !equal;
  }
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const c = compareValues(a, b);
  return op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
}

export function parseFilter(text: string): Predicate {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalidFilter('the expression is empty.');
  const expr = new Parser(tokens).parse();
  return (entity) => expr({ root: entity, vars: new Map() });
}
