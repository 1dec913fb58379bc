// The admin API under /v1/palisade: policies, one-click templates, policy tests and the scan endpoint.
// Writes need the `admin` role; reads need `admin` or `auditor`; scanning needs only an authenticated caller.
// Every change is recorded as an AdminAction audit event.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { palisadeError, POLICY_LOCATIONS, POLICY_MODES, type PolicyLocation, type PolicyMode, type Principal } from '../core/index.ts';
import type { ContentStore } from '../audit/index.ts';
import type { Detection } from '../detect/index.ts';
import { handleHuntRequest, type HuntExecutor } from '../hunt/index.ts';
import type { PolicyCatalog } from '../policy/index.ts';
import { Collector, type Pipeline } from '../pipeline/index.ts';
import { sendError } from './http-errors.ts';
import type { PolicySource } from './inspect/policy-source.ts';
import { testPolicies, type PolicyAdmin } from './policy-admin.ts';

export interface AdminDeps {
  readonly policyAdmin: PolicyAdmin;
  readonly policies: PolicySource;
  readonly detection: Detection;
  readonly catalog: PolicyCatalog;
  readonly labelsHeader: string;
  /** Runs hunting queries (the audit store's read-only connection). */
  readonly hunt: HuntExecutor;
  /** Captured prompt/response content; the store itself checks the content-reader role and audits every read. */
  readonly content: ContentStore | undefined;
  /** The scan API runs through the pipeline like every other door. */
  readonly pipeline: Pipeline;
  adminAction(principal: Principal, operation: string, target: string, details?: Record<string, string | number | boolean | null>): void;
}

type Role = 'admin' | 'read';

