// Data loss prevention policies: the policy model, pure evaluation (findings and context in, a decision
// out), redaction and reversible tokenization, and the one-click templates.
export { evaluatePolicies, typesNeeded, policyApplies, mergeRedactions, OUTCOME_RANK, ALLOW } from './evaluate.ts';
export type { Outcome, PolicyContext, PolicyCatalog, Redaction, RuleMatch, Alert, Decision } from './evaluate.ts';
export { RedactionSession } from './redact.ts';
export { checkPolicyReferences } from './references.ts';
export type { KnownTypes } from './references.ts';
export { POLICY_TEMPLATES, findTemplate, instantiateTemplate } from './templates.ts';
export type { PolicyTemplate } from './templates.ts';
