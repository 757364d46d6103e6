import Type, { type Static, type TObject, type TUnion, type TUnsafe } from 'typebox';

/**
 * Builds a union of object schemas distinguished by the constant value of `key`.
 *
 * The JSON Schema uses one `if`/`then` pair per variant instead of `anyOf`, so a validator
 * reports only the errors of the variant the value names, not one list per variant. The static
 * type is the plain union of the variants.
 */
export function discriminatedUnion<Variants extends TObject[]>(
  key: string,
  variants: [...Variants],
  options: { description?: string } = {},
): TUnsafe<Static<TUnion<Variants>>> {
  const tags = variants.map((variant) => tagOf(key, variant));

  return Type.Unsafe<Static<TUnion<Variants>>>({
    type: 'object',
    required: [key],
    properties: { [key]: { enum: tags } },
    allOf: variants.map((variant, index) => ({
      if: { properties: { [key]: { const: tags[index] } }, required: [key] },
      then: variant,
    })),
    ...options,
  });
}

function tagOf(key: string, variant: TObject): string {
  const property: { const?: unknown } | undefined = variant.properties[key];
  if (typeof property?.const !== 'string') {
    throw new TypeError(`Each variant of a discriminated union needs a string literal "${key}" property.`);
  }
  return property.const;
}
