import type { TSchema } from 'typebox';

import { FeedbackEvent } from './feedback.js';
import { ModelCallEvent } from './model-call.js';
import { SCHEMA_VERSION } from './version.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** File names of the committed JSON Schema documents under `schemas/`, by event kind. */
export const SCHEMA_FILES = {
  model_call: 'model-call.schema.json',
  feedback: 'feedback.schema.json',
} as const;

/** Returns the JSON Schema (2020-12) document of an event kind, as committed under `schemas/`. */
export function jsonSchemaOf(kind: keyof typeof SCHEMA_FILES): Record<string, unknown> {
  const schema: TSchema = kind === 'model_call' ? ModelCallEvent : FeedbackEvent;
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

  return { $schema: JSON_SCHEMA_DIALECT, ...plain, 'x-telltale-schema-version': SCHEMA_VERSION };
}
