// Content safety: a local detector for harm categories (HATE, SEXUAL, VIOLENCE, SELF_HARM, WEAPONS, CRIME)
// with severities — a calibrated linear classifier per category over the folded text (weights in
// models/safety/) — and adapters for Azure AI Content Safety and the OpenAI moderation API as external checks.
export { SAFETY_TYPES, SAFETY_SEVERITIES } from './types.ts';
export type { SafetyType, SafetySeverity } from './types.ts';
export { createSafetyDetector, DEFAULT_SAFETY_THRESHOLD, SAFETY_DETECTOR_ID } from './detector.ts';
export type { SafetyAssessment, SafetyDetector, SafetyDetectorOptions } from './detector.ts';
export { loadSafetyModel } from './load-model.ts';
export { classifySafety, parseSafetyModel, safetyModelMeta, safetyWeightBytes } from './model.ts';
export type { SafetyModel, SafetyClassification } from './model.ts';
export { createSafetyCheck, OPENAI_MODERATION_URL } from './external.ts';
export type { SafetyCheck, SafetyCheckFailure } from './external.ts';
