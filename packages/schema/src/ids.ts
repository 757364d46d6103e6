import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

/**
 * Returns a new UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter
 * that keeps ids made in the same millisecond in order, then random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = randomBytes(2).readUInt16BE() & 0x1ff;
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      // The counter is spent for this millisecond: borrow the next one, as RFC 9562 allows.
      lastMillis += 1;
      sequence = 0;
    }
  }

  const random = randomBytes(8);
  const time = lastMillis.toString(16).padStart(12, '0');
  const variant = ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0');

  return [
    time.slice(0, 8),
    time.slice(8, 12),
    `7${sequence.toString(16).padStart(3, '0')}`,
    `${variant}${random.subarray(1, 2).toString('hex')}`,
    random.subarray(2, 8).toString('hex'),
  ].join('-');
}

/** Returns an RFC 3339 UTC timestamp with millisecond precision, the form events carry. */
export function utcTimestamp(date: Date = new Date()): string {
  return date.toISOString();
}
