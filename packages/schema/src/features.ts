/**
 * The app's feature catalog: each feature name mapped to the type of the state it carries.
 *
 * ```ts
 * export const features = defineFeatures<{
 *   'draft-email': { templateId: string; tone: 'formal' | 'casual' };
 *   'summarize-thread': { messageCount: number };
 * }>();
 * export type Features = FeaturesOf<typeof features>;
 * ```
 *
 * The recorder is generic over the catalog, so a misspelled feature or state field is a type
 * error, and `telltale drift` snapshots the same type.
 */
export type FeatureCatalog = Record<string, FeatureState>;

/** State of a feature: JSON-like fields the app wants to slice telemetry by. */
export type FeatureState = Record<string, unknown>;

/** A feature catalog declared with {@link defineFeatures}. */
export interface FeatureCatalogDefinition<Catalog extends FeatureCatalog> {
  /** Phantom field that carries the catalog type; it has no runtime value. */
  readonly __catalog?: Catalog;
  /** Feature names given at run time, when the app listed them. */
  readonly names: readonly (keyof Catalog & string)[];
  /** Returns whether `name` is a feature of this catalog (always true when no names were listed). */
  has(name: string): name is keyof Catalog & string;
}

/**
 * Declares the app's feature catalog. The type argument is the catalog; the optional names make
 * the catalog checkable at run time as well.
 */
export function defineFeatures<Catalog extends FeatureCatalog>(
  ...names: (keyof Catalog & string)[]
): FeatureCatalogDefinition<Catalog> {
  const known = new Set<string>(names);

  return {
    names,
    has(name: string): name is keyof Catalog & string {
      return known.size === 0 || known.has(name);
    },
  };
}

/** The catalog type of a definition made by {@link defineFeatures}. */
export type FeaturesOf<Definition> = Definition extends FeatureCatalogDefinition<infer Catalog> ? Catalog : never;

/** Feature names of a catalog. */
export type FeatureName<Catalog extends FeatureCatalog> = keyof Catalog & string;

/** State type of one feature of a catalog. */
export type StateOf<Catalog extends FeatureCatalog, Name extends FeatureName<Catalog>> = Catalog[Name];

/**
 * Context of a call to a feature of the catalog: the feature name together with the state type
 * that feature declares, so the pair is checked as one.
 */
export type FeatureContext<Catalog extends FeatureCatalog> = {
  [Name in FeatureName<Catalog>]: { feature: Name; state?: Catalog[Name] };
}[FeatureName<Catalog>];
