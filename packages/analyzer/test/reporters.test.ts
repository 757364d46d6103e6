import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';

import {
  ANNOTATIONS_PER_LEVEL,
  applyBaseline,
  baselineOf,
  findingsOf,
  reporters,
  type CallSite,
  type CheckReport,
  type ReporterContext,
} from '../src/index.js';

// Both packages are CommonJS with a default export that NodeNext sees as the module object.
const AjvDraft04 = AjvDraft04Module as unknown as typeof AjvDraft04Module.default;
const addFormats = addFormatsModule as unknown as (
  ajv: InstanceType<typeof AjvDraft04>,
) => InstanceType<typeof AjvDraft04>;
const require = createRequire(import.meta.url);

// The official SARIF 2.1.0 schema (JSON Schema draft-04), as Microsoft's SARIF test package ships it.
const sarifSchema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;

const source = `import OpenAI from 'openai';

const openai = new OpenAI();

export async function draft(text: string) {
  return openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: text }] });
}
`;

function site(overrides: Partial<CallSite> = {}): CallSite {
  return {
    file: 'src/draft.ts',
    line: 6,
    column: 10,
    endLine: 6,
    endColumn: 113,
    provider: 'openai',
    package: 'openai',
    method: 'create',
    operation: 'chat',
    callee: 'openai.chat.completions.create',
    enclosingSymbol: 'draft',
    model: 'gpt-4.1-mini',
    verdict: 'not-instrumented',
    reason: 'the client is a plain OpenAI client',
    missingContext: [],
    ...overrides,
  };
}

function report(sites: CallSite[]): CheckReport {
  return {
    version: 1,
    root: '/repo',
    files: 3,
    sites,
    findings: sites.flatMap(findingsOf),
    stale: [],
    notes: [],
    errors: [],
  };
}

const context: ReporterContext = {
  colors: false,
  readSource: (file) => (file === 'src/draft.ts' ? source : undefined),
};

describe('findingsOf', () => {
  test('instrumented with context has none', () => {
    expect(findingsOf(site({ verdict: 'instrumented' }))).toEqual([]);
  });

  test('not instrumented is an error', () => {
    expect(findingsOf(site())[0]).toMatchObject({ ruleId: 'not-instrumented', severity: 'error' });
  });

  test('missing context names the parts', () => {
    const [finding] = findingsOf(site({ verdict: 'instrumented', missingContext: ['feature', 'user'] }));

    expect(finding?.ruleId).toBe('missing-context');
    expect(finding?.message).toContain('without feature and user');
  });

  test('cross-file context names the path', () => {
    const [finding] = findingsOf(
      site({ verdict: 'instrumented', missingContext: ['user'], via: ['src/api.ts:handle', 'src/draft.ts:draft'] }),
    );

    expect(finding?.ruleId).toBe('context-never-established');
    expect(finding?.message).toContain('src/api.ts:handle → src/draft.ts:draft');
  });

  test('unresolved is a warning', () => {
    expect(findingsOf(site({ verdict: 'unresolved' }))[0]).toMatchObject({
      ruleId: 'unresolved-call',
      severity: 'warning',
    });
  });

  test('fingerprint ignores line numbers', () => {
    expect(findingsOf(site({ line: 60, endLine: 60 }))[0]?.fingerprint).toBe(findingsOf(site())[0]?.fingerprint);
    expect(findingsOf(site({ enclosingSymbol: 'other' }))[0]?.fingerprint).not.toBe(findingsOf(site())[0]?.fingerprint);
  });
});

