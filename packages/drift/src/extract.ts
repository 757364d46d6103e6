import { existsSync } from 'node:fs';

import type { LoadedProject } from '@telltale/analyzer';
import { closest, distance } from 'fastest-levenshtein';
import { Node, ts, type SourceFile, type Symbol as MorphSymbol, type Type } from 'ts-morph';

import { canonicalize, compareText, type JsonSchema, type JsonType } from './json-schema.js';

/** One feature of the catalog as the snapshot stores it. */
export interface FeatureSchema {
  /** JSON Schema of the feature's state object. */
  state: JsonSchema;
  description?: string;
  deprecated?: boolean;
  /** Former name of the feature, from a `@renamedFrom` JSDoc tag. */
  renamedFrom?: string;
}

export type CatalogSchema = Record<string, FeatureSchema>;

/** A catalog reference that points nowhere, or a type that cannot be turned into JSON Schema. */
export class CatalogError extends Error {
  override name = 'CatalogError';
}

/**
 * Extracts the feature catalog type `typeName` exported by `file` into JSON Schema: one entry
 * per feature, with the schema of its state.
 *
 * The conversion uses the TypeScript checker directly and covers the JSON-compatible subset of
 * TypeScript (primitives, literal unions, arrays, tuples, objects, records, `Date` as a
 * date-time string). ts-json-schema-generator, the usual library for this, needs Node.js 22
 * from version 2.5 and TypeScript 5 before that, so it does not fit this project's Node.js 20
 * and TypeScript 6 support.
 */
export function extractCatalog(loaded: LoadedProject, file: string, typeName: string): CatalogSchema {
  if (!existsSync(file)) {
    throw new CatalogError(`catalog file ${file} not found; fix "catalog.file" in telltale.config.*`);
  }

  const sourceFile = loaded.project.getSourceFile(file) ?? loaded.project.addSourceFileAtPath(file);
  rejectBrokenSources(loaded, sourceFile);
  const declaration = sourceFile.getExportedDeclarations().get(typeName)?.[0];

  if (!declaration || !(Node.isTypeAliasDeclaration(declaration) || Node.isInterfaceDeclaration(declaration))) {
    const exported = [...sourceFile.getExportedDeclarations().entries()]
      .filter(([, nodes]) =>
        nodes.some((node) => Node.isTypeAliasDeclaration(node) || Node.isInterfaceDeclaration(node)),
      )
      .map(([name]) => name);
    const suggestion = exported.length > 0 ? closest(typeName, exported) : undefined;
    const hint =
      suggestion && distance(typeName, suggestion) <= Math.max(2, typeName.length / 3)
        ? ` Did you mean "${suggestion}"?`
        : exported.length > 0
          ? ` Exported types there: ${exported.join(', ')}.`
          : ' The file exports no type aliases or interfaces.';
    throw new CatalogError(
      `type "${typeName}" is not exported by ${file}.${hint} Fix "catalog.type" in telltale.config.*`,
    );
  }

  const catalogType = declaration.getType();
  if (!catalogType.isObject() || catalogType.getCallSignatures().length > 0) {
    throw new CatalogError(
      `type "${typeName}" in ${file} is not an object type; a catalog maps feature names to state types, such as { 'draft-email': { templateId: string } }`,
    );
  }

  if (catalogType.getProperties().length === 0) {
    throw new CatalogError(
      `type "${typeName}" in ${file} declares no features; list each feature as a property, such as { 'draft-email': { templateId: string } }, not as an index signature`,
    );
  }

  const catalog: CatalogSchema = {};
  for (const feature of catalogType.getProperties()) {
    const stateType = feature.getTypeAtLocation(declaration);
    const docs = readJsDoc(feature);

    const state = new SchemaConverter(declaration).convert(
      stateType.getNonNullableType(),
      `${typeName}['${feature.getName()}']`,
    );
    catalog[feature.getName()] = canonicalize({
      state,
      description: docs.description,
      deprecated: docs.deprecated,
      renamedFrom: docs.renamedFrom,
    });
  }

  return catalog;
}

/**
 * Rejects a catalog whose file, or a file it imports, has a syntax error or an import that does
 * not resolve: the checker would recover with guessed or `any` types, and the snapshot would
 * record them as the schema.
 */
