// The hunting language: a KQL subset over the audit tables, compiled lexer → parser → immutable AST →
// parameterised SQL per dialect (SQLite, PostgreSQL). User values only ever travel as parameters.
export { parseHunt } from './parser.ts';
export { tokenize } from './lexer.ts';
export type { Token, TokenKind } from './lexer.ts';
export { compileProgram } from './compiler.ts';
export type { CompileOptions, CompiledHunt } from './compiler.ts';
export { compileHunt, runHunt, normalizeRows } from './run.ts';
export type { HuntExecutor, HuntResult, HuntOptions } from './run.ts';
export { TABLE_NAMES, tableColumns } from './tables.ts';
export type { Dialect, HuntColumn, HuntType } from './tables.ts';
export type { Program, Query, Operator, Expr, HuntError, Pos, LetBinding, NamedExpr, SortKey, JoinKind, JoinKey, BinaryOp, LiteralType } from './ast.ts';
export { loadQueryLibrary, parseQueryFile, BUILTIN_QUERY_DIR } from './library.ts';
export type { BuiltinQuery } from './library.ts';
export { handleHuntRequest, HUNT_ROLE } from './http.ts';
export type { HuntResponse } from './http.ts';
