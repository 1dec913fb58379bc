// The pipeline's promise: every admitted interaction leaves exactly one record, whatever step fails.
// A bug is thrown inside each step in turn; the record says failure/internal_error and nothing else is lost.
import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../audit/index.ts';
import { createValueHasher, inspectionConfig, policyConfig, SYSTEM_CLOCK, type Detector, type Principal } from '../core/index.ts';
import { createDetectionEngine, createLabelDetector } from '../detect/index.ts';
import { Collector, type Obj } from './content.ts';
import { Inspector } from './inspect/inspector.ts';
import type { Exchange, RequestLimiter } from './pipeline.ts';
import { Pipeline } from './pipeline.ts';
import { Recorder } from './record.ts';

type Step = 'authorize' | 'admit' | 'inspect' | 'forward' | 'inspect-answer' | 'answer' | 'none';

const PRINCIPAL: Principal = { id: 'key:t', kind: 'user', name: 't', authMethod: 'api-key', roles: [], groups: [] };

/** Throws when the text it scans asks it to. */
const faulty: Detector = {
  id: 'faulty',
  types: ['FAULT'],
  categories: { FAULT: ['test'] },
  scan(text) {
    if (text.includes('THROW')) throw new Error('detector bug');
    return [];
  },
};

function setup(step: Step): { pipeline: Pipeline; events: AuditEventInput[]; exchange: Exchange } {
  const events: AuditEventInput[] = [];
  const inspector = new Inspector({
    engine: createDetectionEngine({ exclusive: [], additional: [faulty] }),
    labels: createLabelDetector([]),
    policies: () => [policyConfig.parse({ name: 'p', locations: ['prompt', 'response'], rules: [{ name: 'r', conditions: [{ sit: { types: ['FAULT'] } }], actions: ['block'] }] })],
    catalog: { categoriesOf: () => [], labelRank: () => undefined, predicates: {} },
    hashValue: createValueHasher(Buffer.alloc(32, 1)),
    config: inspectionConfig.parse({}),
  });
  const limiter: RequestLimiter = {
    admit: () => (step === 'admit' ? Promise.reject(new Error('limiter bug')) : Promise.resolve({ ok: true, value: undefined })),
    recordTokens: () => Promise.resolve(),
  };
  const logger = { warn: () => undefined, error: () => undefined };
  const pipeline = new Pipeline({
    authenticator: { authenticate: () => Promise.resolve({ ok: true, value: PRINCIPAL }) },
    inspector,
    limiter,
    recorder: new Recorder({ audit: { record: (e) => events.push(e) }, clock: SYSTEM_CLOCK, logger }),
    clock: SYSTEM_CLOCK,
    logger,
  });
  const c = new Collector();
  c.text(step === 'inspect' ? 'THROW' : 'hello', 'user', ['text']);
  const exchange: Exchange = {
    requestLocation: 'prompt',
    responseLocation: 'response',
    body: { text: 'hello' },
    content: c.done(),
    authorize: () => {
      if (step === 'authorize') throw new Error('authorize bug');
      return undefined;
    },
    forward: () => (step === 'forward' ? Promise.reject(new Error('backend client bug')) : Promise.resolve({ kind: 'json', status: 200, body: { text: step === 'inspect-answer' ? 'THROW' : 'fine' } })),
    responseContent: (body: Obj) => {
      const r = new Collector();
      r.text(body['text'], 'model-output', ['text']);
      return r.done();
    },
    refuse: () => undefined,
    send: () => {
      if (step === 'answer') throw new Error('socket bug');
    },
  };
  return { pipeline, events, exchange };
}

const run = (p: Pipeline, x: Exchange) =>
  p.run({ id: 'req_1', time: 1, ingress: 'openai', operation: 'openai.chat', principal: PRINCIPAL, client: { ip: '127.0.0.1' }, target: { kind: 'model', model: 'm' } }, x);

describe('exactly one record per admitted interaction', () => {
  it('records a success once', async () => {
    const { pipeline, events, exchange } = setup('none');
    await run(pipeline, exchange);
    expect(events.filter((e) => e.recordType === 'AIInteraction')).toEqual([expect.objectContaining({ id: 'req_1', outcome: 'success' })]);
  });

  for (const step of ['authorize', 'admit', 'inspect', 'forward', 'inspect-answer', 'answer'] as const) {
    it(`a bug in the ${step} step still leaves one record, saying so`, async () => {
      const { pipeline, events, exchange } = setup(step);
      await expect(run(pipeline, exchange)).rejects.toThrow(/bug/);
      const records = events.filter((e) => e.recordType === 'AIInteraction');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ id: 'req_1', outcome: 'failure', errorCode: 'internal_error' });
    });
  }

  it('a failing audit sink never breaks the interaction', async () => {
    const { exchange } = setup('none');
    const logged: string[] = [];
    const pipeline = new Pipeline({
      authenticator: { authenticate: () => Promise.resolve({ ok: true, value: PRINCIPAL }) },
      inspector: new Inspector({
        engine: createDetectionEngine({ exclusive: [], additional: [] }),
        labels: createLabelDetector([]),
        policies: () => [],
        catalog: { categoriesOf: () => [], labelRank: () => undefined, predicates: {} },
        hashValue: createValueHasher(Buffer.alloc(32, 1)),
        config: inspectionConfig.parse({}),
      }),
      limiter: { admit: () => Promise.resolve({ ok: true, value: undefined }), recordTokens: () => Promise.resolve() },
      recorder: new Recorder({
        audit: {
          record: () => {
            throw new Error('disk full');
          },
        },
        clock: SYSTEM_CLOCK,
        logger: { warn: () => undefined, error: (_o, m) => logged.push(m ?? '') },
      }),
      clock: SYSTEM_CLOCK,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const ix = await run(pipeline, exchange);
    expect(ix.outcome).toBe('success');
    expect(logged).toContain('audit record failed');
  });
});
