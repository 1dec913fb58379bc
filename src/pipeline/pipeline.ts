// The one path every interaction takes, whichever door it came through:
//   authenticate → authorize → admit (limits, budgets) → inspect → decide → enforce → forward →
//   inspect the answer → enforce → record.
// An ingress supplies an Exchange (its content, how to forward, how to answer); everything else is here,
// once. The interaction's record is written in `finally`: every admitted request leaves exactly one.
import type { IncomingHttpHeaders } from 'node:http';
import {
  matchesAny,
  palisadeError,
  type Clock,
  type PalisadeError,
  type PolicyLocation,
  type Principal,
  type ProviderKind,
  type Result,
  type RiskLevel,
} from '../core/index.ts';
import { createCanary } from '../detect/injection/index.ts';
import { RedactionSession } from '../policy/index.ts';
import type { ApiAdapter, SseEvent } from './apis/types.ts';
import type { Content, Obj } from './content.ts';
import { blockError, isBlocking, type Inspection, type InspectionContext, type Inspector } from './inspect/inspector.ts';
import type { StreamGuard } from './inspect/stream-guard.ts';
import { newInteraction, type Interaction, type NewInteraction, type ToolDecision } from './interaction.ts';
import type { Recorder } from './record.ts';

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): Promise<Result<Principal, PalisadeError>>;
}

export interface RequestLimiter {
  admit(principal: Principal): Promise<Result<void, PalisadeError>>;
  recordTokens(principal: Principal, tokens: number): Promise<void>;
}

export interface PipelineMetrics {
  denied(reason: string): void;
  tokens(model: string, input: number, output: number): void;
}

export interface PipelineLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ServedBy {
  readonly upstream: string;
  readonly provider: ProviderKind;
  readonly model: string;
}

/** Why an interaction was not served, and how its record says so. */
export interface Refusal {
  readonly error: PalisadeError;
  readonly outcome: 'denied' | 'blocked' | 'failure';
  readonly toolDecision?: ToolDecision;
  readonly reason?: string;
  /** The door's own error to answer with, when it has one (an upstream's JSON-RPC error). */
  readonly cause?: unknown;
}

/** What forwarding produced. */
export type Forwarded =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: Obj;
      readonly usage?: Usage | undefined;
      readonly servedBy?: ServedBy | undefined;
      /** The backend refused the request itself (its own 4xx): passed to the client as it came, not inspected. */
      readonly rejected?: boolean;
      /** UTF-8 bytes of the answer (MCP records sizes). */
      readonly bytes?: number;
    }
  | {
      readonly kind: 'stream';
      readonly status: number;
      readonly events: AsyncIterable<SseEvent>;
      usage(): Usage | undefined;
      readonly servedBy: ServedBy;
    }
  | { readonly kind: 'refused'; readonly refusal: Refusal; readonly servedBy?: ServedBy | undefined };

export type RequestLocation = Extract<PolicyLocation, 'prompt' | 'tool-input' | 'scan-api'>;
export type ResponseLocation = Extract<PolicyLocation, 'response' | 'tool-output'>;

/** What one door supplies for one interaction. */
export interface Exchange {
  readonly requestLocation: RequestLocation;
  readonly responseLocation: ResponseLocation | undefined;
  /** The client API of a model call (stream text channels, canaries). */
  readonly api?: ApiAdapter;
  /** The request body (MCP: the arguments) and its text. */
  readonly body: Obj;
  readonly content: Content;
  /** The door's own checks before anything is inspected (MCP: the tool exists, its definition is approved, Cedar permits). */
  authorize?(ix: Interaction): Promise<Refusal | undefined> | Refusal | undefined;
  /** Sends the (possibly redacted) request on. */
  forward(body: Obj, ix: Interaction): Promise<Forwarded>;
  /** The text of an answer. */
  responseContent?(body: Obj): Content;
  /** Answers the client. */
  refuse(refusal: Refusal, stage: 'request' | 'response'): void;
  send(status: number, body: Obj): void;
  /** Streams an answer through the guard (model calls). */
  sendStream?(status: number, events: AsyncIterable<SseEvent>, guard: StreamGuard | undefined): Promise<'ok' | 'blocked' | 'failed'>;
}

