// Recursive-descent parser for the KQL subset: tokens in, an immutable Program out, or the first error
// with its line, column and what was expected there.
import type { Result } from '../core/index.ts';
import {
  deepFreeze,
  type BinaryOp,
  type Expr,
  type HuntError,
  type JoinKey,
  type JoinKind,
  type LetBinding,
  type NamedExpr,
  type Operator,
  type Pos,
  type Program,
  type Query,
  type SortKey,
} from './ast.ts';
import { tokenize, type Token } from './lexer.ts';
import { TABLE_NAMES } from './tables.ts';

class ParseFailure extends Error {
  constructor(
    readonly huntError: HuntError,
  ) {
    super(huntError.message);
  }
}

const OPERATORS = ['where', 'filter', 'project', 'project-away', 'project-rename', 'extend', 'summarize', 'top', 'order', 'sort', 'take', 'limit', 'distinct', 'count', 'join', 'mv-expand'];

const WORD_COMPARISONS: Record<string, BinaryOp> = {
  has: 'has',
  contains: 'contains',
  contains_cs: 'contains_cs',
  startswith: 'startswith',
  endswith: 'endswith',
};
const PUNCT_COMPARISONS: Record<string, BinaryOp> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '=~': '=~',
  '!~': '!~',
  '!has': '!has',
  '!contains': '!contains',
  '!startswith': '!startswith',
  '!endswith': '!endswith',
};

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the query';
    case 'string':
      return 'a string';
    case 'long':
    case 'real':
    case 'timespan':
      return `"${t.text}"`;
    case 'ident':
    case 'punct':
      return `"${t.text}"`;
  }
}

