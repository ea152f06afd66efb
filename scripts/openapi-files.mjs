// The committed contract files, rendered from an OpenAPI document: openapi.json (keys sorted, so it
// diffs well) and the TypeScript client's schema.d.ts (openapi-typescript), both Prettier-formatted.
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import ts from 'typescript';

export const OPENAPI_JSON = 'openapi.json';
export const CLIENT_SCHEMA = 'clients/typescript/src/schema.d.ts';

const HEADER = `/**
 * Generated from openapi.json by \`npm run openapi\` (openapi-typescript). Do not edit.
 */

`;

/** @returns {Promise<Record<string, string>>} path (from the repository root) → content */
export async function renderContractFiles(document, sortedDocument, root) {
  const sorted = sortedDocument(document);
  const options = (await prettier.resolveConfig(`${root}/${OPENAPI_JSON}`)) ?? {};
  const json = await prettier.format(JSON.stringify(sorted), { ...options, parser: 'json' });
  const ast = await openapiTS(structuredClone(sorted), {
    alphabetize: true,
    // Uploads and downloads are bytes: a Blob (or File) in browsers and Node alike, not a string.
    transform(schema) {
      if (schema.format !== 'binary') return undefined;
      const blob = ts.factory.createTypeReferenceNode('Blob');
      return schema.nullable
        ? ts.factory.createUnionTypeNode([blob, ts.factory.createLiteralTypeNode(ts.factory.createNull())])
        : blob;
    },
  });
  const types = await prettier.format(HEADER + astToString(ast), { ...options, parser: 'typescript' });
  return { [OPENAPI_JSON]: json, [CLIENT_SCHEMA]: types };
}