export interface PipelineDeps {
  readonly authenticator: Authenticator;
  readonly inspector: Inspector;
  readonly limiter: RequestLimiter;
  readonly recorder: Recorder;
  readonly clock: Clock;
  readonly logger: PipelineLogger;
  readonly metrics?: PipelineMetrics;
  /** Per-request canaries in system prompts (palisade.yaml `injection.canary`). */
  readonly canary?: { readonly minFragmentChars: number };
  /** The principal's current risk level, when a risk engine knows it. */
  readonly riskLevelOf?: (principal: Principal) => RiskLevel | undefined;
}

export interface RunOptions {
  /** The raw sensitivity-labels header of the request. */
  readonly labelsHeader?: string | undefined;
}

export interface ClientInfo {
  readonly ip: string;
  readonly userAgent?: string | undefined;
}

export class Pipeline {
  readonly #deps: PipelineDeps;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  get recorder(): Recorder {
    return this.#deps.recorder;
  }

  get inspector(): Inspector {
    return this.#deps.inspector;
  }

  /** The principal's current risk level, when a risk engine knows it (for authorization decisions). */
  riskLevelOf(principal: Principal): RiskLevel | undefined {
    return this.#deps.riskLevelOf?.(principal);
  }

  /** The authenticate step: a principal (recorded as a SignIn once per interval) or a recorded refusal. */
  async authenticate(headers: IncomingHttpHeaders, client: ClientInfo, operation: string): Promise<Result<Principal, PalisadeError>> {
    const auth = await this.#deps.authenticator.authenticate(headers);
    if (!auth.ok) {
      this.#deps.metrics?.denied(auth.error.code);
      this.#deps.recorder.denied({ operation, principal: undefined, clientIp: client.ip, reason: auth.error.code });
      return auth;
    }
    this.#deps.recorder.signIn(auth.value, client.ip, client.userAgent);
    return auth;
  }

  /** Runs one interaction to its end; the exchange has answered the client when this resolves. */
  async run(n: NewInteraction, exchange: Exchange, opts: RunOptions = {}): Promise<Interaction> {
    const ix = newInteraction(n);
    try {
      await this.#run(ix, exchange, opts);
    } catch (e) {
      // A bug in a step: the record says so; the door's boundary answers with a generic error.
      ix.outcome = 'failure';
      ix.errorCode = 'internal_error';
      this.#deps.logger.error({ reqId: ix.id, err: { name: (e as Error).name, message: (e as Error).message, stack: (e as Error).stack } }, 'interaction failed');
      throw e;
    } finally {
      ix.timings.totalMs = performance.now() - ix.timings.startedAt;
      this.#deps.recorder.interaction(ix);
    }
    return ix;
  }

  #refuse(ix: Interaction, exchange: Exchange, refusal: Refusal, stage: 'request' | 'response', preInspection: boolean): void {
    ix.outcome = refusal.outcome;
    ix.errorCode = refusal.error.code;
    ix.toolDecision = refusal.toolDecision;
    ix.reason = refusal.reason;
    if (refusal.outcome === 'denied' || refusal.outcome === 'blocked') this.#deps.metrics?.denied(refusal.outcome === 'blocked' ? 'policy' : refusal.error.code);
    if (preInspection && refusal.outcome === 'denied') {
      this.#deps.recorder.denied({
        operation: ix.operation,
        principal: ix.principal,
        clientIp: ix.client.ip,
        reason: refusal.reason ?? refusal.error.code,
        resource: ix.target.kind === 'model' ? ix.target.model : ix.target.kind === 'tool' ? `${ix.target.server}/${ix.target.name}` : undefined,
      });
    }
    exchange.refuse(refusal, stage);
  }

  async #run(ix: Interaction, exchange: Exchange, opts: RunOptions): Promise<void> {
    const { inspector } = this.#deps;
    ix.segments = exchange.content.segments.map((s) => ({ source: s.source, size: s.text.length }));
    ix.notInspected = exchange.content.notInspected;

    // authorize: what every door shares (the credential's models), then the door's own checks.
    if (ix.target.kind === 'model' && !matchesAny(ix.principal.allowedModels, ix.target.model)) {
      this.#refuse(ix, exchange, { error: palisadeError('model_not_allowed', `This credential may not use the model "${ix.target.model}".`, { param: 'model' }), outcome: 'denied' }, 'request', true);
      return;
    }
    const own = await exchange.authorize?.(ix);
    if (own !== undefined) {
      this.#refuse(ix, exchange, own, 'request', own.outcome === 'denied');
      return;
    }

    // admit: rate limits and token budgets, for model calls and tool calls alike.
    const admitted = await this.#deps.limiter.admit(ix.principal);
    if (!admitted.ok) {
      this.#refuse(ix, exchange, { error: admitted.error, outcome: 'denied', toolDecision: 'denied', reason: admitted.error.code }, 'request', true);
      return;
    }

    // inspect, decide, enforce (request).
    const riskLevel = this.#deps.riskLevelOf?.(ix.principal);
    const ctx: InspectionContext = {
      principal: ix.principal,
      ...(ix.target.kind === 'model' ? { model: ix.target.model } : {}),
      ...(ix.target.kind === 'tool' ? { mcpServer: ix.target.server, tool: `${ix.target.server}__${ix.target.name}` } : {}),
      ...(ix.app !== undefined ? { app: ix.app } : {}),
      ...(riskLevel !== undefined ? { riskLevel } : {}),
      ...(opts.labelsHeader !== undefined ? { labelsHeader: opts.labelsHeader } : {}),
      ...(ix.overrideJustification !== undefined ? { overrideJustification: ix.overrideJustification } : {}),
    };
    const content = exchange.content;
    const extra = await inspector.shieldFindings(exchange.requestLocation, content, ctx);
    const request = inspector.inspect(exchange.requestLocation, content, ctx, extra);
    ix.request = request;
    const session = new RedactionSession();
    let body = exchange.body;
    if (isBlocking(request.decision)) {
      this.#refuse(ix, exchange, { error: blockError(request.decision), outcome: 'blocked', toolDecision: 'blocked-input', reason: 'policy' }, 'request', false);
      return;
    }
    let redacted = false;
    if (request.decision.outcome === 'redact') {
      const r = inspector.redact(body, content, request, session);
      if (r === undefined) {
        // A redaction that would break the structure of a JSON value cannot be sent: refusing is the safe side.
        const error = palisadeError('content_blocked', 'The request carries data that must be redacted where it cannot be: it was blocked by your organisation’s AI data protection policy.');
        this.#refuse(ix, exchange, { error, outcome: 'blocked', toolDecision: 'blocked-input', reason: 'redaction-broke-structure' }, 'request', false);
        return;
      }
      body = r.body;
      redacted = r.rewritten.length > 0;
    }

    // canary: this request's system prompt carries a fresh token the answer must never repeat.
    let rctx = ctx;
    if (this.#deps.canary !== undefined && exchange.api !== undefined) {
      const canary = createCanary();
      const placed = exchange.api.withCanary(body, canary);
      if (placed !== undefined) {
        body = placed.body;
        rctx = { ...ctx, canary: { canary, systemPrompt: placed.systemPrompt, minFragmentChars: this.#deps.canary.minFragmentChars } };
      }
    }

    // forward.
    const t0 = performance.now();
    const forwarded = await exchange.forward(body, ix);
    ix.timings.upstreamMs = performance.now() - t0;
    if (forwarded.kind !== 'refused' || forwarded.servedBy !== undefined) ix.servedBy = forwarded.servedBy;
    if (forwarded.kind === 'refused') {
      this.#refuse(ix, exchange, forwarded.refusal, 'request', false);
      return;
    }
    if (forwarded.kind === 'json' && forwarded.bytes !== undefined) ix.resultBytes = forwarded.bytes;

    // inspect, decide, enforce (answer).
    if (forwarded.kind === 'stream') {
      await this.#stream(ix, exchange, forwarded, rctx, session, redacted);
      return;
    }
    this.#account(ix, forwarded.usage);
    if (forwarded.rejected === true) {
      ix.outcome = 'failure';
      ix.errorCode = 'upstream_rejected';
      ix.upstreamStatus = forwarded.status;
      exchange.send(forwarded.status, forwarded.body);
      return;
    }
    let answer = forwarded.body;
    const responseContent = exchange.responseLocation !== undefined && exchange.responseContent !== undefined ? exchange.responseContent(answer) : undefined;
    if (responseContent !== undefined && exchange.responseLocation !== undefined) {
      const rextra = await inspector.shieldFindings(exchange.responseLocation, responseContent, rctx);
      const response = inspector.inspect(exchange.responseLocation, responseContent, rctx, rextra);
      ix.response = response;
      this.#capture(ix, content, responseContent);
      if (isBlocking(response.decision)) {
        this.#refuse(ix, exchange, { error: blockError({ ...response.decision, outcome: 'block' }), outcome: 'blocked', toolDecision: 'blocked-output', reason: 'policy' }, 'response', false);
        return;
      }
      if (response.decision.outcome === 'redact') {
        const r = inspector.redact(answer, responseContent, response, session);
        if (r === undefined) {
          const error = palisadeError('content_blocked', 'The answer carries data that must be redacted where it cannot be: it was blocked by your organisation’s AI data protection policy.');
          this.#refuse(ix, exchange, { error, outcome: 'blocked', toolDecision: 'blocked-output', reason: 'redaction-broke-structure' }, 'response', false);
          return;
        }
        answer = exchange.api !== undefined ? exchange.api.dropDerived(r.body, r.rewritten) : r.body;
        redacted ||= r.rewritten.length > 0;
      }
      // Placeholders of tokenized prompt values that the model echoed go back to the caller as they were.
      if (session.hasTokens && exchange.responseContent !== undefined) answer = inspector.restore(answer, exchange.responseContent(answer), session);
    } else {
      this.#capture(ix, content, undefined);
    }
    ix.outcome = redacted ? 'redacted' : 'success';
    ix.toolDecision = redacted ? 'redacted' : 'allowed';
    exchange.send(forwarded.status, answer);
  }

  async #stream(
    ix: Interaction,
    exchange: Exchange,
    forwarded: Extract<Forwarded, { kind: 'stream' }>,
    rctx: InspectionContext,
    session: RedactionSession,
    redacted: boolean,
  ): Promise<void> {
    if (exchange.api === undefined || exchange.sendStream === undefined) throw new Error('a stream was forwarded for a door that cannot stream');
    const guarded = this.#deps.inspector.streamGuard(exchange.api, rctx, session);
    const streamed = await exchange.sendStream(forwarded.status, forwarded.events, guarded?.guard);
    this.#account(ix, forwarded.usage());
    if (guarded !== undefined) {
      const response: Inspection = {
        location: 'response',
        decision: guarded.decision(),
        findings: guarded.findings(),
        labels: [],
        ms: 0,
        redactions: new Map(),
      };
      ix.response = response;
      if (ix.request?.decision.capture === true || response.decision.capture) {
        ix.captured = { prompt: promptText(exchange.content), response: guarded.guard.text() };
      }
    } else {
      this.#capture(ix, exchange.content, undefined);
    }
    if (streamed === 'blocked') {
      ix.outcome = 'blocked';
      ix.errorCode = 'content_blocked';
      this.#deps.metrics?.denied('policy');
    } else if (streamed === 'failed') {
      ix.outcome = 'failure';
      ix.errorCode = 'upstream_error';
    } else {
      ix.outcome = redacted || guarded?.decision().outcome === 'redact' ? 'redacted' : 'success';
    }
  }

  /** Keeps the original text when a policy asked to capture it. */
  #capture(ix: Interaction, request: Content, response: Content | undefined): void {
    if (ix.request?.decision.capture !== true && ix.response?.decision.capture !== true) return;
    ix.captured = { prompt: promptText(request), response: response === undefined ? '' : response.segments.map((s) => s.text).join('\n') };
  }

  #account(ix: Interaction, usage: Usage | undefined): void {
    if (usage === undefined) return;
    ix.usage = usage;
    if (ix.target.kind === 'model') this.#deps.metrics?.tokens(ix.target.model, usage.inputTokens, usage.outputTokens);
    this.#deps.limiter.recordTokens(ix.principal, usage.inputTokens + usage.outputTokens).catch((e: unknown) => {
      this.#deps.logger.warn({ err: { message: (e as Error).message } }, 'could not record token usage');
    });
  }
}

function promptText(content: Content): string {
  return content.segments.map((s) => `[${s.source}] ${s.text}`).join('\n');
}
