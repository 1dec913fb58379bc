// The gateway: the Fastify server that speaks the OpenAI, Azure OpenAI and Anthropic APIs, and the
// composition root that wires identity, limits, upstreams and metrics into it.
export { startGateway, createLogger, createInspection, createConfiguredDetection, checkConfiguredPolicies, knownPolicyTypes } from './compose.ts';
export type { RunningGateway, StartOptions, InspectionStack } from './compose.ts';
export { buildServer } from './server.ts';
export type { GatewayDeps } from './server.ts';
export { GatewayMetrics } from './metrics.ts';
