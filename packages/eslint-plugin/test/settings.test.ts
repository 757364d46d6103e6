import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { clearConfigFileCache } from '../src/util/config-file.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../src/util/settings.js';

const root = mkdtempSync(join(tmpdir(), 'telltale-settings-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  clearConfigFileCache();
});

function project(name: string, files: Record<string, string>): string {
  const directory = join(root, name);
  mkdirSync(join(directory, 'src'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(directory, file), text);
  return directory;
}

const WRAPPER = { from: 'package', package: 'my-tracing', name: 'traced' } as const;

describe('resolveSettings', () => {
  it('uses defaults without a config file', () => {
    const directory = project('none', {});
    expect(resolveSettings({}, join(directory, 'src/a.ts'), directory)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads telltale.config.json above the file', () => {
    const directory = project('json', { 'telltale.config.json': JSON.stringify({ wrappers: [WRAPPER] }) });
    const settings = resolveSettings({}, join(directory, 'src/a.ts'), directory);
    expect(settings.wrappers).toEqual([WRAPPER]);
    expect(settings.requiredContext).toEqual(['feature', 'user']);
  });

  it('reads an ES module telltale.config.js', () => {
    const directory = project('js', {
      'package.json': '{ "type": "module" }',
      'telltale.config.js': `export default { requiredContext: ['feature'], recorder: 'telemetry' };`,
    });
    const settings = resolveSettings({}, join(directory, 'src/a.ts'), directory);
    expect(settings.requiredContext).toEqual(['feature']);
    expect(settings.recorder).toBe('telemetry');
  });

  it('reads a TypeScript telltale.config.ts', () => {
    const directory = project('ts', {
      'telltale.config.ts': `const config: { modelCalls: { from: 'package'; package: string; name: string }[] } = {
  modelCalls: [{ from: 'package', package: 'my-llm', name: 'complete' }],
};
export default config;`,
    });
    const settings = resolveSettings({}, join(directory, 'src/a.ts'), directory);
    expect(settings.modelCalls).toEqual([{ from: 'package', package: 'my-llm', name: 'complete' }]);
  });

  it('lets rule options override the file', () => {
    const directory = project('override', { 'telltale.config.json': JSON.stringify({ requiredContext: ['user'] }) });
    const settings = resolveSettings({ requiredContext: ['feature'] }, join(directory, 'src/a.ts'), directory);
    expect(settings.requiredContext).toEqual(['feature']);
  });

  it('skips the file when configFile is false', () => {
    const directory = project('disabled', { 'telltale.config.json': JSON.stringify({ recorder: 'other' }) });
    const settings = resolveSettings({ configFile: false }, join(directory, 'src/a.ts'), directory);
    expect(settings.recorder).toBe('recorder');
  });

  it('reads an explicit configFile path', () => {
    const directory = project('explicit', { 'custom.json': JSON.stringify({ recorder: 'custom' }) });
    const settings = resolveSettings({ configFile: 'custom.json' }, join(directory, 'src/a.ts'), directory);
    expect(settings.recorder).toBe('custom');
  });

  it('names the file that fails to load', () => {
    const directory = project('broken', { 'telltale.config.json': '{ not json' });
    expect(() => resolveSettings({}, join(directory, 'src/a.ts'), directory)).toThrow(/telltale\.config\.json/);
  });

  it('rejects an invalid field as telltale check does', () => {
    const directory = project('invalid', { 'telltale.config.json': JSON.stringify({ requiredContext: ['team'] }) });
    expect(() => resolveSettings({}, join(directory, 'src/a.ts'), directory)).toThrow('/requiredContext/0');
  });
});
