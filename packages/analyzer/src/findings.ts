import { createHash } from 'node:crypto';

/** Version of the JSON report shape of `telltale check --format json`. */
export const CHECK_REPORT_VERSION = 1;

export type Verdict = 'instrumented' | 'not-instrumented' | 'unresolved';
export type ContextPart = 'feature' | 'user';

/** One model call site, as the inventory lists it. */
export interface CallSite {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** 1-based line and column of the call, and of its end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  provider: string;
  package: string;
  method: string;
  operation: string;
  /**
   * Host and path of a model call sent over raw HTTP, such as `api.openai.com/v1/chat/completions`,
   * with each part only known at run time written as `*`.
   */
  endpoint?: string | undefined;
  /** Callee as written, such as `openai.chat.completions.create`. */
  callee: string;
  /** Function, method or class the call sits in; `<module>` at the top level. */
  enclosingSymbol: string;
  /** Requested model, when it is a literal or a constant. */
  model?: string | undefined;
  /** Feature, when it is set statically. */
  feature?: string | undefined;
  verdict: Verdict;
  /** Reason for the verdict, in plain words. */
  reason: string;
  /** Context parts that no path into the call sets. */
  missingContext: ContextPart[];
  /**
   * Call path that decided the verdict when callers did: the path from an
   * entry point, outermost first, such as `src/routes/email.ts:handle → src/ai/draft.ts:draft`.
   */
  via?: string[] | undefined;
}

export type RuleId = 'not-instrumented' | 'missing-context' | 'context-never-established' | 'unresolved-call';

/** A call site that breaks a rule. */
export interface Finding {
  ruleId: RuleId;
  severity: 'error' | 'warning';
  message: string;
  site: CallSite;
  /** Identity that survives lines moving: rule, file, enclosing symbol and callee. */
  fingerprint: string;
  /** Whether the baseline already lists this finding. */
  baselined: boolean;
}

export interface RuleDescription {
  id: RuleId;
  name: string;
  short: string;
  help: string;
}

/** The rules `telltale check` reports, with the help text reporters and SARIF carry. */
export const CHECK_RULES: Record<RuleId, RuleDescription> = {
  'not-instrumented': {
    id: 'not-instrumented',
    name: 'NotInstrumented',
    short: 'Model call without telemetry',
    help: 'Every model call must record its prompt, response, cost and latency, and user context. Call the SDK through a client from `recorder.instrument(client)`, wrap the call in `recorder.record(meta, fn)`, or use a configured wrapper or accepted convention.',
  },
  'missing-context': {
    id: 'missing-context',
    name: 'MissingContext',
    short: 'Model call without feature or user context',
    help: 'Telemetry without the feature and the user cannot answer which feature costs what or which users have a bad experience. Set them with `recorder.withContext({ feature, user }, fn)` around the call or in the meta of `record()`.',
  },
  'context-never-established': {
    id: 'context-never-established',
    name: 'ContextNeverEstablished',
    short: 'No path into the call sets feature and user',
    help: 'The call is instrumented, but no caller on any path sets the feature and user context, so every event is recorded as unattributed. Set the context at the entry point, for example in the request handler.',
  },
  'unresolved-call': {
    id: 'unresolved-call',
    name: 'UnresolvedCall',
    short: 'Possible model call whose types cannot be resolved',
    help: 'The call looks like a model call, but its types do not resolve (an `any`, or a package without types), so Telltale cannot tell whether it is instrumented. Install the SDK types or give the client a type.',
  },
};

/** Returns the fingerprint of a finding: stable when code moves, different when the call changes. */
export function fingerprintOf(ruleId: RuleId, site: Pick<CallSite, 'file' | 'enclosingSymbol' | 'callee'>): string {
  return createHash('sha256')
    .update(`${ruleId}\u0000${site.file}\u0000${site.enclosingSymbol}\u0000${site.callee}`)
    .digest('hex')
    .slice(0, 16);
}

/** Builds the findings of one call site; instrumented calls with full context have none. */
export function findingsOf(site: CallSite): Finding[] {
  const make = (ruleId: RuleId, severity: Finding['severity'], message: string): Finding => ({
    ruleId,
    severity,
    message,
    site,
    fingerprint: fingerprintOf(ruleId, site),
    baselined: false,
  });
  const kind = site.endpoint === undefined ? `${site.package}, ${site.operation}` : `POST ${site.endpoint}`;

  if (site.verdict === 'unresolved') {
    return [
      make(
        'unresolved-call',
        'warning',
        `\`${site.callee}\` may be a model call (${kind}), but its types do not resolve; install the SDK types so Telltale can check it`,
      ),
    ];
  }
  if (site.verdict === 'not-instrumented' && site.via) {
    return [
      make(
        'not-instrumented',
        'error',
        `\`${site.callee}\` (${kind}) is not instrumented on the path ${site.via.join(' → ')}; other callers record it, so wrap this path in recorder.record() too`,
      ),
    ];
  }
  if (site.verdict === 'not-instrumented') {
    let fix = 'use a client from recorder.instrument() or wrap the call in recorder.record()';
    if (site.package === 'ai') {
      fix =
        "use the recorder's AI SDK functions, or pass experimental_telemetry with a functionId and a userId in metadata";
    } else if (site.endpoint !== undefined) {
      fix = 'wrap the request in recorder.record(), or call the provider through a client from recorder.instrument()';
    }
    return [
      make('not-instrumented', 'error', `\`${site.callee}\` (${kind}) is not instrumented: ${site.reason}; ${fix}`),
    ];
  }
  if (site.missingContext.length === 0) return [];

  const parts = site.missingContext.join(' and ');
  if (site.via && site.via.length > 0) {
    return [
      make(
        'context-never-established',
        'error',
        `no path into \`${site.callee}\` sets ${parts}: ${site.via.join(' → ')}; set them with recorder.withContext() at the entry point`,
      ),
    ];
  }
  return [
    make(
      'missing-context',
      'error',
      `\`${site.callee}\` (${kind}) is recorded without ${parts}; set ${parts} with recorder.withContext() or in the record() meta`,
    ),
  ];
}
