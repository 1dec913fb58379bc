// The immutable syntax tree the parser produces and the compiler reads. Every node carries its position,
// so compile errors name a line and column too.

export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** A query error: what went wrong, where, and (in the message) what was expected. */
export interface HuntError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type LiteralType = 'string' | 'long' | 'real' | 'bool' | 'timespan' | 'datetime' | 'null';

export type Expr =
  | { readonly kind: 'literal'; readonly type: LiteralType; readonly value: string | number | boolean | null; readonly pos: Pos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'member'; readonly object: Expr; readonly key: string | number; readonly pos: Pos }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'star'; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'not'; readonly operand: Expr; readonly pos: Pos }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly pos: Pos }
  | {
      readonly kind: 'in';
      readonly negated: boolean;
      readonly caseInsensitive: boolean;
      readonly operand: Expr;
      readonly list: readonly Expr[];
      /** `x in (T | project col)`: the first column of a tabular expression instead of a list. */
      readonly subquery?: Query;
      readonly pos: Pos;
    }
  | { readonly kind: 'between'; readonly negated: boolean; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly pos: Pos };

export type BinaryOp =
  | 'and'
  | 'or'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | '!~'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | 'has'
  | '!has'
  | 'contains'
  | '!contains'
  | 'contains_cs'
  | 'startswith'
  | '!startswith'
  | 'endswith'
  | '!endswith'
  | 'matches regex';

/** `name = expr`, or just `expr` (the compiler derives a name). */
export interface NamedExpr {
  readonly name?: string;
  readonly expr: Expr;
  readonly pos: Pos;
}

export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
  /** Defaults follow KQL: nulls last when descending, first when ascending. */
  readonly nullsFirst: boolean;
}

export type JoinKind = 'inner' | 'leftouter' | 'leftanti' | 'leftsemi';

export type Operator =
  | { readonly kind: 'where'; readonly predicate: Expr; readonly pos: Pos }
  | { readonly kind: 'project'; readonly items: readonly NamedExpr[]; readonly pos: Pos }
  | { readonly kind: 'project-away'; readonly names: readonly { readonly name: string; readonly pos: Pos }[]; readonly pos: Pos }
  | { readonly kind: 'project-rename'; readonly items: readonly { readonly name: string; readonly from: string; readonly pos: Pos }[]; readonly pos: Pos }
  | { readonly kind: 'extend'; readonly items: readonly NamedExpr[]; readonly pos: Pos }
  | { readonly kind: 'summarize'; readonly aggregates: readonly NamedExpr[]; readonly by: readonly NamedExpr[]; readonly pos: Pos }
  | { readonly kind: 'top'; readonly count: Expr; readonly by: SortKey; readonly pos: Pos }
  | { readonly kind: 'sort'; readonly keys: readonly SortKey[]; readonly pos: Pos }
  | { readonly kind: 'take'; readonly count: Expr; readonly pos: Pos }
  | { readonly kind: 'distinct'; readonly columns: readonly NamedExpr[] | '*'; readonly pos: Pos }
  | { readonly kind: 'count'; readonly pos: Pos }
  | { readonly kind: 'join'; readonly joinKind: JoinKind; readonly right: Query; readonly on: readonly JoinKey[]; readonly pos: Pos }
  | { readonly kind: 'mv-expand'; readonly name?: string; readonly expr: Expr; readonly pos: Pos };

export interface JoinKey {
  readonly left: string;
  readonly right: string;
  readonly pos: Pos;
}

export interface Query {
  /** A table name or a tabular `let`. */
  readonly source: { readonly name: string; readonly pos: Pos };
  readonly operators: readonly Operator[];
}

export type LetBinding =
  | { readonly kind: 'scalar'; readonly name: string; readonly value: Expr; readonly pos: Pos }
  | { readonly kind: 'tabular'; readonly name: string; readonly value: Query; readonly pos: Pos };

export interface Program {
  readonly lets: readonly LetBinding[];
  readonly query: Query;
}

/** Freezes a freshly built tree so no pass can change it behind another's back. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
