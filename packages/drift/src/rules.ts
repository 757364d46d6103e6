/** How much a change matters to readers of telemetry. */
export type Severity = 'breaking' | 'warning' | 'info';

/**
 * Compatibility to enforce, as schema registries name it:
 * - backward: new consumers (dashboards, rollups, digests) read events recorded before the change;
 * - forward: consumers built before the change read events recorded after it;
 * - full: both.
 */
export type CompatibilityMode = 'backward' | 'forward' | 'full';

/** Strictness of the severities: strict turns warnings into breaking changes, lenient the reverse. */
export type Preset = 'strict' | 'default' | 'lenient';

export interface Rule {
  id: RuleId;
  description: string;
  /** Severity when new consumers read old events. */
  backward: Severity;
  /** Severity when old consumers read new events. */
  forward: Severity;
}

export type RuleId =
  | 'core-major-changed'
  | 'core-minor-changed'
  | 'feature-removed'
  | 'feature-added'
  | 'feature-renamed'
  | 'feature-deprecated'
  | 'required-field-removed'
  | 'optional-field-removed'
  | 'field-renamed'
  | 'required-field-added'
  | 'optional-field-added'
  | 'field-made-required'
  | 'field-made-optional'
  | 'field-type-changed'
  | 'field-type-widened'
  | 'field-type-narrowed'
  | 'enum-value-removed'
  | 'enum-value-added';

/** The rule catalogue. Ids are stable: they appear in fingerprints, allowlists and reports. */
export const RULES: Record<RuleId, Rule> = {
  'core-major-changed': {
    id: 'core-major-changed',
    description: 'The major version of the core event schema changed; stores must migrate.',
    backward: 'breaking',
    forward: 'breaking',
  },
  'core-minor-changed': {
    id: 'core-minor-changed',
    description: 'The core event schema gained optional fields.',
    backward: 'info',
    forward: 'info',
  },
  'feature-removed': {
    id: 'feature-removed',
    description: 'A feature left the catalog; its recorded history no longer matches a feature.',
    backward: 'breaking',
    forward: 'info',
  },
  'feature-added': {
    id: 'feature-added',
    description: 'A feature joined the catalog; existing dashboards do not show it yet.',
    backward: 'info',
    forward: 'warning',
  },
  'feature-renamed': {
    id: 'feature-renamed',
    description: 'A feature was renamed (declared with @renamedFrom); rollups must map the old name.',
    backward: 'warning',
    forward: 'warning',
  },
  'feature-deprecated': {
    id: 'feature-deprecated',
    description: 'A feature was marked @deprecated.',
    backward: 'info',
    forward: 'info',
  },
  'required-field-removed': {
    id: 'required-field-removed',
    description: 'A required state field was removed; consumers that group or filter by it break.',
    backward: 'warning',
    forward: 'breaking',
  },
  'optional-field-removed': {
    id: 'optional-field-removed',
    description: 'An optional state field was removed.',
    backward: 'info',
    forward: 'warning',
  },
  'field-renamed': {
    id: 'field-renamed',
    description: 'A state field was renamed (declared with @renamedFrom); rollups must map the old name.',
    backward: 'warning',
    forward: 'warning',
  },
  'required-field-added': {
    id: 'required-field-added',
    description: 'A required state field was added; events recorded before it lack the field.',
    backward: 'breaking',
    forward: 'info',
  },
  'optional-field-added': {
    id: 'optional-field-added',
    description: 'An optional state field was added.',
    backward: 'info',
    forward: 'info',
  },
  'field-made-required': {
    id: 'field-made-required',
    description: 'An optional state field became required; older events may lack it.',
    backward: 'breaking',
    forward: 'info',
  },
  'field-made-optional': {
    id: 'field-made-optional',
    description: 'A required state field became optional; consumers that rely on it break on new events.',
    backward: 'info',
    forward: 'breaking',
  },
  'field-type-changed': {
    id: 'field-type-changed',
    description: 'A state field changed to an unrelated type.',
    backward: 'breaking',
    forward: 'breaking',
  },
  'field-type-widened': {
    id: 'field-type-widened',
    description: 'A state field accepts more types than before; old consumers meet values they do not expect.',
    backward: 'info',
    forward: 'breaking',
  },
  'field-type-narrowed': {
    id: 'field-type-narrowed',
    description: 'A state field accepts fewer types than before; older events may not fit.',
    backward: 'breaking',
    forward: 'info',
  },
  'enum-value-removed': {
    id: 'enum-value-removed',
    description: 'A value left a state field’s set of allowed values; older events may carry it.',
    backward: 'breaking',
    forward: 'info',
  },
  'enum-value-added': {
    id: 'enum-value-added',
    description: 'A state field gained an allowed value; old dashboards do not chart it yet.',
    backward: 'info',
    forward: 'warning',
  },
};

const RANK: Record<Severity, number> = { info: 0, warning: 1, breaking: 2 };

/** Returns the severity of a rule under a compatibility mode and preset. */
export function severityOf(ruleId: RuleId, mode: CompatibilityMode, preset: Preset): Severity {
  const rule = RULES[ruleId];
  const base =
    mode === 'backward'
      ? rule.backward
      : mode === 'forward'
        ? rule.forward
        : RANK[rule.backward] >= RANK[rule.forward]
          ? rule.backward
          : rule.forward;

  if (preset === 'strict' && base === 'warning') return 'breaking';
  if (preset === 'lenient' && base === 'breaking' && !LENIENT_STILL_BREAKING.has(ruleId)) return 'warning';
  return base;
}

/** Rules that stay breaking under the lenient preset, because data is lost or misread. */
const LENIENT_STILL_BREAKING = new Set<RuleId>(['core-major-changed', 'field-type-changed', 'required-field-removed']);
