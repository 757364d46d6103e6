/**
 * Version of the event schema, as semver.
 *
 * Policy: adding an optional field or a new enum member that readers may ignore is a minor
 * change; anything else (removing or renaming a field, making a field required, narrowing a
 * type, removing an enum member, changing a meaning) is a major change. Stores migrate with the
 * major version, and `telltale drift` fails a pull request that changes the major version
 * without acknowledging it.
 */
export const SCHEMA_VERSION = '1.0.0';

/** Major version of {@link SCHEMA_VERSION}, the part events and stores must agree on. */
export const SCHEMA_MAJOR = 1;
