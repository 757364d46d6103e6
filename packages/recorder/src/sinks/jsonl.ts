import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { EventSink, TelltaleEvent } from '@telltale/schema';

export interface JsonlSinkOptions {
  /** File the events are appended to, one JSON object per line. */
  path: string;
  /**
   * Size in bytes at which the file is rotated: it is renamed to `<path>.1` (older ones shift
   * to `.2`, `.3`, …) and a new file is started. Default 100 MiB; `0` never rotates.
   */
  maxBytes?: number;
  /** Rotated files kept besides the current one. Default 5. */
  maxFiles?: number;
}

/** Appends events to a JSON Lines file, rotated by size. A batch is synced to disk before `write` resolves. */
export class JsonlSink implements EventSink {
  readonly name = 'jsonl';
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  #file: FileHandle | undefined;
  #size = 0;

  constructor(options: JsonlSinkOptions) {
    this.#path = options.path;
    this.#maxBytes = options.maxBytes ?? 100 * 1024 * 1024;
    this.#maxFiles = options.maxFiles ?? 5;
  }

  async write(batch: readonly TelltaleEvent[]): Promise<void> {
    let text = '';
    for (const event of batch) text += `${JSON.stringify(event)}\n`;
    const bytes = Buffer.byteLength(text);

    await this.#open();
    if (this.#maxBytes > 0 && this.#size > 0 && this.#size + bytes > this.#maxBytes) {
      await this.#rotate();
    }

    const file = await this.#open();
    await file.appendFile(text);
    await file.datasync();
    this.#size += bytes;
  }

  async close(): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
  }

  async #open(): Promise<FileHandle> {
    if (this.#file) return this.#file;

    await mkdir(dirname(this.#path), { recursive: true });
    this.#file = await open(this.#path, 'a');
    this.#size = (await stat(this.#path)).size;
    return this.#file;
  }

  async #rotate(): Promise<void> {
    await this.close();

    for (let index = this.#maxFiles - 1; index >= 1; index -= 1) {
      await rename(`${this.#path}.${index}`, `${this.#path}.${index + 1}`).catch(() => undefined);
    }
    if (this.#maxFiles > 0) await rename(this.#path, `${this.#path}.1`);
    else await unlink(this.#path);
  }
}
