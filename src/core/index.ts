// Palisade's core: the types every module shares (principals, findings, errors, results), the
// configuration schema, ids and the clock. It imports nothing of ours.
export type { Result } from './result.ts';
export { ok, err } from './result.ts';
export { ERROR_CODES, palisadeError, httpStatusOf, errorBody, InternalError } from './errors.ts';
export type { ErrorCode, PalisadeError, WireDialect } from './errors.ts';
export { CONFIDENCE, confidenceLevel, categoriesFor } from './finding.ts';
export type { ConfidenceLevel, ConfidenceScore, SegmentSource, Finding, ValueHasher, ScanContext, Detector, TypeCategories, ExternalCheck } from './finding.ts';
export { createValueHasher, randomToken, constantTimeEqual } from './crypto.ts';
export { newRequestId, newId, SYSTEM_CLOCK } from './ids.ts';
export { seededRandom } from './random.ts';
export type { Clock } from './ids.ts';
export type { Principal, PrincipalKind, AuthMethod } from './principal.ts';
export { globToRegExp, globMatch, isGlob, matchesAny } from './glob.ts';
export * from './config/index.ts';
