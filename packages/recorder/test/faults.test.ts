import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { RecorderStats } from '../src/index.js';
import { tempDir } from './helpers.js';

const APP = fileURLToPath(new URL('fixtures/fault-app.mjs', import.meta.url));
const CALLS = 45;

interface AppReport {
  ids: string[];
  allSucceeded: boolean;
  stats?: RecorderStats;
}

interface AppRun {
  report: AppReport;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the fault app; with `terminate`, sends SIGTERM once the app has reported its calls. */
function runApp(scenario: string, delivered: string, spillDir: string, terminate = false): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, scenario, delivered, spillDir, String(CALLS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      if (terminate && output.includes('\n')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        resolve({ report: JSON.parse(output.split('\n')[0] ?? '') as AppReport, code, signal });
      } catch (error) {
        reject(new Error(`fault app printed no report (code ${code}, signal ${signal}): ${String(error)}`));
      }
    });
  });
}

function deliveredIds(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function counts(ids: string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const id of ids) result.set(id, (result.get(id) ?? 0) + 1);
  return result;
}

describe('fault injection in a child process', () => {
  it.each(['throw', 'hang', 'slow'])('delivers every event once when the sink %ss', async (scenario) => {
    const directory = tempDir(`fault-${scenario}`);
    const delivered = join(directory, 'delivered.txt');

    const { report, code } = await runApp(scenario, delivered, join(directory, 'spill'));

    const received = counts(deliveredIds(delivered));
    expect(code).toBe(0);
    expect(report.allSucceeded).toBe(true);
    expect(report.ids).toHaveLength(CALLS);
    expect([...received.values()].every((count) => count === 1)).toBe(true);
    expect([...received.keys()].sort()).toEqual([...report.ids].sort());
    expect(report.stats?.dropped).toBe(0);
    expect(report.stats?.recorded).toBe(CALLS);
    expect(report.stats?.replayed).toBe(report.stats?.spilled);
    if (scenario !== 'slow') expect(report.stats?.spilled).toBeGreaterThan(0);
  });

  it('counts events as dropped when the spill directory is unwritable', async () => {
    const directory = tempDir('fault-unwritable');
    const delivered = join(directory, 'delivered.txt');
    const notADirectory = join(directory, 'file');
    writeFileSync(notADirectory, 'a file where the spill directory should be');

    const { report, code } = await runApp('unwritable', delivered, join(notADirectory, 'spill'));

    expect(code).toBe(0);
    expect(report.allSucceeded).toBe(true);
    expect(deliveredIds(delivered)).toEqual([]);
    expect(report.stats?.delivered).toBe(0);
    expect(report.stats?.dropped).toBe(CALLS);
    expect(report.stats?.droppedByReason).toEqual({ spill_failed: CALLS });
  });

  it('spills on SIGTERM mid-batch and replays in the next process', async () => {
    const directory = tempDir('fault-sigterm');
    const spillDir = join(directory, 'spill');
    const delivered = join(directory, 'delivered.txt');

    const terminated = await runApp('sigterm', delivered, spillDir, true);
    const beforeReplay = deliveredIds(delivered);
    const replay = await runApp('replay', delivered, spillDir);

    const received = counts(deliveredIds(delivered));
    expect(terminated.signal).toBe('SIGTERM');
    expect(terminated.report.allSucceeded).toBe(true);
    expect(beforeReplay).toEqual([]);
    expect(replay.code).toBe(0);
    expect(replay.report.stats?.replayed).toBe(CALLS);
    expect([...received.values()].every((count) => count === 1)).toBe(true);
    expect([...received.keys()].sort()).toEqual([...terminated.report.ids].sort());
  });
});
