// A Graph path as segments, shared by the router and by subscriptions, which name their resource
// by a path of their own.
import { badRequest } from './errors.ts';

/** Splits a Graph path into decoded segments; `mailFolders('inbox')` becomes two segments. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (!raw) continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw badRequest(`The path segment '${raw}' is not validly percent-encoded.`);
    }
    // Bound functions and actions may be namespace-qualified (`microsoft.graph.delta`), as OData
    // allows and Microsoft's SDKs sometimes write.
    segment = segment.replace(/^microsoft\.graph\./i, '');
    // Named parameters (`delta(token='…')`, `reminderView(StartDateTime=…)`): no function
    // the sandbox serves takes any.
    const call = /^([^(]+)\(([^)]*=[^)]*)\)$/.exec(segment);
    if (call) {
      throw badRequest(
        `The function '${call[1]}' is called with parameters, and no function the sandbox serves takes any; call delta as 'delta()' or 'delta'.`,
      );
    }
    const key = /^([^(]+)\((?:'([^']*)'|([^)']*))\)$/.exec(segment);
    if (!key) out.push(segment);
    // `delta()`: a function called with no parameters is the same as `delta` (OData 4.01 lets
    // the parentheses go; Graph and its current SDK use both forms).
    else if (key[2] === undefined && key[3] === '') out.push(key[1]);
    else out.push(key[1], key[2] ?? key[3]);
  }
  return out;
}
