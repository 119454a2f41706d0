// Validates Graph JSON against the JSON Schemas generated from Microsoft's CSDL
// (scripts/graph-json-schemas.ts → test/support/graph-schemas/graph.schema.json). Strict:
// a property the CSDL does not define for the type is an error; OData annotations are allowed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type GraphTypeName =
  | 'contact'
  | 'contactFolder'
  | 'event'
  | 'calendar'
  | 'todoTaskList'
  | 'todoTask'
  | 'mailFolder'
  | 'message'
  | 'eventMessage'
  | 'eventMessageRequest'
  | 'eventMessageResponse'
  | 'attachment'
  | 'fileAttachment'
  | 'subscription'
  | 'scheduleInformation'
  | 'user';

const schemaFile = path.resolve(import.meta.dirname, 'graph-schemas/graph.schema.json');
const document = JSON.parse(readFileSync(schemaFile, 'utf8')) as { definitions: Record<string, unknown> };
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(document, 'graph');
const validators = new Map<string, ValidateFunction>();

function validator(type: GraphTypeName): ValidateFunction {
  let v = validators.get(type);
  if (!v) {
    v = ajv.getSchema(`graph#/definitions/microsoft.graph.${type}`)!;
    validators.set(type, v);
  }
  return v;
}

/** Throws with ajv's report when `entity` is not a valid Graph `type`. */
export function assertGraphEntity(type: GraphTypeName, entity: unknown): void {
  const validate = validator(type);
  if (!validate(entity)) {
    throw new Error(
      `Not a valid microsoft.graph.${type}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}\n${JSON.stringify(entity).slice(0, 800)}`,
    );
  }
}

/** Checks every entity of a collection or delta page; `@removed` entries carry only their id. */
export function assertGraphCollection(type: GraphTypeName, page: { value: unknown[] }): void {
  for (const entry of page.value) {
    const e = entry as Record<string, unknown>;
    if (e['@removed']) {
      const keys = Object.keys(e).filter((k) => !k.startsWith('@'));
      if (keys.join() !== 'id' || typeof e.id !== 'string')
        throw new Error(`A removed entry carries more than its id: ${JSON.stringify(e)}`);
      const reason = (e['@removed'] as { reason?: string }).reason;
      if (reason !== 'deleted' && reason !== 'changed') throw new Error(`Unknown @removed reason ${reason}`);
      continue;
    }
    assertGraphEntity(type, e);
  }
}
