import { randomUUID } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

/**
 * Returns a new UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter
 * that keeps ids made in the same millisecond in order, then random bits.
 *
 * The random bits come from `randomUUID()`, which draws on a cached pool of random bytes and so
 * costs a fraction of a `randomBytes()` call per id. A version 4 UUID ends in the same variant
 * field and 62 random bits as version 7. Its first hex digits, also random, seed the counter.
 */
export function uuidv7(now: number = Date.now()): string {
  const random = randomUUID();

  if (now > lastMillis) {
    lastMillis = now;
    sequence = parseInt(random.slice(0, 3), 16) & 0x1ff;
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      // The counter is spent for this millisecond: borrow the next one, as RFC 9562 allows.
      lastMillis += 1;
      sequence = 0;
    }
  }

  const time = lastMillis.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}${random.slice(18)}`;
}

/** Returns an RFC 3339 UTC timestamp with millisecond precision, the form events carry. */
export function utcTimestamp(date: Date = new Date()): string {
  return date.toISOString();
}