describe('reporters', () => {
  test('text groups by file with a code frame', () => {
    const text = reporters.text(report([site(), site({ verdict: 'instrumented' })]), context);

    expect(text).toContain(
      'src/draft.ts\n  src/draft.ts:6:10 error `openai.chat.completions.create` (openai, chat) is not instrumented',
    );
    expect(text).toContain('> 6 |   return openai.chat.completions.create(');
    expect(text).toContain('2 model calls in 3 files: 1 instrumented, 1 finding');
    expect(text).not.toContain('\u001b[');
  });

  test('text colours only when asked', () => {
    expect(reporters.text(report([site()]), { ...context, colors: true })).toContain('\u001b[');
  });

  test('sarif is valid SARIF 2.1.0', () => {
    const log = JSON.parse(
      reporters.sarif(report([site(), site({ verdict: 'unresolved', enclosingSymbol: 'x' })]), context),
    ) as unknown;
    // The schema's language pattern is not valid in Unicode mode, so patterns compile without the u flag.
    const ajv = addFormats(new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }));

    const valid = ajv.validate(sarifSchema, log);

    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(ajv.validate(sarifSchema, { version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });

  test('sarif carries fingerprints and relative uris', () => {
    const log = JSON.parse(reporters.sarif(report([site()]), context)) as {
      runs: {
        results: {
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
        tool: { driver: { rules: { help: { markdown: string } }[] } };
      }[];
    };
    const [result] = log.runs[0]!.results;

    expect(result?.partialFingerprints['telltale/v1']).toMatch(/^[0-9a-f]{16}$/);
    expect(result?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('src/draft.ts');
    expect(log.runs[0]!.tool.driver.rules.every((rule) => rule.help.markdown.length > 0)).toBe(true);
  });

  test('sarif marks baselined findings suppressed', () => {
    const checked = report([site()]);
    applyBaseline(checked.findings, baselineOf(checked.findings));

    const log = JSON.parse(reporters.sarif(checked, context)) as {
      runs: { results: { suppressions?: unknown[] }[] }[];
    };

    expect(log.runs[0]!.results[0]?.suppressions).toHaveLength(1);
  });

  test('markdown has a table', () => {
    const markdown = reporters.markdown(report([site()]), context);

    expect(markdown).toContain('❌ 1 model call in 3 files: 0 instrumented, 1 finding');
    expect(markdown).toContain('| `src/draft.ts:6` | `openai.chat.completions.create` (openai) |');
  });

  test('github annotations are capped per level', () => {
    const sites = Array.from({ length: 25 }, (_, index) => site({ enclosingSymbol: `f${index}` }));

    const lines = reporters.github(report(sites), context).trim().split('\n');

    expect(lines.filter((line) => line.startsWith('::error '))).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(lines.at(-1)).toContain('15 more findings are not annotated');
    expect(lines[0]).toMatch(
      /^::error file=src\/draft\.ts,line=6,col=10,endLine=6,endColumn=113,title=telltale%3A not-instrumented::/,
    );
  });

  test('json is the report', () => {
    const checked = report([site()]);

    expect(JSON.parse(reporters.json(checked, context))).toEqual(JSON.parse(JSON.stringify(checked)));
  });
});

describe('baseline', () => {
  test('known findings are baselined', () => {
    const first = report([site(), site({ enclosingSymbol: 'other' })]);
    const baseline = baselineOf(first.findings);
    const second = report([
      site({ line: 40, endLine: 40 }),
      site({ enclosingSymbol: 'other' }),
      site({ enclosingSymbol: 'new' }),
    ]);

    const stale = applyBaseline(second.findings, baseline);

    expect(second.findings.map((finding) => finding.baselined)).toEqual([true, true, false]);
    expect(stale).toEqual([]);
  });

  test('fixed findings leave stale entries', () => {
    const baseline = baselineOf(report([site(), site({ enclosingSymbol: 'gone' })]).findings);
    const current = report([site()]);

    const stale = applyBaseline(current.findings, baseline);

    expect(stale.map((entry) => entry.enclosingSymbol)).toEqual(['gone']);
  });

  test('counts repeated calls in one function', () => {
    const baseline = baselineOf(report([site(), site({ line: 9 })]).findings);
    const current = report([site(), site({ line: 9 }), site({ line: 12 })]);

    applyBaseline(current.findings, baseline);

    expect(baseline.entries[0]?.count).toBe(2);
    expect(current.findings.filter((finding) => finding.baselined)).toHaveLength(2);
  });
});