function allowed(principal: Principal | undefined, role: Role): boolean {
  if (principal === undefined) return false;
  return principal.roles.includes('admin') || (role === 'read' && principal.roles.includes('auditor'));
}

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const guard = (role: Role) => (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!allowed(req.palisade.principal, role)) {
      sendError(reply, palisadeError('forbidden', role === 'admin' ? 'This operation needs the admin role.' : 'This operation needs the admin or auditor role.'), 'openai');
      return;
    }
    done();
  };
  const who = (req: FastifyRequest): Principal => req.palisade.principal as Principal;
  const refresh = () => deps.policies.refresh();

  app.get('/v1/palisade/policies', { preHandler: guard('read') }, async () => {
    const list = await deps.policyAdmin.list();
    return { object: 'list', data: list.map((p) => ({ source: p.source, ...p.policy })) };
  });

  app.get('/v1/palisade/policies/:name', { preHandler: guard('read') }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const p = await deps.policyAdmin.get(name);
    if (p === undefined) return sendError(reply, palisadeError('not_found', `No policy named "${name}".`), 'openai');
    return { source: p.source, ...p.policy };
  });

  app.put('/v1/palisade/policies/:name', { preHandler: guard('admin') }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const definition = { ...body(req), name };
    const r = await deps.policyAdmin.put(definition);
    if (!r.ok) return sendError(reply, r.error, 'openai');
    await refresh();
    deps.adminAction(who(req), 'policy.put', name, { mode: r.value.mode });
    return r.value;
  });

  app.post('/v1/palisade/policies/:name/mode', { preHandler: guard('admin') }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const mode = body(req)['mode'];
    if (typeof mode !== 'string' || !(POLICY_MODES as readonly string[]).includes(mode)) {
      return sendError(reply, palisadeError('invalid_request', `"mode" must be one of ${POLICY_MODES.join(', ')}.`, { param: 'mode' }), 'openai');
    }
    const r = await deps.policyAdmin.setMode(name, mode as PolicyMode);
    if (!r.ok) return sendError(reply, r.error, 'openai');
    await refresh();
    deps.adminAction(who(req), 'policy.mode', name, { mode });
    return r.value;
  });

  app.delete('/v1/palisade/policies/:name', { preHandler: guard('admin') }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const r = await deps.policyAdmin.remove(name);
    if (!r.ok) return sendError(reply, r.error, 'openai');
    await refresh();
    deps.adminAction(who(req), 'policy.delete', name);
    return { deleted: name };
  });

  app.get('/v1/palisade/policy-templates', { preHandler: guard('read') }, (_req, reply) =>
    reply.send({
      object: 'list',
      data: deps.policyAdmin.templates().map((t) => ({ id: t.id, title: t.title, description: t.description, creates: t.policy })),
    }),
  );

  app.post('/v1/palisade/policy-templates/:id', { preHandler: guard('admin') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const simulate = body(req)['simulate'] === true;
    const r = await deps.policyAdmin.enableTemplate(id, { simulate });
    if (!r.ok) return sendError(reply, r.error, 'openai');
    await refresh();
    deps.adminAction(who(req), 'policy.enable-template', r.value.name, { template: id, simulate });
    return r.value;
  });

  app.post('/v1/palisade/policies/test', { preHandler: guard('read') }, async (req, reply) => {
    const b = body(req);
    if (typeof b['text'] !== 'string') return sendError(reply, palisadeError('invalid_request', '"text" must be a string.', { param: 'text' }), 'openai');
    const location = b['location'] ?? 'prompt';
    if (typeof location !== 'string' || !(POLICY_LOCATIONS as readonly string[]).includes(location)) {
      return sendError(reply, palisadeError('invalid_request', `"location" must be one of ${POLICY_LOCATIONS.join(', ')}.`, { param: 'location' }), 'openai');
    }
    const principal = who(req);
    const result = testPolicies(deps.policies.current(), deps.detection, deps.catalog, b['text'], {
      principal,
      location: location as PolicyLocation,
      ...(typeof b['model'] === 'string' ? { model: b['model'] } : {}),
    });
    return result;
  });

  // Hunting over the audit log: the `auditor` role (checked by the hunt module itself).
  app.post('/v1/palisade/hunt', async (req, reply) => {
    const principal = req.palisade.principal;
    const r = await handleHuntRequest(deps.hunt, req.body, { roles: principal?.roles ?? [] });
    if (!r.ok) return sendError(reply, r.error, 'openai');
    if (principal !== undefined) deps.adminAction(principal, 'hunt.query', 'audit', {});
    return r.value;
  });

  // Captured content (policies with the `capture` action): only the content-reader role; the read is audited.
  app.get('/v1/palisade/content/:ref', async (req, reply) => {
    const principal = req.palisade.principal;
    if (deps.content === undefined) return sendError(reply, palisadeError('not_found', 'Content capture is not configured (audit.contentKey).'), 'openai');
    if (principal === undefined) return sendError(reply, palisadeError('unauthenticated', 'Authentication required.'), 'openai');
    const { ref } = req.params as { ref: string };
    const r = await deps.content.read(ref, { id: principal.id, name: principal.name, kind: principal.kind, roles: principal.roles });
    if (!r.ok) return sendError(reply, r.error, 'openai');
    return r.value;
  });

  // The scan API is a door of the pipeline like the model routes: limits, scan-api policies and one
  // AIInteraction record per scan (never the text).
  app.post('/v1/palisade/scan', async (req, reply) => {
    const principal = req.palisade.principal;
    if (principal === undefined) return sendError(reply, palisadeError('unauthenticated', 'Authentication required.'), 'openai');
    const b = body(req);
    const text = b['text'];
    if (typeof text !== 'string') return sendError(reply, palisadeError('invalid_request', '"text" must be a string.', { param: 'text' }), 'openai');
    const labelHeader = req.headers[deps.labelsHeader];
    const minConfidence = typeof b['minConfidence'] === 'string' && ['low', 'medium', 'high'].includes(b['minConfidence']) ? (b['minConfidence'] as 'low' | 'medium' | 'high') : undefined;
    const content = new Collector();
    content.text(text, 'user', ['text']);
    await deps.pipeline.run(
      {
        id: req.id,
        time: Date.now(),
        ingress: 'scan',
        operation: 'palisade.scan',
        principal,
        client: { ip: req.palisade.clientIp, ...(req.headers['user-agent'] !== undefined ? { userAgent: req.headers['user-agent'] } : {}) },
        target: { kind: 'none' },
      },
      {
        requestLocation: 'scan-api',
        responseLocation: undefined,
        body: { text },
        content: content.done(),
        forward: (scanned) =>
          Promise.resolve({
            kind: 'json',
            status: 200,
            body: deps.detection.report(typeof scanned['text'] === 'string' ? scanned['text'] : text, {
              ...(minConfidence !== undefined ? { minConfidence } : {}),
              ...(typeof labelHeader === 'string' ? { labelHeader } : {}),
            }) as unknown as Record<string, unknown>,
          }),
        refuse: (refusal) => {
          sendError(reply, refusal.error, 'openai');
        },
        send: (status, out) => {
          reply.code(status).send(out);
        },
      },
      { labelsHeader: typeof labelHeader === 'string' ? labelHeader : undefined },
    );
    return reply;
  });
}
