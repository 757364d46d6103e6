import Type, { type Static } from 'typebox';

/** Lower-case UUID version 7 (RFC 9562): time-ordered, so request ids sort by start time. */
export const UUID_V7_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** RFC 3339 timestamp in UTC, with the `Z` designator and up to nanosecond precision. */
export const UTC_TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';

export const UuidV7 = Type.String({
  pattern: UUID_V7_PATTERN,
  description: 'UUID version 7 in lower case (time-ordered).',
});

export const UtcTimestamp = Type.String({
  format: 'date-time',
  pattern: UTC_TIMESTAMP_PATTERN,
  description: 'RFC 3339 timestamp in UTC, ending in Z.',
});

export const TokenCount = Type.Integer({ minimum: 0, description: 'Number of tokens.' });

export const Milliseconds = Type.Number({ minimum: 0, description: 'Duration in milliseconds.' });

export const NonEmptyString = Type.String({ minLength: 1 });

/** Any JSON value. Used where the four-tuple must keep what the app or provider sent verbatim. */
export const JsonValue = Type.Unknown({ description: 'Any JSON value, kept verbatim.' });

/**
 * The parts of the user context that a recorder could not establish. Listing them keeps gaps
 * visible in the data instead of hiding them behind empty strings.
 */
export const ContextPart = Type.Union(
  [
    Type.Literal('feature'),
    Type.Literal('user'),
    Type.Literal('session'),
    Type.Literal('release'),
    Type.Literal('environment'),
  ],
  { description: 'A part of the user context.' },
);
export type ContextPart = Static<typeof ContextPart>;

/** The feature name a recorder writes when the app established none; `missing` then lists `feature`. */
export const UNATTRIBUTED_FEATURE = 'unattributed';

export const UserRef = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'User id as the app knows it, or its keyed hash.' }),
    pseudonymized: Type.Boolean({
      description: 'True when `id` is a keyed HMAC of the app user id rather than the id itself.',
    }),
  },
  { additionalProperties: false },
);
export type UserRef = Static<typeof UserRef>;
