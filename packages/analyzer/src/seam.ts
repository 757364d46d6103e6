/**
 * Re-types a value between ts-morph's bundled compiler declarations and those of the `typescript`
 * package, which the detector is written against. Both describe the same compiler (6.0), but as
 * distinct declarations, so the type checker cannot relate them.
 */
// The type parameter is the target of the re-typing; ESLint's single TypeScript sees one type there.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function acrossSeam<T>(value: unknown): T {
  return value as T;
}
