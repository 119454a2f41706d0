// Where Microsoft's EWS WSDL and schemas live: shipped with the sandbox (schema/README.md), so an
// installed copy serves them and tests validate against them without anything outside the repository.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EWS_SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'schema');

/** The files Exchange publishes under /EWS/, by the name it serves them under. */
export const EWS_SCHEMA_FILES = ['Services.wsdl', 'messages.xsd', 'types.xsd', 'xml.xsd'] as const;

export const ewsSchemaPath = (file: string): string => resolve(EWS_SCHEMA_DIR, file.toLowerCase());
