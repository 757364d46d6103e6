import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { simulateTraffic } from '@telltale/insights';
import { openStore } from '@telltale/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { main } from '../src/index.js';
import { captureOutput } from './io.js';

const NOW = new Date();
const DAY = 86_400_000;

describe('store commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-cli-store-'));
  const url = `sqlite:${join(dir, 'telltale.db')}`;

  beforeAll(async () => {
    const store = openStore(url);
    await store.migrate();
    const start = new Date(Math.floor(NOW.getTime() / DAY) * DAY - 28 * DAY);
    for (const batch of simulateTraffic({ start, days: 28, callsPerDay: 150, seed: 5 })) await store.write(batch);
    await store.close();
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('migrate on a new store applies, then is up to date', async () => {
    const fresh = `sqlite:${join(dir, 'fresh.db')}`;
    const first = captureOutput();
    const second = captureOutput();

    expect(await main(['store', 'migrate', '--store', fresh], first.output)).toBe(0);
    expect(first.stdout()).toContain('applied migration 1');
    expect(await main(['store', 'migrate', '--store', fresh], second.output)).toBe(0);
    expect(second.stdout()).toContain('is up to date (migration 1)');
  });

  test('retention drops old days', async () => {
    const io = captureOutput();

    expect(await main(['store', 'retention', '--days', '27', '--store', url], io.output)).toBe(0);
    expect(io.stdout()).toMatch(/^dropped 1 day older than 27 days: \d{4}-\d{2}-\d{2}\n$/);
  });

  test('unmigrated store names the command', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'latency', '--store', `sqlite:${join(dir, 'empty.db')}`], io.output)).toBe(2);
    expect(io.stderr()).toContain('telltale store migrate --store');
  });

  test('store.url of the config file, relative to it', async () => {
    writeFileSync(join(dir, 'telltale.config.json'), JSON.stringify({ store: { url: 'sqlite:./telltale.db' } }));
    mkdirSync(join(dir, 'app'), { recursive: true });
    const previous = { cwd: process.cwd(), env: process.env.TELLTALE_STORE_URL };
    delete process.env.TELLTALE_STORE_URL;
    process.chdir(join(dir, 'app'));
    const io = captureOutput();

    try {
      expect(await main(['ask', 'latency', '--format', 'json'], io.output)).toBe(0);
    } finally {
      process.chdir(previous.cwd);
      if (previous.env !== undefined) process.env.TELLTALE_STORE_URL = previous.env;
      rmSync(join(dir, 'telltale.config.json'));
    }
    expect(io.stdout()).toContain('draft-email');
  });

  test('a read-only command does not create a missing store', async () => {
    const io = captureOutput();
    const missing = join(dir, 'typo', 'telltale.db');

    expect(await main(['digest', '--store', `sqlite:${missing}`], io.output)).toBe(2);
    expect(io.stderr()).toContain('no such SQLite file');
    expect(() => readFileSync(missing)).toThrow();
  });

  test('ask last prints prompt and response', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'last', '--feature', 'draft-email', '--store', url, '--format', 'json'], io.output)).toBe(
      0,
    );
    const calls = JSON.parse(io.stdout());
    expect(calls).toHaveLength(10);
    expect(calls.every((call: { feature: string }) => call.feature === 'draft-email')).toBe(true);
    expect(calls[0].prompt.messages[0].role).toBe('user');
    expect(calls[0].timestamp >= calls[9].timestamp).toBe(true);
  });

  test('ask latency gives median and p95', async () => {
    const io = captureOutput();

    expect(
      await main(['ask', 'latency', '--feature', 'draft-email', '--store', url, '--format', 'json'], io.output),
    ).toBe(0);
    const answer = JSON.parse(io.stdout()) as { features: { latencyP50Ms: number; latencyP95Ms: number }[] };
    expect(answer.features).toHaveLength(1);
    expect(answer.features[0]!.latencyP95Ms).toBeGreaterThan(answer.features[0]!.latencyP50Ms);
  });

  test('ask cost groups days by model', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'cost', '--store', url, '--days', '3'], io.output)).toBe(0);
    expect(io.stdout()).toContain('gpt-4.1-mini');
    expect(io.stdout().split('\n')[2]).toMatch(/^model\s+\d\d-\d\d\s+\d\d-\d\d\s+\d\d-\d\d\s+total$/);
  });

  test('ask worst-users shows components', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'worst-users', '--store', url, '--format', 'markdown', '--limit', '3'], io.output)).toBe(
      0,
    );
    expect(io.stdout()).toContain(
      '| user | calls | signal | regenerate | heavy_edit | abandon | thumbs_down | uncertainty |',
    );
    expect(io.stdout().match(/^\| u_\d+/gm)).toHaveLength(3);
  });

  test('ask compare spans two weeks back', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'compare', '--store', url, '--format', 'json'], io.output)).toBe(0);
    const answer = JSON.parse(io.stdout()) as {
      current: { start: string };
      baseline: { start: string };
      features: unknown[];
    };
    expect(Date.parse(answer.current.start) - Date.parse(answer.baseline.start)).toBe(14 * DAY);
    expect(answer.features.length).toBe(4);
  });

  test('digest writes markdown with charts', async () => {
    const io = captureOutput();
    const file = join(dir, 'digest.md');

    expect(
      await main(
        ['digest', '--store', url, '--timezone', 'Europe/Berlin', '--format', 'markdown', '--output', file],
        io.output,
      ),
    ).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('xychart-beta');
    expect(io.stderr()).toContain(`digest to ${file}`);
  });

  test('invalid options exit 2', async () => {
    const week = captureOutput();
    const days = captureOutput();
    const zone = captureOutput();

    expect(await main(['digest', '--store', url, '--week', '2026-49'], week.output)).toBe(2);
    expect(week.stderr()).toContain('use the form 2026-W49');
    expect(await main(['ask', 'latency', '--store', url, '--days', '0'], days.output)).toBe(2);
    expect(await main(['ask', 'cost', '--store', url, '--timezone', 'Nowhere/City'], zone.output)).toBe(2);
    expect(zone.stderr()).toContain('unknown timezone');
  });

  test('unreachable database hides the password', async () => {
    const io = captureOutput();

    expect(await main(['ask', 'latency', '--store', 'postgres://app:hunter2@127.0.0.1:1/telltale'], io.output)).toBe(2);
    expect(io.stderr()).toContain('postgres://app:***@127.0.0.1:1/telltale');
    expect(io.stderr()).not.toContain('hunter2');
  });
});
