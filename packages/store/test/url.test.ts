import { describe, expect, test } from 'vitest';

import { openStore, redactUrl, resolveStoreUrl, StoreError } from '../src/index.js';

describe('store URLs', () => {
  test('redaction hides the password', () => {
    expect(redactUrl('postgres://app:hunter2@db:5432/telltale')).toBe('postgres://app:***@db:5432/telltale');
    expect(redactUrl('sqlite:./telltale.db')).toBe('sqlite:./telltale.db');
  });

  test('resolution prefers the flag, then the variable', () => {
    expect(resolveStoreUrl('sqlite:a.db', { TELLTALE_STORE_URL: 'sqlite:b.db' })).toBe('sqlite:a.db');
    expect(resolveStoreUrl(undefined, { TELLTALE_STORE_URL: 'sqlite:b.db' })).toBe('sqlite:b.db');
    expect(resolveStoreUrl(undefined, {})).toBe('sqlite:.telltale/telltale.db');
  });

  test('unknown scheme lists the supported ones', () => {
    expect(() => openStore('mysql://root:pw@localhost/db')).toThrow(StoreError);
    expect(() => openStore('mysql://root:pw@localhost/db')).toThrow(
      /unsupported store URL scheme "mysql:".*sqlite:<path>/,
    );
    expect(() => openStore('mysql://root:pw@localhost/db')).not.toThrow(/:pw@/);
  });

  test('empty sqlite path is rejected', () => {
    expect(() => openStore('sqlite:')).toThrow(/name a file/);
  });
});
