// The MCP security gateway: MCP servers behind Palisade. A Streamable HTTP front with OAuth resource-server
// auth, stdio and HTTP upstreams, per-principal Cedar authorization, tool pinning with rug-pull quarantine,
// poisoning and shadowing scans, inspected tool, resource and prompt traffic, human approvals, and audit.
export { createMcpGateway, loadMcpAuthorizer, mcpPolicyText, explainDecision } from './gateway.ts';
export type { McpGateway, McpGatewayOptions, AuthzExplanation } from './gateway.ts';
export type { McpDeps, McpLogger, ToolIntegrityEvent } from './types.ts';
export type { McpOperation } from './exchange.ts';
export { createMemoryStateStore, INSTRUCTIONS_PIN } from './state.ts';
export type { McpStateStore, ToolPin, PinStatus, ApprovalRequest, ApprovalStatus } from './state.ts';
export { openSqliteMcpStateStore, MCP_DB_FILE } from './state-sqlite.ts';
export { createAuthorizer } from './authz.ts';
export type { Authorizer, AuthzDecision, AuthzRequest, AuthzResource, McpAction } from './authz.ts';
export { approveToolDefinition, pinDiff, evaluatePin } from './pins.ts';
export { decideApproval, awaitApproval, argumentsHash, requiresApproval } from './approvals.ts';
export { canonicalJson, toolHash, instructionsHash, definitionDiff } from './canonical.ts';
export type { ToolDefinition } from './canonical.ts';
export { scanDefinition, definitionText, POISONING_SIGNALS } from './poisoning.ts';
export type { PoisoningReport } from './poisoning.ts';
export { createSafeFetch, isPrivateAddress, checkUrl, SsrfError } from './ssrf.ts';
export { MCP_ERROR, NAMESPACE_SEPARATOR } from './engine.ts';
export type { CatalogTool, CallerInfo } from './engine.ts';
export { toAuditEvent } from './audit-map.ts';
export {
  qualifiedName,
  splitQualifiedName,
  wrapResourceUri,
  unwrapResourceUri,
  wrapContentUri,
  wrapContentUris,
  resourceTarget,
  promptTarget,
  authzTarget,
  RESOURCE_URI_PREFIX,
} from './naming.ts';
export type { CatalogPrompt, CatalogResource, CatalogTemplate } from './content.ts';
export { runStdioBridge } from './stdio-bridge.ts';
