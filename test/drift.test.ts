import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { validModelCall } from '../packages/schema/test/fixtures.js';

const bin = fileURLToPath(new URL('../packages/cli/bin/telltale.js', import.meta.url));

function telltale(
  cwd: string,
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function app(catalog: string, config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-drift-app-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/features.ts'), catalog);
  writeConfig(dir, config);
  return dir;
}

function writeConfig(dir: string, extra: Record<string, unknown>): void {
  writeFileSync(
    join(dir, 'telltale.config.json'),
    JSON.stringify({ catalog: { file: 'src/features.ts', type: 'Features' }, ...extra }),
  );
}

const v1 = `export type Features = {
  'draft-email': { templateId: string; tone: 'formal' | 'casual' };
  'summarize-thread': { messageCount: number };
};`;

const v2 = `export type Features = {
  'draft-email': { templateId: number; tone: 'formal' | 'casual' };
};`;

describe('telltale drift', () => {
  test('asks for a snapshot first', () => {
    const result = telltale(app(v1), ['drift']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('run `telltale drift --update` once and commit');
  });

  test('update writes the snapshot, then no drift', () => {
    const dir = app(v1);

    expect(telltale(dir, ['drift', '--update']).status).toBe(0);
    const snapshot = JSON.parse(readFileSync(join(dir, 'telltale.schema.json'), 'utf8')) as {
      features: Record<string, unknown>;
    };
    const check = telltale(dir, ['drift']);

    expect(Object.keys(snapshot.features)).toEqual(['draft-email', 'summarize-thread']);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('no drift');
  });

  test('breaking change fails with exit 1', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'src/features.ts'), v2);

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('feature "summarize-thread" was removed from the catalog');
    expect(result.stdout).toContain('state field templateId changed from string to number');
    expect(result.stdout).toContain('2 breaking');
  });

  test('json and markdown formats', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'src/features.ts'), v2);

    const json = JSON.parse(telltale(dir, ['drift', '--format', 'json']).stdout) as {
      failed: boolean;
      findings: { ruleId: string }[];
    };
    const markdown = telltale(dir, ['drift', '--format', 'markdown']).stdout;

    expect(json.failed).toBe(true);
    expect(json.findings.map((finding) => finding.ruleId).sort()).toEqual(['feature-removed', 'field-type-changed']);
    expect(markdown).toContain('| severity | where | change | rule |');
  });

  test('major version bump acknowledges', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'src/features.ts'), v2);
    writeConfig(dir, { drift: { version: '2.0.0' } });

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('acknowledged by catalog version 1.0.0 → 2.0.0');
  });

  test('catalog version below the snapshot is a usage error', () => {
    const dir = app(v1, { drift: { version: '2.0.0' } });
    telltale(dir, ['drift', '--update']);
    writeConfig(dir, { drift: { version: '1.4.0' } });

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('drift.version 1.4.0 is below the catalog version 2.0.0 of the snapshot');
  });

  test('allowlist acknowledges one change', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'src/features.ts'), v2);
    const report = JSON.parse(telltale(dir, ['drift', '--format', 'json']).stdout) as {
      findings: { ruleId: string; fingerprint: string }[];
    };
    const removal = report.findings.find((finding) => finding.ruleId === 'feature-removed')!;
    writeConfig(dir, {
      drift: { allow: [{ fingerprint: removal.fingerprint, reason: 'summaries moved to another app' }] },
    });

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('allowlisted: summaries moved to another app');
    expect(result.stdout).toContain('1 breaking');
  });

  test('unused allowlist entry is reported', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeConfig(dir, { drift: { allow: [{ fingerprint: '0123456789abcdef', reason: 'old change' }] } });

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('drift.allow entry 0123456789abcdef (old change) matches no change');
  });

  test('backward mode ignores forward-only breaks', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'src/features.ts'), v1.replace('messageCount: number', 'messageCount?: number'));

    expect(telltale(dir, ['drift', '--mode', 'backward']).status).toBe(0);
    expect(telltale(dir, ['drift', '--mode', 'forward']).status).toBe(1);
  });

  test('configuration errors exit 2 with the fix', () => {
    const dir = app(v1, { catalog: { file: 'src/missing.ts', type: 'Features' } });
    const wrongType = app(v1, { catalog: { file: 'src/features.ts', type: 'Feature' } });
    const malformed = app(v1);
    writeFileSync(join(malformed, 'telltale.schema.json'), '{ "snapshotVersion": 1');

    const missingFile = telltale(dir, ['drift', '--update']);
    const missingType = telltale(wrongType, ['drift', '--update']);
    const brokenSnapshot = telltale(malformed, ['drift']);

    expect(missingFile.status).toBe(2);
    expect(missingFile.stderr).toContain('fix "catalog.file"');
    expect(missingType.status).toBe(2);
    expect(missingType.stderr).toContain('Did you mean "Features"?');
    expect(brokenSnapshot.status).toBe(2);
    expect(brokenSnapshot.stderr).toContain('is not valid JSON');
  });

  test('store check reports pending migrations', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    const store = `sqlite:${join(dir, 'telltale.db')}`;

    const missing = telltale(dir, ['drift', '--store', store]);
    writeFileSync(join(dir, 'telltale.db'), '');
    const before = telltale(dir, ['drift', '--store', store]);
    telltale(dir, ['store', 'migrate', '--store', store]);
    const after = telltale(dir, ['drift', '--store', store]);

    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such SQLite file');
    expect(before.status).toBe(1);
    expect(before.stderr).toContain('Run `telltale store migrate');
    expect(after.status).toBe(0);
    expect(after.stderr).toContain('matches event schema');
  });

  test('report into a new folder', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);

    const result = telltale(dir, ['drift', '--format', 'markdown', '--output', 'reports/drift.md']);

    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'reports/drift.md'), 'utf8')).toContain('No drift');
  });

  test('missing config names the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-drift-empty-'));

    const result = telltale(dir, ['drift']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no telltale.config.{ts,js,json} found');
  });
});

