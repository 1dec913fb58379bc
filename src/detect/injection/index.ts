// Local prompt-injection, jailbreak, indirect-injection and prompt-leak detection: de-obfuscation with
// offsets, hand-written signals and a trained linear classifier (weights in models/injection/), judged per
// segment source; plus canary tokens and adapters for external shield services.
export {
  createInjectionDetector,
  INJECTION_DETECTOR_ID,
  INJECTION_TYPES,
} from './detector.ts';
export type {
  InjectionAssessment,
  InjectionDetector,
  InjectionDetectorOptions,
  InjectionThresholdMap,
  InjectionType,
} from './detector.ts';
export { loadInjectionModel, defaultModelDir, MODEL_META_FILE, MODEL_WEIGHTS_FILE } from './load-model.ts';
export { parseModel, classify, modelMeta, modelWeightBytes, MODEL_FORMAT, MODEL_VERSION } from './model.ts';
export type { InjectionModel, ModelMeta, Classification } from './model.ts';
export { normalize, toOriginalRange } from './normalize.ts';
export type { NormalizedText, NormalizeOptions, ObfuscationStats } from './normalize.ts';
export { findSignals, SIGNALS, SIGNAL_GROUPS } from './signals.ts';
export type { SignalDef, SignalGroup, SignalMatch } from './signals.ts';
export { createCanary, insertCanary, detectPromptLeak } from './canary.ts';
export type { Canary, LeakCheckOptions } from './canary.ts';
export { createShield, scanWithShield } from './shield.ts';
export { createHiddenTextDetector, findHiddenRuns, HIDDEN_TEXT_DETECTOR_ID, HIDDEN_TEXT_REDACTION, HIDDEN_TEXT_TYPES } from './hidden.ts';
export type { HiddenTextType } from './hidden.ts';
export type { FetchLike, Shield, ShieldFailure, ShieldVerdict } from './shield.ts';
