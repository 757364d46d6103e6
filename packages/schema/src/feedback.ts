import Type, { type Static } from 'typebox';

import { UUID_V7_PATTERN, UserRef, UtcTimestamp, UuidV7 } from './common.js';

/** Signals every Telltale component understands. Apps may send their own kinds besides these. */
export const BUILT_IN_SIGNALS = ['regenerate', 'edit', 'abandon', 'thumbs_up', 'thumbs_down', 'uncertainty'] as const;
export type BuiltInSignal = (typeof BUILT_IN_SIGNALS)[number];

/** Lower-case identifier for an app-defined signal kind, such as `copied` or `escalated_to_human`. */
export const SIGNAL_PATTERN = '^[a-z][a-z0-9_.-]{0,63}$';

export const FeedbackEvent = Type.Object(
  {
    kind: Type.Literal('feedback'),
    schema_version: Type.String({ pattern: '^1\\.\\d+\\.\\d+$', description: 'Event schema version, semver.' }),
    event_id: UuidV7,
    request_id: Type.String({
      pattern: UUID_V7_PATTERN,
      description: 'Request id of the model call the signal is about.',
    }),
    timestamp: UtcTimestamp,
    signal: Type.String({
      pattern: SIGNAL_PATTERN,
      description: 'regenerate, edit, abandon, thumbs_up, thumbs_down, uncertainty, or an app-defined kind.',
    }),
    value: Type.Optional(
      Type.Union([Type.Number(), Type.String(), Type.Boolean()], { description: 'App-defined value of the signal.' }),
    ),
    edit_distance: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Normalized edit distance between the response and what the user kept: 0 unchanged, 1 rewritten.',
      }),
    ),
    phrases: Type.Optional(
      Type.Array(Type.String(), { description: 'Uncertainty phrases found in the response text.' }),
    ),
    source: Type.Union([Type.Literal('app'), Type.Literal('recorder')], {
      description: 'Whether the app sent the signal or the recorder detected it.',
    }),
    context: Type.Optional(
      Type.Object(
        {
          feature: Type.Optional(Type.String({ minLength: 1 })),
          user: Type.Optional(UserRef),
          session: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    $id: 'urn:telltale:schema:feedback',
    title: 'Telltale feedback event',
    allOf: [
      {
        if: { properties: { signal: { const: 'edit' } }, required: ['signal'] },
        then: { required: ['edit_distance'] },
      },
      {
        if: { properties: { signal: { const: 'uncertainty' } }, required: ['signal'] },
        then: { required: ['phrases'] },
      },
    ],
  },
);
export type FeedbackEvent = Static<typeof FeedbackEvent>;
