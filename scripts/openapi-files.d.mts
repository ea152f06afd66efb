export declare const OPENAPI_JSON: 'openapi.json';
export declare const CLIENT_SCHEMA: 'clients/typescript/src/schema.d.ts';
export declare function renderContractFiles(
  document: object,
  sortedDocument: (value: unknown) => unknown,
  root: string,
): Promise<Record<string, string>>;