function rejectBrokenSources(loaded: LoadedProject, catalogFile: SourceFile): void {
  for (const file of [catalogFile, ...catalogFile.getReferencedSourceFiles()]) {
    if (file.isInNodeModules()) continue;

    const parseErrors = (file.compilerNode as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
    const first = parseErrors[0];
    if (first) throw new CatalogError(`${describeDiagnostic(file, first)}; fix the syntax error in the catalog`);
  }

  const program = loaded.project.getProgram().compilerObject;
  const unresolved = program
    .getSemanticDiagnostics(catalogFile.compilerNode as never)
    .find((diagnostic) => diagnostic.code === 2307 || diagnostic.code === 2792);
  if (unresolved) {
    throw new CatalogError(
      `${describeDiagnostic(catalogFile, unresolved)}; the catalog's types must resolve, so fix the import path or install the package`,
    );
  }
}

function describeDiagnostic(file: SourceFile, diagnostic: ts.Diagnostic): string {
  const position =
    diagnostic.start === undefined ? undefined : file.compilerNode.getLineAndCharacterOfPosition(diagnostic.start);
  const where = position ? `${file.getFilePath()}:${position.line + 1}:${position.character + 1}` : file.getFilePath();
  return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
}

class SchemaConverter {
  private readonly inProgress = new Set<Type>();

  constructor(private readonly location: Node) {}

  convert(type: Type, where: string): JsonSchema {
    if (type.isAny() || type.isUnknown()) return {};
    if (type.isString() || type.isTemplateLiteral()) return { type: 'string' };
    if (type.isNumber()) return { type: 'number' };
    if (type.isBoolean()) return { type: 'boolean' };
    if (type.isNull()) return { type: 'null' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.getLiteralValue() };
    if (type.isBooleanLiteral()) return { const: type.getText() === 'true' };
    if (type.isEnum()) return this.convertUnion(type.getUnionTypes(), where);
    if (type.isUnion()) return this.convertUnion(type.getUnionTypes(), where);
    if (type.isArray()) return { type: 'array', items: this.convert(type.getArrayElementTypeOrThrow(), `${where}[]`) };
    if (type.isTuple()) {
      return {
        type: 'array',
        prefixItems: type.getTupleElements().map((element, index) => this.convert(element, `${where}[${index}]`)),
      };
    }
    if (type.getSymbol()?.getName() === 'Date') return { type: 'string', format: 'date-time' };
    if (type.isObject() && type.getCallSignatures().length === 0) return this.convertObject(type, where);

    throw new CatalogError(
      `cannot express ${where} (${type.getText(this.location)}) in JSON Schema; state fields must be JSON data: strings, numbers, booleans, null, arrays, objects, literal unions`,
    );
  }

  private convertUnion(members: Type[], where: string): JsonSchema {
    const present = members.filter((member) => !member.isUndefined());
    const literals: Type[] = present.filter((member) => member.isStringLiteral() || member.isNumberLiteral());
    const booleans = present.filter((member) => member.isBooleanLiteral());
    const others = present.filter((member) => !literals.includes(member) && !booleans.includes(member));

    const alternatives: JsonSchema[] = [];
    if (literals.length > 0) alternatives.push({ enum: literals.map((member) => member.getLiteralValue()) });
    if (booleans.length === 2) alternatives.push({ type: 'boolean' });
    else if (booleans.length === 1) alternatives.push({ const: booleans[0]!.getText() === 'true' });
    for (const member of others) alternatives.push(this.convert(member, where));

    if (alternatives.length === 1) return alternatives[0]!;

    // `string | null` reads best, and diffs most stably, as one list of types.
    const plainTypes = alternatives.every(
      (alternative) => Object.keys(alternative).length === 1 && typeof alternative.type === 'string',
    );
    if (plainTypes) return { type: alternatives.map((alternative) => alternative.type as JsonType).sort() };

    return { anyOf: alternatives.sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b))) };
  }

  private convertObject(type: Type, where: string): JsonSchema {
    if (this.inProgress.has(type)) {
      throw new CatalogError(`${where} is recursive; state types must be finite JSON data`);
    }
    this.inProgress.add(type);

    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of type.getProperties()) {
      const name = property.getName();
      const propertyType = property.getTypeAtLocation(this.location);
      const docs = readJsDoc(property);
      const optional =
        property.isOptional() ||
        propertyType.isUndefined() ||
        propertyType.getUnionTypes().some((member) => member.isUndefined());

      // Unions drop their undefined member in convert(), so an optional field's schema is that of its type.
      const schema = this.convert(propertyType, `${where}.${name}`);
      properties[name] = {
        ...schema,
        description: docs.description,
        deprecated: docs.deprecated,
        'x-renamed-from': docs.renamedFrom,
      };
      if (!optional) required.push(name);
    }

    const indexType = type.getStringIndexType();
    this.inProgress.delete(type);

    return {
      type: 'object',
      properties,
      required,
      additionalProperties: indexType ? this.convert(indexType, `${where}[string]`) : false,
    };
  }
}

interface JsDocFacts {
  description: string | undefined;
  deprecated: boolean | undefined;
  renamedFrom: string | undefined;
}

function readJsDoc(symbol: MorphSymbol): JsDocFacts {
  const facts: JsDocFacts = { description: undefined, deprecated: undefined, renamedFrom: undefined };

  for (const declaration of symbol.getDeclarations()) {
    if (!Node.isJSDocable(declaration)) continue;
    for (const doc of declaration.getJsDocs()) {
      const description = doc.getDescription().trim();
      if (description) facts.description = description;
      for (const tag of doc.getTags()) {
        if (tag.getTagName() === 'deprecated') facts.deprecated = true;
        if (tag.getTagName() === 'renamedFrom')
          facts.renamedFrom = tag
            .getCommentText()
            ?.trim()
            .replace(/^['"]|['"]$/g, '');
      }
    }
  }

  return facts;
}