describe('telltale drift validate', () => {
  test('checks events against the snapshot catalog', () => {
    const dir = app(`export type Features = { 'draft-email': { templateId: string; recipients: number } };`);
    telltale(dir, ['drift', '--update']);
    const good = JSON.stringify(validModelCall());
    const unknown = JSON.stringify({
      ...validModelCall(),
      context: { ...validModelCall().context, feature: 'draft-mail' },
    });

    const result = telltale(dir, ['drift', 'validate', '-'], `${good}\n${unknown}\n`);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('unknown-feature (1)');
    expect(result.stdout).toContain('-:2 /context/feature: feature "draft-mail" is not in the catalog');
  });

  test('strict fails on missing parts', () => {
    const dir = app(`export type Features = { 'draft-email': { templateId: string; recipients: number } };`);
    telltale(dir, ['drift', '--update']);
    const unpriced = JSON.stringify({ ...validModelCall(), cost: { usd: null, unpriced_reason: 'unknown model' } });

    expect(telltale(dir, ['drift', 'validate', '-'], `${unpriced}\n`).status).toBe(0);
    expect(telltale(dir, ['drift', 'validate', '--strict', '-'], `${unpriced}\n`).status).toBe(1);
  });

  test('empty input fails with a message', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);

    const result = telltale(dir, ['drift', 'validate', '-'], '\n\n');

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('no events in -: the input is empty or has only blank lines');
  });

  test('github annotations', () => {
    const dir = app(v1);
    telltale(dir, ['drift', '--update']);
    writeFileSync(join(dir, 'events.jsonl'), 'not json\n');

    const result = telltale(dir, ['drift', 'validate', 'events.jsonl', '--format', 'github']);

    expect(result.stdout).toMatch(/^::error file=events\.jsonl,line=1,title=invalid-json::/);
  });
});