class Parser {
  private i = 0;
  private readonly tabular = new Set<string>(TABLE_NAMES);
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private fail(expected: string, t: Token = this.peek()): never {
    throw new ParseFailure({ message: `expected ${expected} but found ${describe(t)}`, line: t.pos.line, column: t.pos.column });
  }
  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }
  private isWord(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === text;
  }
  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) this.fail(`"${text}"`);
    return this.next();
  }
  private expectWord(text: string): Token {
    if (!this.isWord(text)) this.fail(`"${text}"`);
    return this.next();
  }
  private ident(what = 'a name'): Token {
    const t = this.peek();
    if (t.kind !== 'ident' || t.text.startsWith('$')) this.fail(what);
    return this.next();
  }

  program(): Program {
    const lets: LetBinding[] = [];
    while (this.isWord('let')) {
      lets.push(this.letBinding());
      this.expectPunct(';');
    }
    const query = this.query();
    if (this.isPunct(';')) this.next();
    if (this.peek().kind !== 'eof') this.fail('"|" or the end of the query');
    return { lets, query };
  }

  private letBinding(): LetBinding {
    const pos = this.next().pos;
    const name = this.ident('a name after "let"').text;
    this.expectPunct('=');
    const t = this.peek();
    if (t.kind === 'ident' && this.tabular.has(t.text) && (this.isPunct('|', 1) || this.isPunct(';', 1))) {
      const value = this.query();
      this.tabular.add(name);
      return { kind: 'tabular', name, value, pos };
    }
    this.tabular.delete(name);
    return { kind: 'scalar', name, value: this.expr(), pos };
  }

  private query(): Query {
    const t = this.peek();
    if (t.kind !== 'ident' || !this.tabular.has(t.text)) this.fail(`a table (${TABLE_NAMES.join(', ')}) or a tabular let`);
    this.next();
    const operators: Operator[] = [];
    while (this.isPunct('|')) {
      this.next();
      operators.push(this.operator());
    }
    return { source: { name: t.text, pos: t.pos }, operators };
  }

  private operator(): Operator {
    const t = this.peek();
    if (t.kind !== 'ident' || !OPERATORS.includes(t.text)) this.fail(`an operator (${OPERATORS.filter((o) => o !== 'filter' && o !== 'limit').join(', ')})`);
    this.next();
    const pos = t.pos;
    switch (t.text) {
      case 'where':
      case 'filter':
        return { kind: 'where', predicate: this.expr(), pos };
      case 'project':
        return { kind: 'project', items: this.namedList(), pos };
      case 'extend':
        return { kind: 'extend', items: this.namedList(), pos };
      case 'project-away': {
        const names = [this.ident('a column name')];
        while (this.isPunct(',')) {
          this.next();
          names.push(this.ident('a column name'));
        }
        return { kind: 'project-away', names: names.map((n) => ({ name: n.text, pos: n.pos })), pos };
      }
      case 'project-rename': {
        const items: { name: string; from: string; pos: Pos }[] = [];
        do {
          if (items.length > 0) this.next();
          const n = this.ident('a new column name');
          this.expectPunct('=');
          items.push({ name: n.text, from: this.ident('the column to rename').text, pos: n.pos });
        } while (this.isPunct(','));
        return { kind: 'project-rename', items, pos };
      }
      case 'summarize': {
        const aggregates = this.isWord('by') ? [] : this.namedList();
        let by: NamedExpr[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.namedList();
        }
        if (aggregates.length === 0 && by.length === 0) this.fail('an aggregation or "by"');
        return { kind: 'summarize', aggregates, by, pos };
      }
      case 'top': {
        const count = this.expr();
        this.expectWord('by');
        return { kind: 'top', count, by: this.sortKey(), pos };
      }
      case 'order':
      case 'sort': {
        this.expectWord('by');
        const keys = [this.sortKey()];
        while (this.isPunct(',')) {
          this.next();
          keys.push(this.sortKey());
        }
        return { kind: 'sort', keys, pos };
      }
      case 'take':
      case 'limit':
        return { kind: 'take', count: this.expr(), pos };
      case 'distinct':
        if (this.isPunct('*')) {
          this.next();
          return { kind: 'distinct', columns: '*', pos };
        }
        return { kind: 'distinct', columns: this.namedList(), pos };
      case 'count':
        return { kind: 'count', pos };
      case 'join':
        return this.join(pos);
      case 'mv-expand': {
        let name: string | undefined;
        if (this.peek().kind === 'ident' && this.isPunct('=', 1)) {
          name = this.next().text;
          this.next();
        }
        const expr = this.expr();
        if (this.isWord('to')) {
          this.next();
          this.expectWord('typeof');
          this.expectPunct('(');
          this.ident('a type name');
          this.expectPunct(')');
        }
        return { kind: 'mv-expand', expr, pos, ...(name !== undefined ? { name } : {}) };
      }
      default:
        return this.fail('an operator');
    }
  }

  private join(pos: Pos): Operator {
    let joinKind: JoinKind = 'inner';
    if (this.isWord('kind')) {
      this.next();
      this.expectPunct('=');
      const k = this.ident('a join kind (inner, leftouter, leftanti, leftsemi)');
      if (!['inner', 'leftouter', 'leftanti', 'leftsemi'].includes(k.text)) this.fail('a join kind (inner, leftouter, leftanti, leftsemi)', k);
      joinKind = k.text as JoinKind;
    }
    let right: Query;
    if (this.isPunct('(')) {
      this.next();
      right = this.query();
      this.expectPunct(')');
    } else {
      right = this.query();
    }
    this.expectWord('on');
    const on: JoinKey[] = [];
    do {
      if (on.length > 0) this.next();
      const t = this.peek();
      if (this.isWord('$left')) {
        this.next();
        this.expectPunct('.');
        const left = this.ident('a column of the left side').text;
        this.expectPunct('==');
        this.expectWord('$right');
        this.expectPunct('.');
        const r = this.ident('a column of the right side').text;
        on.push({ left, right: r, pos: t.pos });
      } else {
        const n = this.ident('a join column or $left.column == $right.column').text;
        on.push({ left: n, right: n, pos: t.pos });
      }
    } while (this.isPunct(','));
    return { kind: 'join', joinKind, right, on, pos };
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let desc = true;
    if (this.isWord('asc') || this.isWord('desc')) desc = this.next().text === 'desc';
    let nullsFirst = !desc;
    if (this.isWord('nulls')) {
      this.next();
      const w = this.peek();
      if (!this.isWord('first') && !this.isWord('last')) this.fail('"first" or "last"', w);
      nullsFirst = this.next().text === 'first';
    }
    return { expr, desc, nullsFirst };
  }

  private namedList(): NamedExpr[] {
    const items: NamedExpr[] = [];
    do {
      if (items.length > 0) this.next();
      const t = this.peek();
      if (t.kind === 'ident' && this.isPunct('=', 1)) {
        this.next();
        this.next();
        items.push({ name: t.text, expr: this.expr(), pos: t.pos });
      } else {
        items.push({ expr: this.expr(), pos: t.pos });
      }
    } while (this.isPunct(','));
    return items;
  }

  expr(): Expr {
    return this.orExpr();
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isWord('or')) {
      const pos = this.next().pos;
      left = { kind: 'binary', op: 'or', left, right: this.andExpr(), pos };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      const pos = this.next().pos;
      left = { kind: 'binary', op: 'and', left, right: this.comparison(), pos };
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    const pos = t.pos;
    if (t.kind === 'punct' && PUNCT_COMPARISONS[t.text] !== undefined) {
      this.next();
      return { kind: 'binary', op: PUNCT_COMPARISONS[t.text] as BinaryOp, left, right: this.additive(), pos };
    }
    if (t.kind === 'ident' && WORD_COMPARISONS[t.text] !== undefined) {
      this.next();
      return { kind: 'binary', op: WORD_COMPARISONS[t.text] as BinaryOp, left, right: this.additive(), pos };
    }
    if (this.isWord('matches')) {
      this.next();
      this.expectWord('regex');
      return { kind: 'binary', op: 'matches regex', left, right: this.additive(), pos };
    }
    if (this.isWord('in') || this.isPunct('in~') || this.isPunct('!in') || this.isPunct('!in~')) {
      const op = this.next().text;
      this.expectPunct('(');
      const t0 = this.peek();
      if (t0.kind === 'ident' && this.tabular.has(t0.text) && (this.isPunct('|', 1) || this.isPunct(')', 1))) {
        const subquery = this.query();
        this.expectPunct(')');
        return { kind: 'in', negated: op.startsWith('!'), caseInsensitive: op.endsWith('~'), operand: left, list: [], subquery, pos };
      }
      const list: Expr[] = [];
      if (!this.isPunct(')')) {
        do {
          if (list.length > 0) this.next();
          list.push(this.additive());
        } while (this.isPunct(','));
      }
      this.expectPunct(')');
      return { kind: 'in', negated: op.startsWith('!'), caseInsensitive: op.endsWith('~'), operand: left, list, pos };
    }
    if (this.isWord('between') || this.isPunct('!between')) {
      const negated = this.next().text.startsWith('!');
      this.expectPunct('(');
      const low = this.additive();
      this.expectPunct('..');
      const high = this.additive();
      this.expectPunct(')');
      return { kind: 'between', negated, operand: left, low, high, pos };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.multiplicative(), pos: t.pos };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.unary(), pos: t.pos };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-')) {
      const pos = this.next().pos;
      return { kind: 'neg', operand: this.unary(), pos };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        const pos = this.next().pos;
        const key = this.ident('a property name after "."');
        e = { kind: 'member', object: e, key: key.text, pos };
      } else if (this.isPunct('[')) {
        const pos = this.next().pos;
        const t = this.peek();
        if (t.kind === 'string' || t.kind === 'long') {
          this.next();
          e = { kind: 'member', object: e, key: t.kind === 'string' ? t.text : Number(t.value), pos };
        } else if (this.isPunct('-') && this.peek(1).kind === 'long') {
          this.next();
          e = { kind: 'member', object: e, key: -Number(this.next().value), pos };
        } else {
          this.fail('a string or an integer index inside [ ]', t);
        }
        this.expectPunct(']');
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'literal', type: 'string', value: t.text, pos: t.pos };
      case 'long':
        this.next();
        return { kind: 'literal', type: 'long', value: Number(t.value), pos: t.pos };
      case 'real':
        this.next();
        return { kind: 'literal', type: 'real', value: Number(t.value), pos: t.pos };
      case 'timespan':
        this.next();
        return { kind: 'literal', type: 'timespan', value: Number(t.value), pos: t.pos };
      case 'punct':
        if (t.text === '(') {
          this.next();
          const e = this.expr();
          this.expectPunct(')');
          return e;
        }
        if (t.text === '*') {
          this.next();
          return { kind: 'star', pos: t.pos };
        }
        return this.fail('an expression');
      case 'ident': {
        if (t.text.startsWith('$')) return this.fail('an expression');
        this.next();
        if (t.text === 'true' || t.text === 'false') return { kind: 'literal', type: 'bool', value: t.text === 'true', pos: t.pos };
        if (t.text === 'null') return { kind: 'literal', type: 'null', value: null, pos: t.pos };
        if (!this.isPunct('(')) return { kind: 'name', name: t.text, pos: t.pos };
        this.next();
        if (t.text === 'datetime') {
          const s = this.next();
          if (s.kind !== 'string') this.fail('a date such as 2026-01-31 or 2026-01-31T10:00:00Z', s);
          const iso = /(Z|[+-]\d\d:?\d\d)$/i.test(s.text) || /^\d{4}-\d{2}-\d{2}$/.test(s.text) ? s.text : `${s.text}Z`;
          const ms = Date.parse(iso);
          if (!Number.isFinite(ms)) this.fail('a date such as 2026-01-31 or 2026-01-31T10:00:00Z', s);
          this.expectPunct(')');
          return { kind: 'literal', type: 'datetime', value: ms, pos: t.pos };
        }
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          do {
            if (args.length > 0) this.next();
            args.push(this.expr());
          } while (this.isPunct(','));
        }
        this.expectPunct(')');
        if (t.text === 'not') {
          if (args.length !== 1 || !args[0]) this.fail('one argument to not()', t);
          return { kind: 'not', operand: args[0], pos: t.pos };
        }
        return { kind: 'call', name: t.text, args, pos: t.pos };
      }
      case 'eof':
        return this.fail('an expression');
    }
  }
}

/** Parses a query into an immutable tree; never throws. */
export function parseHunt(text: string): Result<Program, HuntError> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return { ok: true, value: deepFreeze(new Parser(tokens.value).program()) };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.huntError };
    if (e instanceof RangeError) return { ok: false, error: { message: 'query is nested too deeply', line: 1, column: 1 } };
    throw e;
  }
}
