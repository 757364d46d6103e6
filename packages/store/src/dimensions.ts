import { StoreError } from './errors.js';
import type { Dimension } from './types.js';

/** Column of each fixed dimension; state fields are handled per backend. */
export const DIMENSION_COLUMNS: Record<Exclude<Dimension, `state.${string}`>, string> = {
  feature: 'feature',
  model: 'model',
  provider: 'provider',
  release: 'release',
  environment: 'environment',
  template: 'template_id',
  prompt_version: 'prompt_version',
  user: 'user_id',
  status: 'status',
};

const STATE_FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Returns the column of a fixed dimension, or the state field name of a `state.` dimension. */
export function resolveDimension(dimension: Dimension): { column: string } | { stateField: string } {
  if (dimension.startsWith('state.')) {
    const field = dimension.slice('state.'.length);
    if (!STATE_FIELD_PATTERN.test(field)) {
      throw new StoreError(
        `invalid state field "${field}" in dimension "${dimension}": use letters, digits, _, . or -, starting with a letter or _`,
      );
    }
    return { stateField: field };
  }

  const column = (DIMENSION_COLUMNS as Record<string, string | undefined>)[dimension];
  if (column === undefined) {
    throw new StoreError(
      `unknown dimension "${dimension}": use one of ${Object.keys(DIMENSION_COLUMNS).join(', ')} or state.<field>`,
    );
  }
  return { column };
}
