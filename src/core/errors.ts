// One table maps every internal error code to its HTTP status and its OpenAI / Anthropic wire shape
// (tRPC's codes + getHTTPStatusCode is the model). Nothing else decides a status code.

export const ERROR_CODES = {
  invalid_request: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  invalid_json: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  invalid_encoding: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  unsupported_operation: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  unauthenticated: { status: 401, openai: 'authentication_error', anthropic: 'authentication_error' },
  invalid_api_key: { status: 401, openai: 'authentication_error', anthropic: 'authentication_error' },
  invalid_token: { status: 401, openai: 'authentication_error', anthropic: 'authentication_error' },
  forbidden: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  ip_denied: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  model_not_allowed: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  content_blocked: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  content_blocked_overridable: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  tool_quarantined: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  approval_denied: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  approval_expired: { status: 403, openai: 'permission_error', anthropic: 'permission_error' },
  not_found: { status: 404, openai: 'invalid_request_error', anthropic: 'not_found_error' },
  model_not_found: { status: 404, openai: 'invalid_request_error', anthropic: 'not_found_error' },
  method_not_allowed: { status: 405, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  body_too_large: { status: 413, openai: 'invalid_request_error', anthropic: 'request_too_large' },
  unsupported_media_type: { status: 415, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  headers_too_large: { status: 431, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  rate_limited: { status: 429, openai: 'rate_limit_error', anthropic: 'rate_limit_error' },
  budget_exceeded: { status: 429, openai: 'insufficient_quota', anthropic: 'rate_limit_error' },
  internal_error: { status: 500, openai: 'server_error', anthropic: 'api_error' },
  upstream_error: { status: 502, openai: 'server_error', anthropic: 'api_error' },
  /** The backend refused the request itself (its own 4xx, passed through to the client as it came). */
  upstream_rejected: { status: 400, openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  upstream_unavailable: { status: 503, openai: 'server_error', anthropic: 'overloaded_error' },
  upstream_timeout: { status: 504, openai: 'server_error', anthropic: 'api_error' },
  not_ready: { status: 503, openai: 'server_error', anthropic: 'api_error' },
} as const satisfies Record<string, { status: number; openai: string; anthropic: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure that reaches a client. `message` must never contain secrets or prompt text. */
export interface PalisadeError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter?: number;
  /** The offending request field, when there is one (OpenAI's `param`). */
  readonly param?: string;
}

export function palisadeError(
  code: ErrorCode,
  message: string,
  extra: { retryAfter?: number; param?: string } = {},
): PalisadeError {
  return { code, message, ...extra };
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

export type WireDialect = 'openai' | 'anthropic';

/** The JSON body a client receives for an error, in its API's own shape. */
export function errorBody(error: PalisadeError, dialect: WireDialect): Record<string, unknown> {
  const entry = ERROR_CODES[error.code];
  if (dialect === 'anthropic') {
    return { type: 'error', error: { type: entry.anthropic, message: error.message } };
  }
  return {
    error: {
      message: error.message,
      type: entry.openai,
      code: error.code,
      param: error.param ?? null,
    },
  };
}

/** Thrown only for bugs and impossible states; the server boundary turns it into a 500. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
