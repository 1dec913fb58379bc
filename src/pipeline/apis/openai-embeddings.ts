// OpenAI Embeddings: the input (a string, a list of strings; token arrays are not text) and `user`.
// Answers are vectors: nothing to inspect, and nothing streams.
import { z } from 'zod';
import { Collector, EMPTY_CONTENT, type Content, type Obj } from '../content.ts';
import { isSummaryTextKey, parseWire } from './shared.ts';
import type { ApiAdapter } from './types.ts';

const schema = z.looseObject({
  input: z.union([z.string(), z.array(z.unknown()).min(1)], { error: '"input" must be a string or a non-empty array.' }),
});

function request(body: Obj): Content {
  const c = new Collector();
  const input = body['input'];
  if (typeof input === 'string') c.text(input, 'user', ['input']);
  else if (Array.isArray(input)) {
    if (input.every((v) => typeof v === 'number')) c.notInspected++;
    else input.forEach((v, i) => c.text(v, 'user', ['input', i]));
  }
  c.optionalText(body['user'], 'user', ['user']);
  return c.done();
}

export const openaiEmbeddings: ApiAdapter = {
  api: 'openai.embeddings',
  dialect: 'openai',
  streams: false,
  parse: (body, opts) => parseWire(schema, body, opts, false),
  request,
  response: () => EMPTY_CONTENT,
  dropDerived: (body) => body,
  streamTexts: () => [],
  summaryText: isSummaryTextKey,
  withCanary: () => undefined,
};
