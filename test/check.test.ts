import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('../packages/cli/bin/telltale.js', import.meta.url));
const APP_FIXTURE = fileURLToPath(new URL('../packages/analyzer/test/fixtures/app/', import.meta.url));
const STUBS = fileURLToPath(new URL('../packages/detector/test/fixtures/project/node_modules/', import.meta.url));

function telltale(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-check-cli-'));
  cpSync(APP_FIXTURE, dir, { recursive: true });
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  tsconfig.compilerOptions.paths = { '*': [`${STUBS}*`] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  return dir;
}

describe('telltale check', () => {
  test('findings exit 1 with code frames', () => {
    const result = telltale(app(), ['check']);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('src/ai/summarize.ts:5:10 error');
    expect(result.stdout).toContain('> 5 |   return openai.chat.completions.create(');
    expect(result.stdout).toContain('4 model calls in 6 files: 3 instrumented, 2 findings');
  });

  test('baseline makes known findings pass', () => {
    const dir = app();

    const update = telltale(dir, ['check', '--update-baseline']);
    const check = telltale(dir, ['check']);

    expect(update.status).toBe(0);
    expect(update.stderr).toContain('wrote 2 findings');
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('2 in the baseline');
  });

  test('stale baseline entries are reported', () => {
    const dir = app();
    telltale(dir, ['check', '--update-baseline']);
    writeFileSync(
      join(dir, 'src/routes/email.ts'),
      readFileSync(join(dir, 'src/routes/email.ts'), 'utf8').replace(
        '  await summarize(text);\n  await classify(text);\n',
        '',
      ),
    );

    const result = telltale(dir, ['check']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('stale baseline entry: not-instrumented in src/ai/summarize.ts');
  });

  test('sarif output file', () => {
    const dir = app();

    const result = telltale(dir, ['check', '--format', 'sarif', '--output', 'telltale.sarif']);
    const log = JSON.parse(readFileSync(join(dir, 'telltale.sarif'), 'utf8')) as {
      version: string;
      runs: { results: unknown[] }[];
    };

    expect(result.status).toBe(1);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results).toHaveLength(2);
  });

  test('inventory lists every call', () => {
    const result = telltale(app(), ['check', '--inventory']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/src\/ai\/draft\.ts:5\s+openai\s+chat\s+gpt-4\.1-mini/);
    expect(result.stdout).toContain('4 model calls');
  });

  test('broken config exits 2', () => {
    const dir = app();
    writeFileSync(join(dir, 'telltale.config.json'), '{ "wrappers": "none" }');

    const result = telltale(dir, ['check']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('/wrappers');
  });

  test('broken tsconfig exits 2', () => {
    const dir = app();
    writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": ');

    const result = telltale(dir, ['check']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('tsconfig.json');
  });

  test('a file instead of a directory exits 2', () => {
    const dir = app();

    const result = telltale(dir, ['check', 'src/clients.ts']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is a file');
  });

  test('no analysed file exits 2', () => {
    const dir = app();
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ include: ['lib'] }));

    const result = telltale(dir, ['check']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no source files to analyse');
  });

  test('a missing --baseline file exits 2', () => {
    const result = telltale(app(), ['check', '--baseline', 'known.json']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('known.json not found');
  });

  test('compare lists a model change', () => {
    const dir = gitApp();
    const draft = join(dir, 'src/ai/draft.ts');
    writeFileSync(draft, readFileSync(draft, 'utf8').replace('gpt-4.1-mini', 'gpt-5'));

    const result = telltale(dir, ['check', '--compare', 'HEAD']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('model gpt-4.1-mini → gpt-5');
    expect(result.stdout).toContain('0 added, 0 removed, 1 model changes');
  });

  test('compare with a bad ref exits 2 and cleans up', () => {
    const dir = gitApp();
    const leftovers = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('telltale-compare-'));
    const before = leftovers();

    const result = telltale(dir, ['check', '--compare', 'no-such-ref']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid reference: no-such-ref');
    expect(leftovers().filter((name) => !before.includes(name))).toEqual([]);
  });
});

describe('telltale output to a closed pipe', () => {
  test('ends quietly with exit 0', async () => {
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Closing the read end right away makes the first write fail with EPIPE, as `| head -0` would.
    child.stdout.destroy();

    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  });
});

function gitApp(): string {
  const dir = app();
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['commit', '-qm', 'initial'],
  ]) {
    execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  }
  return dir;
}
