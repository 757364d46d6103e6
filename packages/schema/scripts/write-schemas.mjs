// Writes the committed JSON Schema documents under schemas/ from the TypeBox definitions in
// src/. Run after `npm run build`; the schema test fails when the committed files are stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SCHEMA_FILES, jsonSchemaOf } from '../dist/index.js';

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

for (const [kind, file] of Object.entries(SCHEMA_FILES)) {
  writeFileSync(join(schemasDir, file), `${JSON.stringify(jsonSchemaOf(kind), null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
