// The one boundary where failures become HTTP answers: known PalisadeErrors through the core table, Fastify's
// own errors mapped to our codes, and anything else a generic 500 — never a stack trace or internal message.
import type { FastifyReply } from 'fastify';
import { errorBody, httpStatusOf, palisadeError, type ErrorCode, type PalisadeError, type WireDialect } from '../core/index.ts';

export function sendError(reply: FastifyReply, error: PalisadeError, dialect: WireDialect): FastifyReply {
  if (error.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply.code(httpStatusOf(error.code)).type('application/json; charset=utf-8').send(errorBody(error, dialect));
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: (e: { message: string }) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: () => 'Request body is larger than the configured limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: () => 'Unsupported Content-Type: send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: () => 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: () => 'Request body is empty; expected a JSON object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: () => 'Request body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: () => 'Malformed request URL.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request', message: () => 'Malformed request.' },
};

/** Maps an error thrown inside Fastify's request lifecycle to a PalisadeError; `undefined` means a bug. */
export function fromFastifyError(e: unknown): PalisadeError | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  const carried = (e as { palisade?: PalisadeError }).palisade;
  if (carried !== undefined) return carried;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    const known = FASTIFY_CODES[code];
    if (known) return palisadeError(known.code, known.message(e as { message: string }));
  }
  const status = (e as { statusCode?: unknown }).statusCode;
  if (status === 413) return palisadeError('body_too_large', 'Request body is larger than the configured limit.');
  if (status === 415) return palisadeError('unsupported_media_type', 'Unsupported Content-Type: send application/json.');
  if (e instanceof SyntaxError) return palisadeError('invalid_json', 'Request body is not valid JSON.');
  return undefined;
}

/** An Error that carries a PalisadeError through code that can only throw (content-type parsers). */
export class CarriedError extends Error {
  readonly palisade: PalisadeError;
  constructor(error: PalisadeError) {
    super(error.message);
    this.palisade = error;
  }
}
