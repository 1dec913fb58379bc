// Compiles a parsed hunt to one parameterised SELECT per dialect. Each operator wraps the previous stage
// as a subquery with a known column list and types. User values only ever become parameters; identifiers
// are plain ASCII words checked by the lexer, so quoting them is safe. Parameters are placed as markers
// first and numbered in text order at the end, because stages nest inside out.
import RE2 from 're2';
import type { Result } from '../core/index.ts';
import type { BinaryOp, Expr, HuntError, LetBinding, NamedExpr, Operator, Pos, Program, Query, SortKey } from './ast.ts';
import { tableSource, type Dialect, type HuntColumn, type HuntType } from './tables.ts';

export interface CompileOptions {
  readonly dialect: Dialect;
  /** The query's `now()`, epoch milliseconds; fixed per query so `ago()` is stable. */
  readonly now: number;
  /** Most rows returned; one more is fetched to tell the caller the result was cut. */
  readonly maxRows?: number;
}

export interface CompiledHunt {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly columns: readonly HuntColumn[];
  readonly maxRows: number;
  readonly dialect: Dialect;
}

type ExprType = HuntType | 'null';
interface Typed {
  readonly sql: string;
  readonly type: ExprType;
}

interface State {
  readonly sql: string;
  readonly columns: readonly HuntColumn[];
  /** ORDER BY text still valid while these columns survive. */
  readonly order?: { readonly sql: string; readonly refs: readonly string[] };
}

interface Scope {
  readonly columns: ReadonlyMap<string, HuntColumn>;
  readonly qualifier: string;
  /** In a summarize aggregate list: aggregation calls allowed, bare columns not. */
  readonly aggregate: boolean;
  readonly refs: Set<string>;
}

class CompileFailure extends Error {
  constructor(readonly huntError: HuntError) {
    super(huntError.message);
  }
}

function fail(message: string, pos: Pos): never {
  throw new CompileFailure({ message, line: pos.line, column: pos.column });
}

const MARK = '\u0001';
const AGGREGATES = new Set(['count', 'countif', 'dcount', 'sum', 'avg', 'min', 'max', 'make_set', 'make_list', 'arg_max', 'arg_min']);
const NUMERIC = new Set<ExprType>(['long', 'real']);
const DEFAULT_MAX_ROWS = 10_000;
const INT_PATTERN = '^ *[-+]?[0-9]{1,18} *$';
const REAL_PATTERN = '^ *[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]{1,3})? *$';
const TERM_EDGE = '[^0-9A-Za-z_]';

