import { type ErrorPayload, fail, isErrorCode, ok, type Result } from '@erp/shared/errors';
import type { z } from 'zod';
import { t } from '../i18n/es-CL.ts';

export interface ApiRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST';
  body?: unknown;
  token?: string;
  /** Schema of a successful JSON answer; its output is the result's data. */
  schema?: S;
  /** Base URL; the page's origin when absent. */
  baseUrl?: string;
}

function errorFrom(value: unknown): ErrorPayload | null {
  if (typeof value !== 'object' || value === null) return null;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (!isErrorCode(code)) return null;
  return { code, message: typeof message === 'string' && message ? message : fail(code).error.message };
}

async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function failureOf(response: Response, json: unknown): { ok: false; error: ErrorPayload } {
  const error = errorFrom(json);
  if (error) return { ok: false, error };
  // A proxy answering for a server that is down (502/503/504), or a non-JSON error page.
  return response.status >= 500 ? fail('OFFLINE') : fail('INTERNAL');
}

/** The `Result` of an answer that is not ok: the server's error, or OFFLINE/INTERNAL. */
export async function apiFailure(response: Response): Promise<{ ok: false; error: ErrorPayload }> {
  return failureOf(response, await jsonOf(response));
}

/**
 * Calls the HTTP API and always resolves to a `Result`: network failures and a server that is
 * down become OFFLINE, error answers carry the server's code and Spanish message, and a body
 * that does not match `schema` becomes INTERNAL (version skew between client and server).
 */
export async function apiRequest<S extends z.ZodType = z.ZodVoid>(
  path: string,
  request: ApiRequest<S> = {},
): Promise<Result<z.output<S>>> {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let response: Response;
  try {
    response = await fetch(`${request.baseUrl ?? ''}${path}`, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  } catch {
    return fail('OFFLINE');
  }
  const json = await jsonOf(response);
  if (!response.ok) return failureOf(response, json);
  if (!request.schema) return ok(undefined as z.output<S>);
  const parsed = request.schema.safeParse(json);
  return parsed.success ? ok(parsed.data) : fail('INTERNAL', t.connection.unexpectedAnswer);
}

/**
 * Downloads a file the API serves (a document's PDF or XML) with the bearer token, which a
 * plain link cannot carry; errors become `Result`s as in `apiRequest`.
 */
export async function apiBlob(
  path: string,
  request: Pick<ApiRequest<z.ZodVoid>, 'token' | 'baseUrl'> = {},
): Promise<Result<Blob>> {
  let response: Response;
  try {
    response = await fetch(`${request.baseUrl ?? ''}${path}`, {
      headers: request.token ? { authorization: `Bearer ${request.token}` } : {},
    });
  } catch {
    return fail('OFFLINE');
  }
  if (!response.ok) return failureOf(response, await jsonOf(response));
  try {
    return ok(await response.blob());
  } catch {
    return fail('OFFLINE');
  }
}
