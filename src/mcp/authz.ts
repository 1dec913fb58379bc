// Per-principal tool authorization with Cedar. Deny by default: with no policy, or a policy that fails to
// evaluate for a request, nothing is permitted. The entity model:
//   principal  Palisade::User | Palisade::Agent | Palisade::Service, in Palisade::Group and Palisade::Role
//   action     Palisade::Action::"call_tool" | "read_resource" | "get_prompt" | "list_tools"
//   resource   Palisade::Tool::"server__tool" | Palisade::Prompt::"server__prompt" |
//              Palisade::Resource::"palisade://server/<uri>", in Palisade::Server::"server"
//   context    arguments, clientIp (ip), time (epoch seconds), hour (UTC), riskLevel, listing
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { newId, type Principal } from '../core/index.ts';
import { err, ok, type Result } from '../core/result.ts';

export type McpAction = 'call_tool' | 'read_resource' | 'get_prompt';

export interface AuthzResource {
  readonly server: string;
  /** The namespaced name, `server__tool` (or the resource URI / prompt name). */
  readonly name: string;
  /** Tool annotations (`readOnlyHint`, `destructiveHint`, …); only booleans and strings are passed to Cedar. */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** More string attributes (a resource's upstream `uri` and `mimeType`); `server` and `name` cannot be overridden. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface AuthzRequest {
  readonly principal: Principal;
  readonly action: McpAction;
  readonly resource: AuthzResource;
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly clientIp?: string;
  readonly riskLevel?: string;
  /** True when deciding what `tools/list` shows rather than a real call (no arguments are known yet). */
  readonly listing?: boolean;
  readonly now: number;
}

export interface AuthzDecision {
  readonly allowed: boolean;
  /** The policies that decided: `policyN`, numbered in file order from 0. */
  readonly reasons: readonly string[];
  /** Policies that failed to evaluate for this request (they count as not matching). */
  readonly errors: readonly string[];
}

export interface Authorizer {
  authorize(request: AuthzRequest): AuthzDecision;
  /** The text of a policy by id, for explanations. */
  policyText(id: string): string | undefined;
  close(): void;
}

const KIND_TYPE = { user: 'Palisade::User', agent: 'Palisade::Agent', service: 'Palisade::Service' } as const;

/** Cedar has no floats or nulls: floats become strings, nulls are dropped, so any JSON arguments can be passed. */
function toCedarValue(value: unknown, depth = 0): cedar.CedarValueJson | undefined {
  if (depth > 16) return undefined;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : String(value);
  if (Array.isArray(value)) {
    const out: cedar.CedarValueJson[] = [];
    for (const v of value) {
      const c = toCedarValue(v, depth + 1);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, cedar.CedarValueJson> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // `__entity` / `__extn` keys would be read as Cedar escapes: a caller could forge an entity reference.
      if (k.startsWith('__')) continue;
      const c = toCedarValue(v, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return undefined;
}

function principalUid(p: Principal): cedar.EntityUid {
  return { type: KIND_TYPE[p.kind], id: p.id };
}

export function principalEntities(p: Principal): cedar.EntityJson[] {
  return [
    {
      uid: principalUid(p),
      attrs: {
        name: p.name,
        kind: p.kind,
        authMethod: p.authMethod,
        ...(p.keyId !== undefined ? { keyId: p.keyId } : {}),
        ...(p.clientAppId !== undefined ? { clientAppId: p.clientAppId } : {}),
        ...(p.issuer !== undefined ? { issuer: p.issuer } : {}),
        roles: [...p.roles],
        groups: [...p.groups],
      },
      parents: [...p.groups.map((g) => ({ type: 'Palisade::Group', id: g })), ...p.roles.map((r) => ({ type: 'Palisade::Role', id: r }))],
    },
  ];
}

/** Compiles the policy text once; a policy set that does not parse is an error listed at start. */
export function createAuthorizer(policyText: string | undefined): Result<Authorizer, string[]> {
  const text = policyText ?? '';
  const parsed = cedar.checkParsePolicySet({ staticPolicies: text });
  if (parsed.type === 'failure') return err(parsed.errors.map((e) => e.message));
  const setId = newId('mcp_policies');
  const pre = cedar.preparsePolicySet(setId, { staticPolicies: text });
  if (pre.type === 'failure') return err(pre.errors.map((e) => e.message));
  const parts = cedar.policySetTextToParts(text);
  const texts = new Map<string, string>();
  if (parts.type === 'success') parts.policies.forEach((p, i) => texts.set(`policy${i}`, p.trim()));
  const empty = text.trim() === '';

  return ok({
    authorize(req: AuthzRequest): AuthzDecision {
      if (empty) return { allowed: false, reasons: [], errors: [] };
      const annotations: Record<string, cedar.CedarValueJson> = {};
      for (const [k, v] of Object.entries(req.resource.annotations ?? {})) {
        if (typeof v === 'boolean' || typeof v === 'string') annotations[k] = v;
      }
      const resourceType = req.action === 'call_tool' ? 'Palisade::Tool' : req.action === 'read_resource' ? 'Palisade::Resource' : 'Palisade::Prompt';
      const context: Record<string, cedar.CedarValueJson> = {
        arguments: toCedarValue(req.arguments ?? {}) ?? {},
        time: Math.floor(req.now / 1000),
        hour: new Date(req.now).getUTCHours(),
        listing: req.listing === true,
        riskLevel: req.riskLevel ?? 'none',
      };
      if (req.clientIp !== undefined) context['clientIp'] = { __extn: { fn: 'ip', arg: req.clientIp } };
      const answer = cedar.statefulIsAuthorized({
        principal: principalUid(req.principal),
        action: { type: 'Palisade::Action', id: req.action },
        resource: { type: resourceType, id: req.resource.name },
        context,
        preparsedPolicySetId: setId,
        entities: [
          ...principalEntities(req.principal),
          {
            uid: { type: resourceType, id: req.resource.name },
            attrs: { ...annotations, ...req.resource.attributes, server: req.resource.server, name: req.resource.name },
            parents: [{ type: 'Palisade::Server', id: req.resource.server }],
          },
          { uid: { type: 'Palisade::Server', id: req.resource.server }, attrs: { name: req.resource.server }, parents: [] },
        ],
      });
      // A failed evaluation (bad entity data) denies: the authorizer fails closed.
      if (answer.type === 'failure') return { allowed: false, reasons: [], errors: answer.errors.map((e) => e.message) };
      const { decision, diagnostics } = answer.response;
      return {
        allowed: decision === 'allow',
        reasons: diagnostics.reason,
        errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
      };
    },
    policyText: (id) => texts.get(id),
    close() {
      // The wasm module keeps preparsed sets by id; replacing it with an empty set frees the old one.
      cedar.preparsePolicySet(setId, { staticPolicies: '' });
    },
  });
}
