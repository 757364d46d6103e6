import { describe, expect, test } from 'vitest';

import {
  diffSchemas,
  evaluate,
  RULES,
  severityOf,
  type CatalogSchema,
  type JsonSchema,
  type RuleId,
} from '../src/index.js';

const core = { before: '1.0.0', after: '1.0.0' };

function catalogWith(state: JsonSchema, extra: Partial<CatalogSchema[string]> = {}): CatalogSchema {
  return { 'draft-email': { state, ...extra } };
}

function object(properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

interface PairCase {
  rule: RuleId;
  before: CatalogSchema;
  after: CatalogSchema;
  core?: { before: string; after: string };
  backward: 'breaking' | 'warning' | 'info';
  forward: 'breaking' | 'warning' | 'info';
}

const base = object(
  { templateId: { type: 'string' }, tone: { enum: ['casual', 'formal'] }, count: { type: 'number' } },
  ['templateId', 'tone'],
);

const pairs: PairCase[] = [
  {
    rule: 'core-major-changed',
    before: catalogWith(base),
    after: catalogWith(base),
    core: { before: '1.4.0', after: '2.0.0' },
    backward: 'breaking',
    forward: 'breaking',
  },
  {
    rule: 'core-minor-changed',
    before: catalogWith(base),
    after: catalogWith(base),
    core: { before: '1.0.0', after: '1.1.0' },
    backward: 'info',
    forward: 'info',
  },
  {
    rule: 'feature-removed',
    before: { ...catalogWith(base), other: { state: object({}) } },
    after: catalogWith(base),
    backward: 'breaking',
    forward: 'info',
  },
  {
    rule: 'feature-added',
    before: catalogWith(base),
    after: { ...catalogWith(base), other: { state: object({}) } },
    backward: 'info',
    forward: 'warning',
  },
  {
    rule: 'feature-renamed',
    before: { 'draft-mail': { state: base } },
    after: { 'draft-email': { state: base, renamedFrom: 'draft-mail' } },
    backward: 'warning',
    forward: 'warning',
  },
  {
    rule: 'feature-deprecated',
    before: catalogWith(base),
    after: catalogWith(base, { deprecated: true }),
    backward: 'info',
    forward: 'info',
  },
  {
    rule: 'required-field-removed',
    before: catalogWith(base),
    after: catalogWith(object({ tone: { enum: ['casual', 'formal'] }, count: { type: 'number' } }, ['tone'])),
    backward: 'warning',
    forward: 'breaking',
  },
  {
    rule: 'optional-field-removed',
    before: catalogWith(base),
    after: catalogWith(object({ templateId: { type: 'string' }, tone: { enum: ['casual', 'formal'] } })),
    backward: 'info',
    forward: 'warning',
  },
  {
    rule: 'field-renamed',
    before: catalogWith(object({ template: { type: 'string' } })),
    after: catalogWith(object({ templateId: { type: 'string', 'x-renamed-from': 'template' } })),
    backward: 'warning',
    forward: 'warning',
  },
  {
    rule: 'required-field-added',
    before: catalogWith(object({ templateId: { type: 'string' } })),
    after: catalogWith(object({ templateId: { type: 'string' }, locale: { type: 'string' } })),
    backward: 'breaking',
    forward: 'info',
  },
  {
    rule: 'optional-field-added',
    before: catalogWith(object({ templateId: { type: 'string' } })),
    after: catalogWith(object({ templateId: { type: 'string' }, locale: { type: 'string' } }, ['templateId'])),
    backward: 'info',
    forward: 'info',
  },
  {
    rule: 'field-made-required',
    before: catalogWith(base),
    after: catalogWith({ ...base, required: ['count', 'templateId', 'tone'] }),
    backward: 'breaking',
    forward: 'info',
  },
  {
    rule: 'field-made-optional',
    before: catalogWith(base),
    after: catalogWith({ ...base, required: ['tone'] }),
    backward: 'info',
    forward: 'breaking',
  },
  {
    rule: 'field-type-changed',
    before: catalogWith(object({ count: { type: 'number' } })),
    after: catalogWith(object({ count: { type: 'string' } })),
    backward: 'breaking',
    forward: 'breaking',
  },
  {
    rule: 'field-type-widened',
    before: catalogWith(object({ count: { type: 'number' } })),
    after: catalogWith(object({ count: { anyOf: [{ type: 'number' }, { type: 'null' }] } })),
    backward: 'info',
    forward: 'breaking',
  },
  {
    rule: 'field-type-narrowed',
    before: catalogWith(object({ channel: { type: 'string' } })),
    after: catalogWith(object({ channel: { enum: ['chat', 'email'] } })),
    backward: 'breaking',
    forward: 'info',
  },
  {
    rule: 'enum-value-removed',
    before: catalogWith(base),
    after: catalogWith({ ...base, properties: { ...base.properties, tone: { enum: ['formal'] } } }),
    backward: 'breaking',
    forward: 'info',
  },
  {
    rule: 'enum-value-added',
    before: catalogWith(base),
    after: catalogWith({
      ...base,
      properties: { ...base.properties, tone: { enum: ['casual', 'formal', 'playful'] } },
    }),
    backward: 'info',
    forward: 'warning',
  },
];

describe('drift rules', () => {
  test('every rule has a pair case', () => {
    expect(new Set(pairs.map((pair) => pair.rule))).toEqual(new Set(Object.keys(RULES)));
  });

  test.each(pairs)('$rule is detected', ({ rule, before, after, core: versions }) => {
    const changes = diffSchemas(before, after, versions ?? core);

    expect(changes.map((change) => change.ruleId)).toEqual([rule]);
  });

  test.each(pairs)('$rule backward severity', ({ rule, before, after, core: versions, backward }) => {
    const [finding] = evaluate(diffSchemas(before, after, versions ?? core), 'backward', 'default', noAcknowledgements);

    expect(finding?.ruleId).toBe(rule);
    expect(finding?.severity).toBe(backward);
  });

  test.each(pairs)('$rule forward severity', ({ rule, before, after, core: versions, forward }) => {
    const [finding] = evaluate(diffSchemas(before, after, versions ?? core), 'forward', 'default', noAcknowledgements);

    expect(finding?.ruleId).toBe(rule);
    expect(finding?.severity).toBe(forward);
  });

  test.each(pairs)('$rule reversed is another rule', ({ rule, before, after, core: versions }) => {
    const reversed = diffSchemas(after, before, versions ? { before: versions.after, after: versions.before } : core);

    // These rules describe a change that reads the same in both directions.
    const symmetric: RuleId[] = [
      'feature-deprecated',
      'core-minor-changed',
      'core-major-changed',
      'field-type-changed',
    ];
    if (symmetric.includes(rule)) return;
    expect(reversed.map((change) => change.ruleId)).not.toContain(rule);
    expect(reversed.length).toBeGreaterThan(0);
  });

  test('full mode takes the stricter direction', () => {
    expect(severityOf('required-field-added', 'full', 'default')).toBe('breaking');
    expect(severityOf('feature-added', 'full', 'default')).toBe('warning');
    expect(severityOf('optional-field-added', 'full', 'default')).toBe('info');
  });

  test('strict preset turns warnings breaking', () => {
    expect(severityOf('feature-added', 'full', 'strict')).toBe('breaking');
    expect(severityOf('optional-field-added', 'full', 'strict')).toBe('info');
  });

  test('lenient preset keeps only data-loss breaking', () => {
    expect(severityOf('enum-value-removed', 'full', 'lenient')).toBe('warning');
    expect(severityOf('field-type-changed', 'full', 'lenient')).toBe('breaking');
  });

  test('rename without @renamedFrom is removal plus addition', () => {
    const changes = diffSchemas({ 'draft-mail': { state: base } }, { 'draft-email': { state: base } }, core);

    expect(changes.map((change) => change.ruleId).sort()).toEqual(['feature-added', 'feature-removed']);
  });

  test('unmatched @renamedFrom says so in the addition', () => {
    const changes = diffSchemas(
      { 'draft-mail': { state: base } },
      { 'draft-email': { state: base, renamedFrom: 'draft-mial' } },
      core,
    );
    const added = changes.find((change) => change.ruleId === 'feature-added');

    expect(changes.map((change) => change.ruleId).sort()).toEqual(['feature-added', 'feature-removed']);
    expect(added?.message).toContain('@renamedFrom "draft-mial" names no feature of the snapshot');
  });

  test('unmatched field @renamedFrom says so in the addition', () => {
    const before = catalogWith(object({ tone: { type: 'string' } }));
    const after = catalogWith(
      object({ tone: { type: 'string' }, voice: { type: 'string', 'x-renamed-from': 'tonne' } }),
    );

    const [change] = diffSchemas(before, after, core);

    expect(change?.ruleId).toBe('required-field-added');
    expect(change?.message).toContain('@renamedFrom "tonne" names no state field of the snapshot');
  });

  test('renamed feature still compares its state', () => {
    const changes = diffSchemas(
      { 'draft-mail': { state: base } },
      { 'draft-email': { state: { ...base, required: ['tone'] }, renamedFrom: 'draft-mail' } },
      core,
    );

    expect(changes.map((change) => change.ruleId)).toEqual(['feature-renamed', 'field-made-optional']);
  });

  test('nested object fields are compared', () => {
    const before = catalogWith(object({ recipient: object({ email: { type: 'string' } }) }));
    const after = catalogWith(object({ recipient: object({ email: { type: 'number' } }) }));

    const [change] = diffSchemas(before, after, core);

    expect(change?.path).toBe('recipient.email');
    expect(change?.ruleId).toBe('field-type-changed');
  });

  test('array items are compared', () => {
    const before = catalogWith(object({ tags: { type: 'array', items: { type: 'string' } } }));
    const after = catalogWith(object({ tags: { type: 'array', items: { type: 'boolean' } } }));

    expect(diffSchemas(before, after, core)[0]?.path).toBe('tags[]');
  });
});

const noAcknowledgements = { snapshotCatalogVersion: '1.0.0', currentCatalogVersion: '1.0.0', allow: [] };

describe('acknowledgements', () => {
  const removal = diffSchemas({ ...catalogWith(base), other: { state: object({}) } }, catalogWith(base), core);

  test('fingerprints are stable', () => {
    const again = diffSchemas({ other: { state: object({}) }, ...catalogWith(base) }, catalogWith(base), core);

    expect(again[0]?.fingerprint).toBe(removal[0]?.fingerprint);
    expect(removal[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  test('allowlist entry acknowledges one change', () => {
    const [finding] = evaluate(removal, 'full', 'default', {
      ...noAcknowledgements,
      allow: [{ fingerprint: removal[0]!.fingerprint, reason: 'feature retired' }],
    });

    expect(finding?.acknowledged).toBe('allowlisted: feature retired');
  });

  test('major catalog bump acknowledges all', () => {
    const [finding] = evaluate(removal, 'full', 'default', { ...noAcknowledgements, currentCatalogVersion: '2.0.0' });

    expect(finding?.acknowledged).toBe('catalog version 1.0.0 → 2.0.0');
  });

  test('minor catalog bump acknowledges nothing', () => {
    const [finding] = evaluate(removal, 'full', 'default', { ...noAcknowledgements, currentCatalogVersion: '1.1.0' });

    expect(finding?.acknowledged).toBeUndefined();
  });
});

describe('drift in containers', () => {
  const record = (values: JsonSchema): JsonSchema => ({
    type: 'object',
    properties: {},
    required: [],
    additionalProperties: values,
  });

  test('record value type change', () => {
    const changes = diffSchemas(
      catalogWith(object({ labels: record({ type: 'number' }) })),
      catalogWith(object({ labels: record({ type: 'string' }) })),
      core,
    );

    expect(changes.map((change) => [change.ruleId, change.path])).toEqual([['field-type-changed', 'labels[string]']]);
  });

  test('record to closed object', () => {
    const changes = diffSchemas(
      catalogWith(
        object({
          labels: record({
            type: 'object',
            properties: { x: { type: 'string' } },
            required: ['x'],
            additionalProperties: false,
          }),
        }),
      ),
      catalogWith(object({ labels: object({ x: { type: 'number' } }) })),
      core,
    );

    expect(changes.map((change) => change.ruleId)).toContain('field-type-narrowed');
  });

  test('tuple element type change', () => {
    const changes = diffSchemas(
      catalogWith(object({ pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } })),
      catalogWith(object({ pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] } })),
      core,
    );

    expect(changes.map((change) => change.path)).toEqual(['pair[0]', 'pair[1]']);
  });

  test('date to plain string', () => {
    const changes = diffSchemas(
      catalogWith(object({ sentAt: { type: 'string', format: 'date-time' } })),
      catalogWith(object({ sentAt: { type: 'string' } })),
      core,
    );

    expect(changes.map((change) => change.ruleId)).toEqual(['field-type-changed']);
  });
});
