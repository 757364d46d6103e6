import { describe, expect, test } from 'vitest';

import { UUID_V7_PATTERN, uuidv7 } from '../src/index.js';

describe('uuidv7', () => {
  test('matches the UUID version 7 pattern', () => {
    expect(uuidv7()).toMatch(new RegExp(UUID_V7_PATTERN));
  });

  test('encodes the timestamp in the first 48 bits', () => {
    // Later than any id made so far: the generator never goes back in time.
    const time = Date.UTC(2090, 11, 4, 10, 15, 30);

    expect(parseInt(uuidv7(time).replace(/-/g, '').slice(0, 12), 16)).toBe(time);
  });

  test('stays ordered when the clock goes back', () => {
    const first = uuidv7(Date.UTC(2091, 0, 1));
    const second = uuidv7(Date.UTC(2020, 0, 1));

    expect(second > first).toBe(true);
  });

  test('sorts in creation order within a millisecond', () => {
    const now = Date.UTC(2092, 0, 1);
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
