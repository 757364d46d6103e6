import { appendFileSync, mkdirSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { TelltaleEvent } from '@telltale/schema';

const REPLAYING = /^(.+)\.(\d+)(?:-\d+)?\.replaying$/;

/**
 * Events of one sink that could not be delivered, kept as JSON Lines in
 * `<directory>/<sink name>.jsonl` until the sink accepts them again.
 */
export class SpillFile {
  readonly path: string;

  constructor(
    private readonly directory: string,
    private readonly sinkName: string,
    private readonly maxBytes: number,
  ) {
    this.path = join(directory, `${sinkName.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
  }

  /** Appends events; rejects when the directory is not writable or the file would exceed its limit. */
  async append(events: readonly TelltaleEvent[]): Promise<void> {
    const text = toJsonLines(events);
    await mkdir(this.directory, { recursive: true });

    const size = await stat(this.path).then(
      (stats) => stats.size,
      () => 0,
    );
    if (size + Buffer.byteLength(text) > this.maxBytes) throw new SpillFullError(this.path, this.maxBytes);

    await appendFile(this.path, text);
  }

  /** Appends events synchronously, for the `exit` event and signals; the size limit still applies. */
  appendSync(events: readonly TelltaleEvent[]): void {
    if (events.length === 0) return;
    mkdirSync(this.directory, { recursive: true });
    appendFileSync(this.path, toJsonLines(events));
  }

  /**
   * Moves the spilled events aside and returns them with the file they now sit in. A file left
   * by a process that died during its replay is taken over as well.
   */
  async take(): Promise<{ events: TelltaleEvent[]; files: string[] } | undefined> {
    const claimed = join(
      this.directory,
      `${this.sinkName.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl.${process.pid}.replaying`,
    );
    const files: string[] = [];

    try {
      await rename(this.path, claimed);
      files.push(claimed);
    } catch {
      // No spill file: nothing to take unless a dead process left one behind.
    }
    files.push(...(await this.#orphans()));
    if (files.length === 0) return undefined;

    const events: TelltaleEvent[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          events.push(JSON.parse(line) as TelltaleEvent);
        } catch {
          // A line cut short by a crash mid-append; the rest of the file is still valid.
        }
      }
    }
    return { events, files };
  }

  /** Deletes files whose events were delivered. */
  async release(files: readonly string[]): Promise<void> {
    await Promise.all(files.map((file) => unlink(file).catch(() => undefined)));
  }

  async hasEvents(): Promise<boolean> {
    try {
      return (await stat(this.path)).size > 0 || (await this.#orphans()).length > 0;
    } catch {
      return (await this.#orphans()).length > 0;
    }
  }

  async #orphans(): Promise<string[]> {
    const base = `${this.sinkName.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`;
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return [];
    }

    const orphans: string[] = [];
    for (const name of names) {
      const match = REPLAYING.exec(name);
      if (match?.[1] !== base) continue;
      const pid = Number(match[2]);
      if (pid !== process.pid && !isAlive(pid)) {
        const claimed = join(this.directory, `${base}.${process.pid}-${pid}.replaying`);
        try {
          await rename(join(this.directory, name), claimed);
          orphans.push(claimed);
        } catch {
          // Another process took it first.
        }
      }
    }
    return orphans;
  }
}

/** The spill file would grow past its configured maximum size. */
export class SpillFullError extends Error {
  constructor(path: string, maxBytes: number) {
    super(`Spill file ${path} would exceed its limit of ${maxBytes} bytes; the batch is dropped.`);
    this.name = 'SpillFullError';
  }
}

function toJsonLines(events: readonly TelltaleEvent[]): string {
  let text = '';
  for (const event of events) text += `${JSON.stringify(event)}\n`;
  return text;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
