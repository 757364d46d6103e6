import type { Outcome } from '@telltale/schema';

/** Fields of the outcome that describe a failed call. */
export type ErrorOutcome = Pick<Outcome, 'error_type' | 'error_message' | 'http_status' | 'retryable'> & {
  cancelled: boolean;
};

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/**
 * Describes an error thrown by a model call: its class or provider code, HTTP status, and
 * whether a retry may succeed. Works for the openai and Anthropic SDK errors, whose classes
 * carry `status`, for the AI SDK's APICallError, and for any other thrown value.
 */
export function describeError(error: unknown): ErrorOutcome {
  if (!(error instanceof Error)) {
    return { error_type: typeof error, error_message: String(error), retryable: false, cancelled: false };
  }

  // The openai and Anthropic SDKs name the HTTP status `status`, the AI SDK's APICallError `statusCode`.
  const status = numberField(error, 'status') ?? numberField(error, 'statusCode');
  const reportedRetryable = (error as unknown as Record<string, unknown>).isRetryable;
  const name = error.constructor.name !== 'Error' ? error.constructor.name : error.name;
  const cancelled = name === 'APIUserAbortError' || error.name === 'AbortError';
  const outcome: ErrorOutcome = {
    error_type: name || 'Error',
    error_message: error.message,
    retryable: typeof reportedRetryable === 'boolean' ? reportedRetryable : isRetryable(name, status),
    cancelled,
  };
  if (status !== undefined && status >= 100 && status <= 599) outcome.http_status = status;

  return outcome;
}

function isRetryable(name: string, status: number | undefined): boolean {
  if (status !== undefined) return RETRYABLE_STATUS.has(status) || status >= 500;
  return name === 'APIConnectionError' || name === 'APIConnectionTimeoutError';
}

function numberField(error: Error, field: string): number | undefined {
  const value = (error as unknown as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : undefined;
}
