import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { validModelCall } from '../packages/schema/test/fixtures.js';

const bin = fileURLToPath(new URL('../packages/cli/bin/telltale.js', import.meta.url));

function telltale(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('telltale binary', () => {
  test('prints help', () => {
    const result = telltale(['--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: telltale');
  });

  test('validates events from standard input', () => {
    const valid = JSON.stringify(validModelCall());
    const invalid = JSON.stringify({ ...validModelCall(), cost: { usd: 0 } });

    const result = telltale(['validate', '-'], `${valid}\n${invalid}\n`);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('-:2 /cost/source: is required when cost.usd is a number');
  });

  test('rejects a usage error with exit code 2', () => {
    const result = telltale(['validate']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("missing required argument 'files'");
  });
});
