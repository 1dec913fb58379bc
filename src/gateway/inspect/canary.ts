// Per-request canaries (palisade.yaml `injection.canary`): a random token is added to the request's system
// prompt; the token, or a long verbatim run of the system prompt, in the model's output is a PROMPT_LEAK.
import { createCanary, insertCanary, type Canary } from '../../detect/injection/index.ts';
import type { ClientApi } from '../upstreams/index.ts';

type Body = Record<string, unknown>;

/** Returns the body with the canary in its system prompt, and that system prompt's text. */
export function withCanary(api: ClientApi, body: Body): { body: Body; canary: Canary; systemPrompt: string } | undefined {
  const canary = createCanary();
  switch (api) {
    case 'openai.chat': {
      const messages = Array.isArray(body['messages']) ? [...(body['messages'] as unknown[])] : [];
      const first = messages[0] as Record<string, unknown> | undefined;
      if (first !== undefined && (first['role'] === 'system' || first['role'] === 'developer') && typeof first['content'] === 'string') {
        const systemPrompt = insertCanary(first['content'], canary);
        messages[0] = { ...first, content: systemPrompt };
        return { body: { ...body, messages }, canary, systemPrompt };
      }
      const systemPrompt = insertCanary('', canary);
      return { body: { ...body, messages: [{ role: 'system', content: systemPrompt }, ...messages] }, canary, systemPrompt };
    }
    case 'anthropic.messages': {
      const system = body['system'];
      if (Array.isArray(system)) {
        const systemPrompt = insertCanary('', canary);
        const text = system.map((b) => (typeof (b as Record<string, unknown>)['text'] === 'string' ? String((b as Record<string, unknown>)['text']) : '')).join('\n');
        return { body: { ...body, system: [...(system as unknown[]), { type: 'text', text: systemPrompt }] }, canary, systemPrompt: `${text}\n\n${systemPrompt}` };
      }
      const systemPrompt = insertCanary(typeof system === 'string' ? system : '', canary);
      return { body: { ...body, system: systemPrompt }, canary, systemPrompt };
    }
    case 'openai.responses': {
      const instructions = body['instructions'];
      const systemPrompt = insertCanary(typeof instructions === 'string' ? instructions : '', canary);
      return { body: { ...body, instructions: systemPrompt }, canary, systemPrompt };
    }
    case 'openai.embeddings':
      return undefined;
  }
}
