import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { ConfigError, loadConfig, loadConfigSync, resolveFromConfig } from '../src/index.js';
import { writeTree } from './helpers.js';

const catalog = { file: 'src/features.ts', type: 'Features' };

describe('loadConfig', () => {
  test('reads telltale.config.json', async () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ catalog }) });

    const loaded = await loadConfig(dir);

    expect(loaded.config.catalog).toEqual(catalog);
    expect(loaded.filepath).toBe(join(dir, 'telltale.config.json'));
  });

  test('reads a TypeScript config without a build', async () => {
    const dir = writeTree({
      'telltale.config.ts': `const mode: 'full' | 'backward' = 'backward';\nexport default { catalog: ${JSON.stringify(catalog)}, drift: { mode } };`,
    });

    const loaded = await loadConfig(dir);

    expect(loaded.config.drift?.mode).toBe('backward');
  });

  test('reads an ES module config', async () => {
    const dir = writeTree({ 'telltale.config.mjs': `export default { store: { url: 'sqlite:./telltale.db' } };` });

    expect((await loadConfig(dir)).config.store?.url).toBe('sqlite:./telltale.db');
  });

  test('searches parent directories', async () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ catalog }), 'packages/app/index.ts': '' });

    const loaded = await loadConfig(join(dir, 'packages/app'));

    expect(loaded.baseDir).toBe(dir);
    expect(resolveFromConfig(loaded, 'src/features.ts')).toBe(join(dir, 'src/features.ts'));
  });

  test('returns defaults without a file', async () => {
    const dir = writeTree({ 'package.json': '{}' });

    const loaded = await loadConfig(dir);

    expect(loaded.filepath?.startsWith(dir) ?? false).toBe(false);
  });

  test('syntax error names the file and fix', async () => {
    const dir = writeTree({ 'telltale.config.ts': 'export default { catalog: { file: "x" ' });

    const error = await loadConfig(dir).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('telltale.config');
    expect((error as Error).message).toContain('Fix the syntax error');
  });

  test('invalid field names the path', async () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ drift: { mode: 'sideways' } }) });

    const error = (await loadConfig(dir).catch((caught: unknown) => caught)) as Error;

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`invalid config in ${join(dir, 'telltale.config.json')}`);
    expect(error.message).toContain('/drift/mode');
  });

  test('missing explicit file is an error', async () => {
    const dir = writeTree({});

    await expect(loadConfig(dir, 'nope.json')).rejects.toThrow(/config file .*nope\.json not found/);
  });

  test('unknown sections are kept for other tools', async () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ digest: { timezone: 'Europe/Berlin' } }) });

    expect((await loadConfig(dir)).config).toHaveProperty('digest', { timezone: 'Europe/Berlin' });
  });
});

describe('loadConfigSync', () => {
  test('reads a TypeScript config', () => {
    const dir = writeTree({
      'telltale.config.ts': `const mode: 'full' | 'backward' = 'backward';\nexport default { catalog: ${JSON.stringify(catalog)}, drift: { mode } };`,
      'src/index.ts': '',
    });

    const loaded = loadConfigSync(join(dir, 'src'));

    expect(loaded.config.drift?.mode).toBe('backward');
    expect(loaded.baseDir).toBe(dir);
  });

  test('reads a CommonJS config', () => {
    const dir = writeTree({ 'telltale.config.cjs': `module.exports = { requiredContext: ['feature'] };` });

    expect(loadConfigSync(dir).config.requiredContext).toEqual(['feature']);
  });

  test('gives the async loader result', async () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ catalog, store: { url: 'sqlite:x.db' } }) });

    expect(loadConfigSync(dir)).toEqual(await loadConfig(dir));
  });

  test('invalid field names the path', () => {
    const dir = writeTree({ 'telltale.config.json': JSON.stringify({ wrappers: [{ from: 'file', name: 'x' }] }) });

    expect(() => loadConfigSync(dir)).toThrow(ConfigError);
    expect(() => loadConfigSync(dir)).toThrow('/wrappers/0');
  });

  test('syntax error names the file and fix', () => {
    const dir = writeTree({ 'telltale.config.ts': 'export default { catalog: { file: "x" ' });

    expect(() => loadConfigSync(dir)).toThrow(/telltale\.config\.ts.*Fix the syntax error/);
  });

  test('missing explicit file is an error', () => {
    expect(() => loadConfigSync(writeTree({}), 'nope.json')).toThrow(/config file .*nope\.json not found/);
  });
});
