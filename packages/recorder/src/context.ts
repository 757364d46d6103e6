import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';

import {
  UNATTRIBUTED_FEATURE,
  type Context,
  type ContextPart,
  type FeatureCatalog,
  type FeatureContext,
} from '@telltale/schema';

/**
 * The user context of a model call as the app gives it: which feature, for whom, in which
 * session and release, and the feature's state. The feature and its state are checked as one
 * pair against the app's feature catalog.
 */
export type CallContext<Features extends FeatureCatalog> = Partial<FeatureContext<Features>> & {
  user?: string;
  session?: string;
  release?: string;
  environment?: string;
};

/** Options that decide how the recorder turns a {@link CallContext} into the event's context. */
export interface ContextOptions {
  /** Release recorded when the context gives none, such as a commit SHA. */
  release?: string;
  /** Environment recorded when the context gives none, such as `production`. */
  environment?: string;
  /**
   * Key of the HMAC-SHA256 that replaces user ids. When set, events carry the keyed hash and
   * `pseudonymized: true` instead of the app's user id.
   */
  pseudonymizationKey?: string | Buffer;
}

/** Parts of the context whose absence the recorder reports in `context.missing`. */
const REPORTED_PARTS: readonly ContextPart[] = ['feature', 'user', 'session'];

/** Context propagation across async calls for one recorder. */
export class ContextStore<Features extends FeatureCatalog> {
  readonly #storage = new AsyncLocalStorage<CallContext<Features>>();

  constructor(private readonly options: ContextOptions) {}

  /** Runs `fn` with `context` merged over the context already active. */
  run<T>(context: CallContext<Features>, fn: () => T): T {
    const merged = { ...this.#storage.getStore(), ...context } as CallContext<Features>;
    return this.#storage.run(merged, fn);
  }

  current(): CallContext<Features> | undefined {
    return this.#storage.getStore();
  }

  /**
   * Returns the context given for one call: the active context with the call's overrides
   * merged over it. {@link resolve} turns it into the event's context later.
   */
  capture(overrides?: CallContext<Features>): CallContext<Features> {
    const active = this.#storage.getStore();
    if (!overrides) return active ?? {};
    return { ...active, ...overrides };
  }

  /** Resolves the event context from a context that {@link capture} returned. */
  resolve(given: CallContext<Features>): Context {
    const missing: ContextPart[] = [];

    const context: Context = { feature: given.feature ?? UNATTRIBUTED_FEATURE };
    if (given.user !== undefined && given.user !== '') {
      context.user = this.userRef(given.user);
    }
    if (given.session !== undefined && given.session !== '') context.session = given.session;

    const release = given.release ?? this.options.release;
    if (release !== undefined && release !== '') context.release = release;
    const environment = given.environment ?? this.options.environment;
    if (environment !== undefined && environment !== '') context.environment = environment;
    if (given.state !== undefined) context.state = given.state;

    for (const part of REPORTED_PARTS) {
      if (isMissing(context, part)) missing.push(part);
    }
    if (missing.length > 0) context.missing = missing;

    return context;
  }

  private userRef(user: string): NonNullable<Context['user']> {
    const key = this.options.pseudonymizationKey;
    if (key === undefined) return { id: user, pseudonymized: false };

    return { id: pseudonymize(user, key), pseudonymized: true };
  }
}

/** Returns the keyed HMAC-SHA256 of a user id, hex-encoded, so ids can be joined but not read. */
export function pseudonymize(userId: string, key: string | Buffer): string {
  return createHmac('sha256', key).update(userId).digest('hex');
}

function isMissing(context: Context, part: ContextPart): boolean {
  if (part === 'feature') return context.feature === UNATTRIBUTED_FEATURE;
  if (part === 'user') return context.user === undefined;
  return context[part] === undefined;
}
