// Graph reads the property names of request bodies without regard to case: `{"Message": …,
// "SaveToSentItems": true}` sends mail as `{"message": …, "saveToSentItems": true}` does (Graph's
// own CSDL spells sendMail's parameters in PascalCase). The handlers read Graph's documented
// spelling, so bodies are mapped onto it once, as they come in.
import type { Json } from './mappers/common.ts';
import { GRAPH_PROPERTY_NAMES } from './property-names.ts';

const CANONICAL = new Map(GRAPH_PROPERTY_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * A copy of `value` with every object key that names a known Graph property (in any case)
 * spelled as Graph documents it. Annotations (`@odata.type`, `x@odata.bind`) and unknown names
 * stay as they are, so unknown properties are still refused by the mappers.
 */
export function canonicalPropertyNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalPropertyNames);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value as Json)) {
    const name = key.includes('@') ? key : (CANONICAL.get(key.toLowerCase()) ?? key);
    // Two spellings of one property: the last one wins, as in Graph's JSON reader.
    out[name] = canonicalPropertyNames(v);
  }
  return out;
}
