import { SCHEMA_MAJOR } from '@telltale/schema';

import { StoreError } from './errors.js';
import type { MigrationStatus } from './types.js';

/**
 * One step of a store's schema. Ids count up from 1 per backend; `schemaMajor` is the event
 * schema major version the step belongs to, so a store and the events it holds move together.
 */
export interface Migration {
  id: number;
  name: string;
  schemaMajor: number;
  statements: readonly string[];
}

/** Computes which migrations are pending given the ids already applied. */
export function migrationStatus(migrations: readonly Migration[], applied: readonly number[]): MigrationStatus {
  const done = new Set(applied);
  const current = applied.length === 0 ? 0 : Math.max(...applied);
  const latest = migrations.length === 0 ? 0 : Math.max(...migrations.map((migration) => migration.id));

  return {
    current,
    latest,
    pending: migrations.filter((migration) => !done.has(migration.id)).map(({ id, name }) => ({ id, name })),
  };
}

/** Throws a {@link StoreError} that names the command to run when the store is behind or ahead. */
export function assertCurrent(status: MigrationStatus, displayUrl: string): void {
  if (status.current > status.latest) {
    throw new StoreError(
      `store ${displayUrl} is at migration ${status.current}, newer than this version of Telltale knows (${status.latest}); upgrade @telltale/store`,
    );
  }
  if (status.pending.length > 0) {
    throw new StoreError(
      `store ${displayUrl} is at migration ${status.current} of ${status.latest} (event schema ${SCHEMA_MAJOR}.x); run \`telltale store migrate --store ${displayUrl}\` to apply: ${status.pending.map((step) => step.name).join(', ')}`,
    );
  }
}
