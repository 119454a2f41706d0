// For tests (of the sandbox, and of Exsync's EWS connector against it): validates EWS messages
// exchanged in a test file against Microsoft's schema (messages.xsd, shipped with the sandbox in
// ews/schema). xmllint-wasm is a dev dependency, so only tests load this module. Validation runs
// in batches (xmllint-wasm costs about 0.4 s per call), so tests record what they send and
// receive and check it in afterAll:
//
//   afterAll(() => expectAllEwsValid());
//   recordEwsExchange(requestXml, responseXml);

import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

import { ewsSchemaPath } from './schema-files.ts';

let schemaFiles: Array<{ fileName: string; contents: string }> | undefined;
function schema() {
  schemaFiles ??= ['messages.xsd', 'types.xsd', 'xml.xsd'].map((f) => ({
    fileName: f,
    contents: readFileSync(ewsSchemaPath(f), 'utf8'),
  }));
  return schemaFiles;
}

export interface EwsBody {
  label: string;
  xml: string;
}

const XMLNS = /\sxmlns(?::[\w.-]+)?="[^"]*"/g;

/**
 * The operation elements inside the soap:Body of each envelope in `text` (a streaming response
 * holds several), standalone: the namespace declarations in scope are copied onto them.
 * Faults are skipped: they are SOAP's, not the EWS schema's.
 */
export function operationElements(text: string): string[] {
  const out: string[] = [];
  const envelopes = text
    .split(/(?=<\?xml)|(?<=<\/[\w.-]*:?Envelope>)(?=\s*<)/)
    .filter((s) => /Envelope/.test(s));
  for (const env of envelopes) {
    const bodyOpen = /<([\w.-]+:)?Body(\s[^>]*)?>/.exec(env);
    if (!bodyOpen) continue;
    const prefix = bodyOpen[1] ?? '';
    const bodyClose = env.lastIndexOf(`</${prefix}Body>`);
    if (bodyClose < 0) continue;
    const inner = env.slice(bodyOpen.index + bodyOpen[0].length, bodyClose).trim();
    if (inner === '' || /^<([\w.-]+:)?Fault[\s>]/.test(inner)) continue;
    const declared = new Map<string, string>();
    const head = env.slice(0, bodyOpen.index + bodyOpen[0].length);
    for (const tag of head.match(/<[^!?/][^>]*>/g) ?? []) {
      for (const d of tag.match(XMLNS) ?? []) declared.set(d.trim().split('=')[0], d.trim());
    }
    const firstTag = /^<[^\s/>]+/.exec(inner)![0];
    const ownTag = /^<[^>]*>/.exec(inner)![0];
    const missing = [...declared.entries()].filter(([k]) => !ownTag.includes(`${k}=`)).map(([, d]) => d);
    out.push(firstTag + (missing.length ? ` ${missing.join(' ')}` : '') + inner.slice(firstTag.length));
  }
  return out;
}

export async function validateEwsBodies(bodies: EwsBody[]): Promise<string[]> {
  if (bodies.length === 0) return [];
  const files = bodies.map((b, i) => ({ fileName: `body${i}.xml`, contents: b.xml }));
  const [main, ...rest] = schema();
  const result = await validateXML({ xml: files, schema: main, preload: rest, maxMemoryPages: 16384 });
  if (result.valid) return [];
  return result.errors
    .filter((e) => !/fails to validate$/.test(e.rawMessage))
    .map((e) => {
      const index = Number(/body(\d+)\.xml/.exec(e.rawMessage)?.[1] ?? -1);
      const b = bodies[index];
      return `${b ? b.label : '?'}: ${e.message}${b ? `\n    in: ${b.xml.slice(0, 600)}` : ''}`;
    });
}

export class EwsSchemaRecorder {
  readonly bodies: EwsBody[] = [];

  /** Records each operation element of a request or response envelope. */
  record(label: string, envelopeXml: string): void {
    for (const xml of operationElements(envelopeXml)) this.bodies.push({ label, xml });
  }

  recordExchange(requestXml: string, responseXml: string, label = 'exchange'): void {
    this.record(`${label} request`, requestXml);
    this.record(`${label} response`, responseXml);
  }

  async errors(): Promise<string[]> {
    const errors: string[] = [];
    // Batches keep memory bounded when a suite records hundreds of bodies.
    for (let i = 0; i < this.bodies.length; i += 200) {
      errors.push(...(await validateEwsBodies(this.bodies.slice(i, i + 200))));
    }
    return errors;
  }

  async expectAllValid(): Promise<void> {
    const errors = await this.errors();
    if (errors.length > 0) {
      throw new Error(
        `${errors.length} EWS schema violation(s) in ${this.bodies.length} bodies:\n${errors.slice(0, 20).join('\n')}`,
      );
    }
  }
}

const shared = new EwsSchemaRecorder();

/** Records one request/response pair in the file-wide recorder. */
export function recordEwsExchange(requestXml: string, responseXml: string, label?: string): void {
  shared.recordExchange(requestXml, responseXml, label);
}

/** Validates everything recorded with recordEwsExchange in this test file. */
export function expectAllEwsValid(): Promise<void> {
  return shared.expectAllValid();
}

export function recordedEwsBodyCount(): number {
  return shared.bodies.length;
}
