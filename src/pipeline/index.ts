// The single path every interaction takes (model APIs, MCP operations, the scan API): authenticate,
// authorize, admit, inspect, decide, enforce, forward, inspect the answer, record. Doors (gateway routes,
// the MCP front) are thin adapters that build an Exchange; this module holds every step once.
export { Pipeline } from './pipeline.ts';
export type {
  Authenticator,
  ClientInfo,
  Exchange,
  Forwarded,
  PipelineDeps,
  PipelineLogger,
  PipelineMetrics,
  Refusal,
  RequestLimiter,
  RequestLocation,
  ResponseLocation,
  RunOptions,
  ServedBy,
  Usage,
} from './pipeline.ts';
export { newInteraction, interactionRecord, policyMatchRecords } from './interaction.ts';
export type { Interaction, NewInteraction, Ingress, Operation, InteractionOutcome, ToolDecision, Target, SegmentInfo } from './interaction.ts';
export { Recorder } from './record.ts';
export type { AuditSink, AlertSink, ContentSink, RecorderDeps, RecorderLogger } from './record.ts';
export { API_ADAPTERS, apiAdapter, eventJson, eventOf } from './apis/index.ts';
export type { ApiAdapter, ClientApi, SseEvent, StreamText, WireRequest } from './apis/index.ts';
export { Collector, EMPTY_CONTENT, jsonDepthExceeds, jsonView, rewrite, valueAt, isObj } from './content.ts';
export type { Content, JsonPath, Leaf, Obj, Segment } from './content.ts';
export { Inspector, blockError, isBlocking } from './inspect/inspector.ts';
export type { FindingSummary, Inspection, InspectionContext, InspectorDeps } from './inspect/inspector.ts';
export { StreamGuard } from './inspect/stream-guard.ts';
export type { StreamMode, StreamJudge, GuardOutput } from './inspect/stream-guard.ts';
export { createPolicyCatalog } from './inspect/catalog.ts';
