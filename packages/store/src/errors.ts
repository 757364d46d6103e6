/** A store that cannot be reached, is behind on migrations, or was named by an invalid URL. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** Returns the URL with its password replaced by `***`, or the input when it does not parse. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.href;
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** Wraps a driver error so the message names the store and what to check. */
export function connectionError(displayUrl: string, error: unknown, server: string): StoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(
    `cannot connect to ${server} at ${displayUrl}: ${reason}. Check that the server is running and reachable, and that the URL (--store or TELLTALE_STORE_URL) names the right host, port, database and credentials.`,
    { cause: error },
  );
}