function q(name: string): string {
  return `"${name}"`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class Compiler {
  private readonly params: { value: unknown; pgType: string }[] = [];
  private alias = 0;
  private readonly lets = new Map<string, LetBinding>();
  private letDepth = 0;
  private columnCounter = 0;

  constructor(private readonly opts: CompileOptions) {}

  private get d(): Dialect {
    return this.opts.dialect;
  }

  private param(value: string | number | boolean | null, pgType: 'text' | 'bigint' | 'double precision' | 'boolean' | 'integer'): string {
    const v = this.d === 'sqlite' && typeof value === 'boolean' ? (value ? 1 : 0) : value;
    this.params.push({ value: v, pgType });
    return `${MARK}${this.params.length - 1}${MARK}`;
  }

  private nextAlias(prefix = '_t'): string {
    this.alias++;
    return `${prefix}${this.alias}`;
  }

  finish(state: State): CompiledHunt {
    const maxRows = this.opts.maxRows ?? DEFAULT_MAX_ROWS;
    const a = this.nextAlias();
    const order = state.order ? ` ORDER BY ${state.order.sql}` : '';
    const limit = this.param(maxRows + 1, 'bigint');
    const text = `SELECT * FROM (${state.sql}) AS ${a}${order} LIMIT ${limit}`;
    const parameters: unknown[] = [];
    const pgIndex = new Map<number, number>();
    const sql = text.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, idx: string) => {
      const p = this.params[Number(idx)];
      if (!p) throw new Error('parameter marker without a parameter');
      if (this.d === 'sqlite') {
        // better-sqlite3 binds JS numbers as REAL; whole-number parameters go as BigInt so integer arithmetic
        // (bin(), %, /) stays integral, as it is in PostgreSQL.
        parameters.push((p.pgType === 'bigint' || p.pgType === 'integer') && typeof p.value === 'number' ? BigInt(p.value) : p.value);
        return '?';
      }
      // The same marker may appear twice (e.g. make_set's DISTINCT and ORDER BY); PostgreSQL needs the same $n.
      let n = pgIndex.get(Number(idx));
      if (n === undefined) {
        parameters.push(p.value);
        n = parameters.length;
        pgIndex.set(Number(idx), n);
      }
      return `$${n}::${p.pgType}`;
    });
    return { sql, parameters, columns: state.columns, maxRows, dialect: this.d };
  }

  program(p: Program): State {
    for (const l of p.lets) this.lets.set(l.name, l);
    return this.query(p.query);
  }

  private query(qy: Query): State {
    let state = this.source(qy.source.name, qy.source.pos);
    for (const op of qy.operators) state = this.operator(state, op);
    return state;
  }

  private source(name: string, pos: Pos): State {
    const bound = this.lets.get(name);
    if (bound?.kind === 'tabular') {
      if (++this.letDepth > 32) fail('let bindings refer to each other in a cycle', pos);
      const s = this.query(bound.value);
      this.letDepth--;
      return { sql: s.sql, columns: s.columns };
    }
    const t = tableSource(name, this.d);
    if (!t) fail(`unknown table "${name}"`, pos);
    return { sql: t.sql, columns: t.columns };
  }

  private scope(state: State, qualifier = '', aggregate = false): Scope {
    return { columns: new Map(state.columns.map((c) => [c.name, c])), qualifier, aggregate, refs: new Set() };
  }

  private keepOrder(state: State, columns: readonly HuntColumn[]): State['order'] {
    if (!state.order) return undefined;
    const names = new Set(columns.map((c) => c.name));
    return state.order.refs.every((r) => names.has(r)) ? state.order : undefined;
  }

  private wrap(state: State, select: string, columns: readonly HuntColumn[], tail = '', keep = true): State {
    const a = this.nextAlias();
    const order = keep ? this.keepOrder(state, columns) : undefined;
    const sql = `SELECT ${select} FROM (${state.sql}) AS ${a}${tail}${order ? ` ORDER BY ${order.sql}` : ''}`;
    return order ? { sql, columns, order } : { sql, columns };
  }

  private operator(state: State, op: Operator): State {
    switch (op.kind) {
      case 'where': {
        const s = this.scope(state);
        const pred = this.asBool(this.expr(op.predicate, s), op.predicate.pos);
        return this.wrap(state, '*', state.columns, ` WHERE ${pred}`);
      }
      case 'extend': {
        let cur = state;
        for (const item of op.items) {
          const s = this.scope(cur);
          const t = this.expr(item.expr, s);
          const name = item.name ?? this.deriveName(item.expr);
          const type = t.type === 'null' ? 'string' : t.type;
          const exists = cur.columns.some((c) => c.name === name);
          const columns = exists ? cur.columns.map((c) => (c.name === name ? { name, type } : c)) : [...cur.columns, { name, type }];
          const select = columns.map((c) => (c.name === name ? `${t.sql} AS ${q(name)}` : q(c.name))).join(', ');
          cur = this.wrap(cur, select, columns, '', !exists);
        }
        return cur;
      }
      case 'project': {
        const s = this.scope(state);
        const seen = new Set<string>();
        const parts: string[] = [];
        const columns: HuntColumn[] = [];
        for (const item of op.items) {
          const t = this.expr(item.expr, s);
          const name = item.name ?? this.deriveName(item.expr);
          if (seen.has(name)) fail(`column "${name}" is projected twice`, item.pos);
          seen.add(name);
          parts.push(`${t.sql} AS ${q(name)}`);
          columns.push({ name, type: t.type === 'null' ? 'string' : t.type });
        }
        return this.wrap(state, parts.join(', '), columns);
      }
      case 'project-away': {
        const drop = new Set<string>();
        for (const n of op.names) {
          if (!state.columns.some((c) => c.name === n.name)) fail(`unknown column "${n.name}"${this.hint(state)}`, n.pos);
          drop.add(n.name);
        }
        const columns = state.columns.filter((c) => !drop.has(c.name));
        if (columns.length === 0) fail('project-away would remove every column', op.pos);
        return this.wrap(state, columns.map((c) => q(c.name)).join(', '), columns);
      }
      case 'project-rename': {
        let cur = state;
        for (const item of op.items) {
          const from = cur.columns.find((c) => c.name === item.from);
          if (!from) fail(`unknown column "${item.from}"${this.hint(cur)}`, item.pos);
          if (item.name !== item.from && cur.columns.some((c) => c.name === item.name)) fail(`column "${item.name}" already exists`, item.pos);
          const columns = cur.columns.map((c) => (c.name === item.from ? { name: item.name, type: c.type } : c));
          const select = cur.columns.map((c) => (c.name === item.from ? `${q(c.name)} AS ${q(item.name)}` : q(c.name))).join(', ');
          cur = this.wrap(cur, select, columns, '', false);
        }
        return cur;
      }
      case 'summarize':
        return this.summarize(state, op.aggregates, op.by, op.pos);
      case 'sort': {
        const s = this.scope(state);
        const sql = op.keys.map((k) => this.sortKey(k, s)).join(', ');
        const a = this.nextAlias();
        return { sql: `SELECT * FROM (${state.sql}) AS ${a} ORDER BY ${sql}`, columns: state.columns, order: { sql, refs: [...s.refs] } };
      }
      case 'top': {
        const n = this.count(op.count);
        const s = this.scope(state);
        const sql = this.sortKey(op.by, s);
        const a = this.nextAlias();
        return { sql: `SELECT * FROM (${state.sql}) AS ${a} ORDER BY ${sql} LIMIT ${n}`, columns: state.columns, order: { sql, refs: [...s.refs] } };
      }
      case 'take': {
        const n = this.count(op.count);
        const a = this.nextAlias();
        const order = state.order ? ` ORDER BY ${state.order.sql}` : '';
        const sql = `SELECT * FROM (${state.sql}) AS ${a}${order} LIMIT ${n}`;
        return state.order ? { sql, columns: state.columns, order: state.order } : { sql, columns: state.columns };
      }
      case 'distinct': {
        if (op.columns === '*') return this.wrap(state, `DISTINCT ${state.columns.map((c) => q(c.name)).join(', ')}`, state.columns, '', false);
        const s = this.scope(state);
        const parts: string[] = [];
        const columns: HuntColumn[] = [];
        for (const item of op.columns) {
          const t = this.expr(item.expr, s);
          const name = item.name ?? this.deriveName(item.expr);
          parts.push(`${t.sql} AS ${q(name)}`);
          columns.push({ name, type: t.type === 'null' ? 'string' : t.type });
        }
        return this.wrap(state, `DISTINCT ${parts.join(', ')}`, columns, '', false);
      }
      case 'count':
        return this.wrap(state, `COUNT(*) AS ${q('Count')}`, [{ name: 'Count', type: 'long' }], '', false);
      case 'join':
        return this.join(state, op);
      case 'mv-expand':
        return this.mvExpand(state, op.expr, op.name, op.pos);
    }
  }

  private count(e0: Expr): string {
    const bound = e0.kind === 'name' ? this.lets.get(e0.name) : undefined;
    const e = bound?.kind === 'scalar' ? bound.value : e0;
    if (e.kind !== 'literal' || e.type !== 'long' || typeof e.value !== 'number' || e.value < 0) fail('expected a non-negative whole number of rows', e.pos);
    return this.param(e.value, 'bigint');
  }

  private sortKey(k: SortKey, s: Scope): string {
    const t = this.expr(k.expr, s);
    if (t.type === 'dynamic') fail('cannot sort by a dynamic value; convert it with tostring() or toint()', k.expr.pos);
    const collate = this.d === 'postgres' && t.type === 'string' ? ' COLLATE "C"' : '';
    return `${t.sql}${collate} ${k.desc ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`;
  }

  private hint(state: State): string {
    const names = state.columns.map((c) => c.name);
    return `; columns are: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''}`;
  }

  private deriveName(e: Expr): string {
    switch (e.kind) {
      case 'name':
        return e.name;
      case 'member': {
        const base = this.deriveName(e.object);
        return `${base}_${typeof e.key === 'number' ? String(Math.abs(e.key)) : e.key.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 63);
      }
      case 'call': {
        const arg = e.args[0];
        const argName = arg && arg.kind !== 'star' ? this.deriveName(arg) : '';
        switch (e.name) {
          case 'count':
            return 'count_';
          case 'countif':
            return 'countif_';
          case 'make_set':
            return `set_${argName}`.slice(0, 63);
          case 'make_list':
            return `list_${argName}`.slice(0, 63);
          case 'dcount':
          case 'sum':
          case 'avg':
          case 'min':
          case 'max':
            return `${e.name}_${argName}`.slice(0, 63);
          case 'bin':
          case 'floor':
          case 'startofday':
            return argName;
          default:
            return `Column${++this.columnCounter}`;
        }
      }
      case 'literal':
      case 'star':
      case 'binary':
      case 'not':
      case 'neg':
      case 'in':
      case 'between':
        return `Column${++this.columnCounter}`;
    }
  }

  private summarize(state: State, aggregates: readonly NamedExpr[], by: readonly NamedExpr[], pos: Pos): State {
    const argAgg = aggregates.find((a) => a.expr.kind === 'call' && (a.expr.name === 'arg_max' || a.expr.name === 'arg_min'));
    if (argAgg) {
      if (aggregates.length !== 1) fail('arg_max/arg_min must be the only aggregation in its summarize', argAgg.pos);
      return this.argMax(state, argAgg, by);
    }
    const byScope = this.scope(state);
    const parts: string[] = [];
    const columns: HuntColumn[] = [];
    const names = new Set<string>();
    const add = (name: string, t: Typed, at: Pos): void => {
      if (names.has(name)) fail(`column "${name}" appears twice in summarize; name it with name = …`, at);
      names.add(name);
      parts.push(`${t.sql} AS ${q(name)}`);
      columns.push({ name, type: t.type === 'null' ? 'string' : t.type });
    };
    for (const b of by) {
      const t = this.expr(b.expr, byScope);
      if (t.type === 'dynamic') fail('cannot group by a dynamic value; convert it with tostring()', b.pos);
      add(b.name ?? this.deriveName(b.expr), t, b.pos);
    }
    const aggScope = this.scope(state, '', true);
    for (const a of aggregates) add(a.name ?? this.deriveName(a.expr), this.expr(a.expr, aggScope), a.pos);
    if (parts.length === 0) fail('summarize needs an aggregation or a by clause', pos);
    const group = by.length > 0 ? ` GROUP BY ${by.map((_, i) => String(i + 1)).join(', ')}` : '';
    return this.wrap(state, parts.join(', '), columns, group, false);
  }

  private argMax(state: State, item: NamedExpr, by: readonly NamedExpr[]): State {
    const call = item.expr as Extract<Expr, { kind: 'call' }>;
    const [target, ...rest] = call.args;
    if (!target || target.kind === 'star') fail(`${call.name} needs the expression to maximise first`, call.pos);
    const s = this.scope(state);
    const t = this.expr(target, s);
    if (t.type === 'dynamic') fail(`${call.name} cannot order by a dynamic value`, target.pos);
    const byParts = by.map((b) => ({ name: b.name ?? this.deriveName(b.expr), t: this.expr(b.expr, s), pos: b.pos }));
    const byNames = new Set(byParts.map((b) => b.name));
    const targetName = item.name ?? (target.kind === 'name' ? target.name : `${call.name === 'arg_max' ? 'max' : 'min'}_${this.deriveName(target)}`);
    const returned: { name: string; sql: string; type: ExprType }[] = [];
    const wantAll = rest.length === 0 || rest.some((r) => r.kind === 'star');
    if (wantAll) {
      for (const c of state.columns) if (!byNames.has(c.name) && c.name !== targetName) returned.push({ name: c.name, sql: q(c.name), type: c.type });
    }
    for (const r of rest) {
      if (r.kind === 'star') continue;
      const name = this.deriveName(r);
      if (byNames.has(name) || name === targetName || returned.some((x) => x.name === name)) continue;
      const rt = this.expr(r, s);
      returned.push({ name, sql: rt.sql, type: rt.type });
    }
    const inner: string[] = [
      ...byParts.map((b, i) => `${b.t.sql} AS ${q(`__by${i}`)}`),
      `${t.sql} AS ${q('__target')}`,
      ...returned.map((r, i) => `${r.sql} AS ${q(`__ret${i}`)}`),
    ];
    const partition = byParts.length > 0 ? `PARTITION BY ${byParts.map((b) => b.t.sql).join(', ')} ` : '';
    const dir = call.name === 'arg_max' ? 'DESC NULLS LAST' : 'ASC NULLS LAST';
    const a = this.nextAlias();
    const b = this.nextAlias();
    const innerSql = `SELECT ${inner.join(', ')}, ROW_NUMBER() OVER (${partition}ORDER BY ${t.sql} ${dir}) AS ${q('__rn')} FROM (${state.sql}) AS ${a}`;
    const outer = [
      ...byParts.map((bp, i) => `${q(`__by${i}`)} AS ${q(bp.name)}`),
      `${q('__target')} AS ${q(targetName)}`,
      ...returned.map((r, i) => `${q(`__ret${i}`)} AS ${q(r.name)}`),
    ];
    const columns: HuntColumn[] = [
      ...byParts.map((bp) => ({ name: bp.name, type: bp.t.type === 'null' ? 'string' : bp.t.type })),
      { name: targetName, type: t.type === 'null' ? 'string' : t.type },
      ...returned.map((r) => ({ name: r.name, type: r.type === 'null' ? ('string' as const) : r.type })),
    ];
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql}) AS ${b} WHERE ${q('__rn')} = 1`, columns };
  }

  private join(left: State, op: Extract<Operator, { kind: 'join' }>): State {
    const right = this.query(op.right);
    const l = this.nextAlias('_l');
    const r = this.nextAlias('_r');
    const conds = op.on.map((k) => {
      const lc = left.columns.find((c) => c.name === k.left);
      const rc = right.columns.find((c) => c.name === k.right);
      if (!lc) fail(`unknown column "${k.left}" on the left side of the join${this.hint(left)}`, k.pos);
      if (!rc) fail(`unknown column "${k.right}" on the right side of the join${this.hint(right)}`, k.pos);
      const lt: Typed = { sql: `${l}.${q(lc.name)}`, type: lc.type };
      const rt: Typed = { sql: `${r}.${q(rc.name)}`, type: rc.type };
      const [a, b] = this.unify(lt, rt, k.pos);
      return `${a} = ${b}`;
    });
    const on = conds.join(' AND ');
    const leftCols = left.columns.map((c) => `${l}.${q(c.name)} AS ${q(c.name)}`);
    if (op.joinKind === 'leftanti' || op.joinKind === 'leftsemi') {
      const not = op.joinKind === 'leftanti' ? 'NOT ' : '';
      return {
        sql: `SELECT ${leftCols.join(', ')} FROM (${left.sql}) AS ${l} WHERE ${not}EXISTS (SELECT 1 FROM (${right.sql}) AS ${r} WHERE ${on})`,
        columns: left.columns,
      };
    }
    const names = new Set(left.columns.map((c) => c.name));
    const rightCols: string[] = [];
    const columns: HuntColumn[] = [...left.columns];
    for (const c of right.columns) {
      let name = c.name;
      for (let n = 1; names.has(name); n++) name = `${c.name}${n}`;
      names.add(name);
      rightCols.push(`${r}.${q(c.name)} AS ${q(name)}`);
      columns.push({ name, type: c.type });
    }
    const kind = op.joinKind === 'inner' ? 'INNER JOIN' : 'LEFT OUTER JOIN';
    return { sql: `SELECT ${[...leftCols, ...rightCols].join(', ')} FROM (${left.sql}) AS ${l} ${kind} (${right.sql}) AS ${r} ON ${on}`, columns };
  }

  private mvExpand(state: State, expr: Expr, name: string | undefined, pos: Pos): State {
    const a = this.nextAlias();
    const j = this.nextAlias('_je');
    const s = this.scope(state, `${a}.`);
    const t = this.expr(expr, s);
    if (t.type !== 'dynamic') fail('mv-expand needs a dynamic (array) value', expr.pos);
    const target = name ?? this.deriveName(expr);
    const element =
      this.d === 'sqlite'
        ? `(CASE ${j}.type WHEN 'object' THEN ${j}.value WHEN 'array' THEN ${j}.value WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE json_quote(${j}.value) END)`
        : `${j}.value`;
    const exists = state.columns.some((c) => c.name === target);
    const columns: HuntColumn[] = exists ? state.columns.map((c) => (c.name === target ? { name: target, type: 'dynamic' } : c)) : [...state.columns, { name: target, type: 'dynamic' }];
    const select = columns.map((c) => (c.name === target ? `${element} AS ${q(target)}` : `${a}.${q(c.name)}`)).join(', ');
    const from =
      this.d === 'sqlite'
        ? `(${state.sql}) AS ${a}, json_each(CASE WHEN json_type(${t.sql}) = 'array' THEN ${t.sql} ELSE '[]' END) AS ${j}`
        : `(${state.sql}) AS ${a} CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${t.sql}) = 'array' THEN ${t.sql} ELSE '[]'::jsonb END) AS ${j}(value)`;
    void pos;
    return { sql: `SELECT ${select} FROM ${from}`, columns };
  }

  // ---- expressions ----

  private expr(e: Expr, s: Scope): Typed {
    switch (e.kind) {
      case 'literal':
        switch (e.type) {
          case 'string':
            return { sql: this.param(String(e.value), 'text'), type: 'string' };
          case 'long':
            return { sql: this.param(Number(e.value), 'bigint'), type: 'long' };
          case 'real':
            return { sql: this.param(Number(e.value), 'double precision'), type: 'real' };
          case 'bool':
            return { sql: this.param(Boolean(e.value), 'boolean'), type: 'bool' };
          case 'timespan':
            return { sql: this.param(Number(e.value), 'bigint'), type: 'timespan' };
          case 'datetime':
            return { sql: this.param(Number(e.value), 'bigint'), type: 'datetime' };
          case 'null':
            return { sql: 'NULL', type: 'null' };
        }
        break;
      case 'name': {
        const bound = this.lets.get(e.name);
        if (bound?.kind === 'scalar') {
          if (++this.letDepth > 32) fail('let bindings refer to each other in a cycle', e.pos);
          const t = this.expr(bound.value, { columns: new Map(), qualifier: '', aggregate: false, refs: new Set() });
          this.letDepth--;
          return t;
        }
        if (bound?.kind === 'tabular') fail(`"${e.name}" is a table, not a value`, e.pos);
        const c = s.columns.get(e.name);
        if (!c) fail(`unknown column or let "${e.name}"${s.columns.size > 0 ? `; columns are: ${[...s.columns.keys()].slice(0, 30).join(', ')}` : ''}`, e.pos);
        if (s.aggregate) fail(`column "${e.name}" must be inside an aggregation (count, sum, max, …) or in "by"`, e.pos);
        s.refs.add(c.name);
        return { sql: `${s.qualifier}${q(c.name)}`, type: c.type };
      }
      case 'member': {
        const o = this.expr(e.object, s);
        if (o.type !== 'dynamic') fail('only dynamic values have properties (x.y or x["y"])', e.pos);
        if (typeof e.key === 'number') {
          if (this.d === 'sqlite') return { sql: `(${o.sql} -> ${this.param(e.key < 0 ? `$[#${e.key}]` : `$[${e.key}]`, 'text')})`, type: 'dynamic' };
          return { sql: `(${o.sql} -> ${this.param(e.key, 'integer')})`, type: 'dynamic' };
        }
        if (/["\\]/.test(e.key)) fail('property names cannot contain quotes or backslashes', e.pos);
        if (this.d === 'sqlite') return { sql: `(${o.sql} -> ${this.param(`$."${e.key}"`, 'text')})`, type: 'dynamic' };
        return { sql: `(${o.sql} -> ${this.param(e.key, 'text')})`, type: 'dynamic' };
      }
      case 'star':
        return fail('"*" is only allowed in arg_max(…, *) and distinct *', e.pos);
      case 'not':
        return { sql: `(NOT ${this.asBool(this.expr(e.operand, s), e.pos)})`, type: 'bool' };
      case 'neg': {
        const t = this.expr(e.operand, s);
        if (!NUMERIC.has(t.type) && t.type !== 'timespan') fail('"-" needs a number or a timespan', e.pos);
        return { sql: `(-${t.sql})`, type: t.type };
      }
      case 'binary':
        return this.binary(e.op, e.left, e.right, s, e.pos);
      case 'in':
        return this.inList(e, s);
      case 'between': {
        const v = this.expr(e.operand, s);
        const [a, lo] = this.unify(v, this.expr(e.low, s), e.pos);
        const [a2, hi] = this.unify(v, this.expr(e.high, s), e.pos);
        const sql = `(${a} >= ${lo} AND ${a2} <= ${hi})`;
        return { sql: e.negated ? `(NOT COALESCE(${sql}, FALSE))` : sql, type: 'bool' };
      }
      case 'call':
        return this.call(e, s);
    }
  }

  private asText(t: Typed): string {
    switch (t.type) {
      case 'string':
        return t.sql;
      case 'null':
        return 'NULL';
      case 'dynamic':
        return this.d === 'sqlite' ? `(${t.sql} ->> '$')` : `(${t.sql} #>> '{}')`;
      case 'long':
      case 'real':
      case 'timespan':
        return this.d === 'sqlite' ? `CAST(${t.sql} AS TEXT)` : `(${t.sql})::text`;
      case 'bool':
        return `(CASE WHEN ${t.sql} THEN 'true' WHEN NOT ${t.sql} THEN 'false' END)`;
      case 'datetime':
        return this.d === 'sqlite'
          ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${t.sql} / 1000.0, 'unixepoch')`
          : `to_char(to_timestamp(${t.sql} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    }
  }

  private asNumber(t: Typed, pos: Pos): Typed {
    if (NUMERIC.has(t.type) || t.type === 'datetime' || t.type === 'timespan' || t.type === 'null') return t;
    if (t.type === 'dynamic') {
      return this.d === 'sqlite'
        ? { sql: `(${t.sql} ->> '$')`, type: 'real' }
        : { sql: `(CASE WHEN jsonb_typeof(${t.sql}) = 'number' THEN (${t.sql} #>> '{}')::double precision END)`, type: 'real' };
    }
    return fail(`expected a number but this is ${t.type}; convert it with toint() or toreal()`, pos);
  }

  private asBool(t: Typed, pos: Pos): string {
    if (t.type === 'bool' || t.type === 'null') return t.sql;
    if (t.type === 'dynamic') {
      return this.d === 'sqlite' ? `(${t.sql} ->> '$')` : `(CASE WHEN jsonb_typeof(${t.sql}) = 'boolean' THEN (${t.sql} #>> '{}')::boolean END)`;
    }
    return fail(`expected a true/false condition but this is ${t.type}`, pos);
  }

  /** Brings two operands to one comparable type; dynamic values take the other side's type. */
  private unify(a: Typed, b: Typed, pos: Pos): [string, string, ExprType] {
    if (a.type === b.type) {
      if (a.type === 'dynamic') return [this.asText(a), this.asText(b), 'string'];
      return [a.sql, b.sql, a.type];
    }
    if (a.type === 'null') return [a.sql, b.sql, b.type];
    if (b.type === 'null') return [a.sql, b.sql, a.type];
    if (a.type === 'dynamic' || b.type === 'dynamic') {
      const [dyn, other] = a.type === 'dynamic' ? [a, b] : [b, a];
      let conv: string;
      if (other.type === 'string') conv = this.asText(dyn);
      else if (other.type === 'bool') conv = this.asBool(dyn, pos);
      else conv = this.asNumber(dyn, pos).sql;
      return a.type === 'dynamic' ? [conv, b.sql, other.type] : [a.sql, conv, other.type];
    }
    const num = (x: ExprType): boolean => NUMERIC.has(x);
    if (num(a.type) && num(b.type)) return [a.sql, b.sql, 'real'];
    if ((a.type === 'timespan' && num(b.type)) || (b.type === 'timespan' && num(a.type))) return [a.sql, b.sql, 'timespan'];
    return fail(`cannot compare ${a.type} with ${b.type}`, pos);
  }

  private stringLiteral(e: Expr, what: string): string {
    if (e.kind !== 'literal' || e.type !== 'string' || typeof e.value !== 'string') fail(`${what} expects a string literal on its right`, e.pos);
    return e.value;
  }

  private binary(op: BinaryOp, le: Expr, re: Expr, s: Scope, pos: Pos): Typed {
    switch (op) {
      case 'and':
      case 'or':
        return { sql: `(${this.asBool(this.expr(le, s), le.pos)} ${op.toUpperCase()} ${this.asBool(this.expr(re, s), re.pos)})`, type: 'bool' };
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const l = this.expr(le, s);
        const r = this.expr(re, s);
        if ((op === '==' || op === '!=') && (l.type === 'null' || r.type === 'null')) {
          const v = l.type === 'null' ? r : l;
          return { sql: `(${v.sql} IS ${op === '==' ? '' : 'NOT '}NULL)`, type: 'bool' };
        }
        const [a, b, type] = this.unify(l, r, pos);
        const collate = this.d === 'postgres' && type === 'string' && op !== '==' && op !== '!=' ? ' COLLATE "C"' : '';
        return { sql: `(${a}${collate} ${op === '==' ? '=' : op === '!=' ? '<>' : op} ${b}${collate})`, type: 'bool' };
      }
      case '=~':
      case '!~': {
        const a = this.asText(this.expr(le, s));
        const b = this.asText(this.expr(re, s));
        const sql = `(lower(${a}) = lower(${b}))`;
        return { sql: op === '=~' ? sql : `(NOT COALESCE(${sql}, FALSE))`, type: 'bool' };
      }
      case 'has':
      case '!has': {
        const a = this.asText(this.expr(le, s));
        const term = this.stringLiteral(re, op);
        const pattern = `(?:^|${TERM_EDGE})${escapeRegex(term)}(?:$|${TERM_EDGE})`;
        const sql = this.d === 'sqlite' ? `(${a} REGEXP ${this.param(`(?i)${pattern}`, 'text')})` : `(${a} ~* ${this.param(pattern, 'text')})`;
        return { sql: op === 'has' ? sql : `(NOT COALESCE(${sql}, FALSE))`, type: 'bool' };
      }
      case 'matches regex': {
        const a = this.asText(this.expr(le, s));
        const pattern = this.stringLiteral(re, 'matches regex');
        try {
          new RE2(pattern, 'u');
        } catch {
          fail('invalid regular expression (RE2 syntax)', re.pos);
        }
        return { sql: this.d === 'sqlite' ? `(${a} REGEXP ${this.param(pattern, 'text')})` : `(${a} ~ ${this.param(pattern, 'text')})`, type: 'bool' };
      }
      case 'contains':
      case '!contains':
      case 'contains_cs': {
        const a = this.asText(this.expr(le, s));
        const b = this.asText(this.expr(re, s));
        const [x, y] = op === 'contains_cs' ? [a, b] : [`lower(${a})`, `lower(${b})`];
        const sql = this.d === 'sqlite' ? `(instr(${x}, ${y}) > 0)` : `(strpos(${x}, ${y}) > 0)`;
        return { sql: op === '!contains' ? `(NOT COALESCE(${sql}, FALSE))` : sql, type: 'bool' };
      }
      case 'startswith':
      case '!startswith': {
        const a = this.asText(this.expr(le, s));
        const b = this.asText(this.expr(re, s));
        const sql = this.d === 'sqlite' ? `(substr(lower(${a}), 1, length(${b})) = lower(${b}))` : `starts_with(lower(${a}), lower(${b}))`;
        return { sql: op === 'startswith' ? sql : `(NOT COALESCE(${sql}, FALSE))`, type: 'bool' };
      }
      case 'endswith':
      case '!endswith': {
        const a = this.asText(this.expr(le, s));
        const b = this.asText(this.expr(re, s));
        const sql =
          this.d === 'sqlite'
            ? `(length(${b}) = 0 OR (length(${a}) >= length(${b}) AND substr(lower(${a}), -length(${b})) = lower(${b})))`
            : `(right(lower(${a}), length(${b})) = lower(${b}))`;
        return { sql: op === 'endswith' ? sql : `(NOT COALESCE(${sql}, FALSE))`, type: 'bool' };
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(op, this.expr(le, s), this.expr(re, s), pos);
    }
  }

  private arithmetic(op: '+' | '-' | '*' | '/' | '%', l0: Typed, r0: Typed, pos: Pos): Typed {
    const l = l0.type === 'dynamic' ? this.asNumber(l0, pos) : l0;
    const r = r0.type === 'dynamic' ? this.asNumber(r0, pos) : r0;
    const lt = l.type;
    const rt = r.type;
    let type: ExprType | undefined;
    if (lt === 'null' || rt === 'null') type = lt === 'null' ? rt : lt;
    else if (op === '+' && ((lt === 'datetime' && rt === 'timespan') || (lt === 'timespan' && rt === 'datetime'))) type = 'datetime';
    else if (op === '-' && lt === 'datetime' && rt === 'datetime') type = 'timespan';
    else if (op === '-' && lt === 'datetime' && rt === 'timespan') type = 'datetime';
    else if ((op === '+' || op === '-') && lt === 'timespan' && rt === 'timespan') type = 'timespan';
    else if (op === '/' && lt === 'timespan' && rt === 'timespan') {
      const x = this.d === 'sqlite' ? `CAST(${l.sql} AS REAL)` : `(${l.sql})::double precision`;
      return { sql: `(${x} / NULLIF(${r.sql}, 0))`, type: 'real' };
    } else if ((op === '*' || op === '/') && lt === 'timespan' && NUMERIC.has(rt)) type = 'timespan';
    else if (op === '*' && NUMERIC.has(lt) && rt === 'timespan') type = 'timespan';
    else if (NUMERIC.has(lt) && NUMERIC.has(rt)) type = lt === 'real' || rt === 'real' ? 'real' : 'long';
    if (type === undefined) fail(`cannot apply "${op}" to ${lt} and ${rt}`, pos);
    if (op === '/' || op === '%') return { sql: `(${l.sql} ${op} NULLIF(${r.sql}, 0))`, type: op === '%' ? 'long' : type };
    return { sql: `(${l.sql} ${op} ${r.sql})`, type };
  }

  private inList(e: Extract<Expr, { kind: 'in' }>, s: Scope): Typed {
    const v = this.expr(e.operand, s);
    if (e.subquery) {
      const sub = this.query(e.subquery);
      const first = sub.columns[0];
      if (!first) fail('the tabular expression after "in" has no columns', e.pos);
      const a = this.nextAlias('_in');
      const col: Typed = { sql: `${a}.${q(first.name)}`, type: first.type };
      const [left, right] = e.caseInsensitive ? [`lower(${this.asText(v)})`, `lower(${this.asText(col)})`] : this.unify(v, col, e.pos);
      const sql = `(${left} IN (SELECT ${right} FROM (${sub.sql}) AS ${a} WHERE ${col.sql} IS NOT NULL))`;
      return { sql: e.negated ? `(NOT COALESCE(${sql}, FALSE))` : sql, type: 'bool' };
    }
    if (e.list.length === 0) return { sql: e.negated ? 'TRUE' : 'FALSE', type: 'bool' };
    let left = '';
    const items = e.list.map((x) => {
      const t = this.expr(x, s);
      if (e.caseInsensitive) {
        left = `lower(${this.asText(v)})`;
        return `lower(${this.asText(t)})`;
      }
      const [a, b] = this.unify(v, t, x.pos);
      left = a;
      return b;
    });
    const sql = `(${left} IN (${items.join(', ')}))`;
    return { sql: e.negated ? `(NOT COALESCE(${sql}, FALSE))` : sql, type: 'bool' };
  }

  private arity(e: Extract<Expr, { kind: 'call' }>, min: number, max = min): void {
    if (e.args.length < min || e.args.length > max) {
      fail(`${e.name}() takes ${min === max ? min : `${min} to ${max === Infinity ? 'any number of' : max}`} argument${max === 1 ? '' : 's'}`, e.pos);
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>, s: Scope): Typed {
    if (AGGREGATES.has(e.name)) {
      if (!s.aggregate) fail(`${e.name}() is an aggregation: use it in summarize`, e.pos);
      return this.aggregate(e, { ...s, aggregate: false, refs: s.refs });
    }
    const arg = (i: number): Typed => this.expr(e.args[i] as Expr, s);
    switch (e.name) {
      case 'now': {
        this.arity(e, 0, 1);
        const now: Typed = { sql: this.param(this.opts.now, 'bigint'), type: 'datetime' };
        return e.args.length === 0 ? now : this.arithmetic('+', now, arg(0), e.pos);
      }
      case 'ago': {
        this.arity(e, 1);
        const span = arg(0);
        if (span.type !== 'timespan') fail('ago() takes a timespan such as 1d or 30m', e.pos);
        return this.arithmetic('-', { sql: this.param(this.opts.now, 'bigint'), type: 'datetime' }, span, e.pos);
      }
      case 'bin':
      case 'floor': {
        this.arity(e, 2);
        const v = arg(0);
        const size = arg(1);
        if (!['long', 'real', 'datetime', 'timespan'].includes(v.type)) fail(`${e.name}() bins numbers, datetimes and timespans`, e.pos);
        if (!['long', 'real', 'timespan'].includes(size.type)) fail(`${e.name}() needs a bin size such as 1h or 10`, e.args[1]?.pos ?? e.pos);
        if (v.type === 'real' || size.type === 'real') {
          const f = `floor(${v.sql} / NULLIF(${size.sql}, 0))`;
          return { sql: `(${f} * ${size.sql})`, type: 'real' };
        }
        // Integer division truncates toward zero; audit times and counts are never negative.
        return { sql: `((${v.sql} / NULLIF(${size.sql}, 0)) * ${size.sql})`, type: v.type };
      }
      case 'startofday': {
        this.arity(e, 1);
        const v = arg(0);
        if (v.type !== 'datetime') fail('startofday() takes a datetime', e.pos);
        const day = this.param(86_400_000, 'bigint');
        return { sql: `((${v.sql} / ${day}) * ${day})`, type: 'datetime' };
      }
      case 'hourofday': {
        this.arity(e, 1);
        const v = arg(0);
        if (v.type !== 'datetime') fail('hourofday() takes a datetime', e.pos);
        return { sql: `((${v.sql} / ${this.param(3_600_000, 'bigint')}) % ${this.param(24, 'bigint')})`, type: 'long' };
      }
      case 'dayofweek': {
        this.arity(e, 1);
        const v = arg(0);
        if (v.type !== 'datetime') fail('dayofweek() takes a datetime', e.pos);
        const day = this.param(86_400_000, 'bigint');
        // 1970-01-01 was a Thursday; KQL counts days since Sunday, as a timespan.
        return { sql: `((((${v.sql} / ${day}) + ${this.param(4, 'bigint')}) % ${this.param(7, 'bigint')}) * ${day})`, type: 'timespan' };
      }
      case 'tostring': {
        this.arity(e, 1);
        return { sql: this.asText(arg(0)), type: 'string' };
      }
      case 'toint':
      case 'tolong':
      case 'toreal':
      case 'todouble': {
        this.arity(e, 1);
        const v = arg(0);
        const real = e.name === 'toreal' || e.name === 'todouble';
        const sqlType = real ? (this.d === 'sqlite' ? 'REAL' : 'double precision') : this.d === 'sqlite' ? 'INTEGER' : 'bigint';
        const type: ExprType = real ? 'real' : 'long';
        switch (v.type) {
          case 'null':
            return { sql: 'NULL', type };
          case 'long':
          case 'real':
          case 'datetime':
          case 'timespan':
            if (!real && v.type === 'real') return { sql: this.d === 'sqlite' ? `CAST(${v.sql} AS INTEGER)` : `trunc(${v.sql})::bigint`, type };
            return { sql: this.d === 'sqlite' ? `CAST(${v.sql} AS ${sqlType})` : `(${v.sql})::${sqlType}`, type };
          case 'bool':
            return { sql: `(CASE WHEN ${v.sql} THEN 1 WHEN NOT ${v.sql} THEN 0 END)`, type };
          case 'string':
          case 'dynamic': {
            const text = this.asText(v);
            const pattern = this.param(real ? REAL_PATTERN : INT_PATTERN, 'text');
            const test = this.d === 'sqlite' ? `${text} REGEXP ${pattern}` : `${text} ~ ${pattern}`;
            const cast = this.d === 'sqlite' ? `CAST(trim(${text}) AS ${sqlType})` : `(trim(${text}))::${sqlType}`;
            return { sql: `(CASE WHEN ${test} THEN ${cast} END)`, type };
          }
        }
        break;
      }
      case 'tolower':
      case 'toupper': {
        this.arity(e, 1);
        return { sql: `${e.name === 'tolower' ? 'lower' : 'upper'}(${this.asText(arg(0))})`, type: 'string' };
      }
      case 'strlen': {
        this.arity(e, 1);
        return { sql: `length(${this.asText(arg(0))})`, type: 'long' };
      }
      case 'substring': {
        this.arity(e, 2, 3);
        const text = this.asText(arg(0));
        const start = arg(1);
        if (start.type !== 'long') fail('substring() takes a whole-number start', e.pos);
        if (e.args.length === 3) {
          const len = arg(2);
          if (len.type !== 'long') fail('substring() takes a whole-number length', e.pos);
          const lenSql = this.d === 'postgres' ? `(${len.sql})::integer` : len.sql;
          return { sql: `substr(${text}, ${this.d === 'postgres' ? `(${start.sql} + 1)::integer` : `${start.sql} + 1`}, ${lenSql})`, type: 'string' };
        }
        return { sql: `substr(${text}, ${this.d === 'postgres' ? `(${start.sql} + 1)::integer` : `${start.sql} + 1`})`, type: 'string' };
      }
      case 'strcat': {
        this.arity(e, 1, 64);
        return { sql: `(${e.args.map((_, i) => `COALESCE(${this.asText(arg(i))}, '')`).join(' || ')})`, type: 'string' };
      }
      case 'iff':
      case 'iif': {
        this.arity(e, 3);
        const c = this.asBool(arg(0), e.pos);
        const a = arg(1);
        const b = arg(2);
        const [x, y, type] = a.type === b.type ? [a.sql, b.sql, a.type] : this.unify(a, b, e.pos);
        return { sql: `(CASE WHEN ${c} THEN ${x} ELSE ${y} END)`, type };
      }
      case 'isempty':
      case 'isnotempty': {
        this.arity(e, 1);
        const v = arg(0);
        const sql = v.type === 'string' || v.type === 'dynamic' ? `(${this.asText(v)} IS NULL OR ${this.asText(v)} = '')` : `(${v.sql} IS NULL)`;
        return { sql: e.name === 'isempty' ? sql : `(NOT ${sql})`, type: 'bool' };
      }
      case 'isnull':
      case 'isnotnull': {
        this.arity(e, 1);
        const v = arg(0);
        return { sql: `(${v.sql} IS ${e.name === 'isnull' ? '' : 'NOT '}NULL)`, type: 'bool' };
      }
      case 'coalesce': {
        this.arity(e, 2, 64);
        const items = e.args.map((_, i) => arg(i));
        const first = items.find((t) => t.type !== 'null');
        const type = first?.type ?? 'null';
        const parts = items.map((t) => (t.type === type || t.type === 'null' ? t.sql : fail(`coalesce() arguments must share one type (${type} and ${t.type})`, e.pos)));
        return { sql: `COALESCE(${parts.join(', ')})`, type };
      }
      case 'array_length': {
        this.arity(e, 1);
        const v = arg(0);
        if (v.type !== 'dynamic') fail('array_length() takes a dynamic array', e.pos);
        return this.d === 'sqlite'
          ? { sql: `(CASE WHEN json_type(${v.sql}) = 'array' THEN json_array_length(${v.sql}) END)`, type: 'long' }
          : { sql: `(CASE WHEN jsonb_typeof(${v.sql}) = 'array' THEN jsonb_array_length(${v.sql}) END)`, type: 'long' };
      }
      case 'abs': {
        this.arity(e, 1);
        const v = this.asNumber(arg(0), e.pos);
        return { sql: `abs(${v.sql})`, type: v.type };
      }
      case 'round': {
        this.arity(e, 1, 2);
        const v = this.asNumber(arg(0), e.pos);
        const digits = e.args.length === 2 ? arg(1) : { sql: this.param(0, 'integer'), type: 'long' as const };
        if (digits.type !== 'long') fail('round() takes a whole number of digits', e.pos);
        const x = this.d === 'sqlite' ? v.sql : `(${v.sql})::numeric`;
        const dg = this.d === 'sqlite' ? digits.sql : `(${digits.sql})::integer`;
        return { sql: this.d === 'sqlite' ? `round(${x}, ${dg})` : `round(${x}, ${dg})::double precision`, type: 'real' };
      }
      default:
        return fail(`unknown function ${e.name}()`, e.pos);
    }
    return fail(`unsupported call ${e.name}()`, e.pos);
  }

  private aggregate(e: Extract<Expr, { kind: 'call' }>, s: Scope): Typed {
    const arg = (i: number): Typed => this.expr(e.args[i] as Expr, s);
    switch (e.name) {
      case 'count':
        this.arity(e, 0, 1);
        return { sql: e.args.length === 0 ? 'COUNT(*)' : `COUNT(${arg(0).sql})`, type: 'long' };
      case 'countif':
        this.arity(e, 1);
        return { sql: `COALESCE(SUM(CASE WHEN ${this.asBool(arg(0), e.pos)} THEN 1 ELSE 0 END), 0)`, type: 'long' };
      case 'dcount': {
        this.arity(e, 1, 2);
        const v = arg(0);
        return { sql: `COUNT(DISTINCT ${v.type === 'dynamic' ? this.asText(v) : v.sql})`, type: 'long' };
      }
      case 'sum':
      case 'avg': {
        this.arity(e, 1);
        const v = this.asNumber(arg(0), e.pos);
        if (v.type === 'datetime') fail(`${e.name}() of datetimes is not defined`, e.pos);
        if (e.name === 'avg') return { sql: this.d === 'sqlite' ? `AVG(${v.sql})` : `AVG(${v.sql})::double precision`, type: 'real' };
        const cast = this.d === 'postgres' ? (v.type === 'real' ? '::double precision' : '::bigint') : '';
        return { sql: `SUM(${v.sql})${cast}`, type: v.type === 'null' ? 'long' : v.type };
      }
      case 'min':
      case 'max': {
        this.arity(e, 1);
        const v = arg(0);
        if (v.type === 'dynamic') fail(`${e.name}() of a dynamic value: convert it with toint() or tostring()`, e.pos);
        const collate = this.d === 'postgres' && v.type === 'string' ? ' COLLATE "C"' : '';
        return { sql: `${e.name.toUpperCase()}(${v.sql}${collate})`, type: v.type };
      }
      case 'make_set':
      case 'make_list': {
        this.arity(e, 1, 2);
        const t = arg(0);
        const v = t.type === 'dynamic' || t.type === 'bool' || t.type === 'datetime' ? this.asText(t) : t.sql;
        const distinct = e.name === 'make_set';
        const collate = this.d === 'postgres' && (t.type === 'string' || t.type === 'dynamic') ? ' COLLATE "C"' : '';
        if (this.d === 'sqlite') {
          const inner = distinct ? `DISTINCT ${v} ORDER BY ${v}` : v;
          return { sql: `json_group_array(${inner}) FILTER (WHERE ${v} IS NOT NULL)`, type: 'dynamic' };
        }
        const inner = distinct ? `DISTINCT ${v}${collate} ORDER BY ${v}${collate}` : v;
        return { sql: `COALESCE(jsonb_agg(${inner}) FILTER (WHERE ${v} IS NOT NULL), '[]'::jsonb)`, type: 'dynamic' };
      }
      default:
        return fail(`${e.name}() must be the only aggregation in its summarize`, e.pos);
    }
  }
}

/** Compiles a parsed program for one dialect; errors carry line and column. */
export function compileProgram(program: Program, opts: CompileOptions): Result<CompiledHunt, HuntError> {
  const c = new Compiler(opts);
  try {
    return { ok: true, value: c.finish(c.program(program)) };
  } catch (e) {
    if (e instanceof CompileFailure) return { ok: false, error: e.huntError };
    throw e;
  }
}
