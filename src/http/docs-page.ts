// /api/docs: the OpenAPI document rendered as one self-contained HTML page (no scripts, no
// external assets), so that it works offline and behind strict content security policies.
import type { OpenApiDocument } from './openapi.ts';

type Json = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function anchor(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** A schema as JSON, with `$ref`s turned into links to the schema's section. */
function renderSchema(schema: unknown): string {
  const pretty = escapeHtml(JSON.stringify(schema, null, 2));
  return `<pre>${pretty.replace(
    /&#34;#\/components\/schemas\/([^&]+)&#34;/g,
    (_m, name: string) => `<a href="#schema-${anchor(name)}">&#34;${name}&#34;</a>`,
  )}</pre>`;
}

function renderOperation(path: string, method: string, op: Json): string {
  const parameters = (op.parameters ?? []) as Json[];
  const requestBody = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
  const responses = op.responses as Record<
    string,
    { description: string; content?: Record<string, { schema: unknown }> }
  >;
  const security = op.security ? 'Bearer token, or session cookie with X-CSRF-Token' : 'none';
  const parts = [
    `<section class="op" id="op-${anchor(String(op.operationId))}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p>${escapeHtml(String(op.summary ?? ''))}</p>`,
    op.description ? `<p>${escapeHtml(String(op.description))}</p>` : '',
    `<p class="meta">operationId <code>${escapeHtml(String(op.operationId))}</code> · authentication: ${security}</p>`,
  ];
  if (parameters.length > 0) {
    parts.push(
      '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>',
    );
    for (const p of parameters) {
      parts.push(
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td>` +
          `<td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (requestBody) {
    for (const [type, media] of Object.entries(requestBody.content)) {
      parts.push(`<h4>Request body (${escapeHtml(type)})</h4>${renderSchema(media.schema)}`);
    }
  }
  parts.push('<h4>Responses</h4><dl>');
  for (const [status, response] of Object.entries(responses)) {
    parts.push(`<dt>${escapeHtml(status)}</dt><dd>${escapeHtml(response.description)}`);
    for (const [type, media] of Object.entries(response.content ?? {})) {
      if (status.startsWith('2'))
        parts.push(`<div class="type">${escapeHtml(type)}</div>${renderSchema(media.schema)}`);
    }
    parts.push('</dd>');
  }
  parts.push('</dl></section>');
  return parts.join('\n');
}

export function renderDocsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String(((op.tags as string[]) ?? ['Other'])[0]);
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(renderOperation(path, method, op));
      toc.push(
        `<li><a href="#op-${anchor(String(op.operationId))}"><span class="method ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
      );
    }
  }
  const sections = [...byTag].map(
    ([tag, ops]) => `<h2 id="tag-${anchor(tag)}">${escapeHtml(tag)}</h2>\n${ops.join('\n')}`,
  );
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) =>
      `<section id="schema-${anchor(name)}"><h3>${escapeHtml(name)}</h3>${renderSchema(schema)}</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: flex; color: #1d2430; }
nav { width: 22rem; flex: none; height: 100vh; overflow: auto; position: sticky; top: 0; background: #f4f6f9; padding: 1rem; box-sizing: border-box; font-size: 13px; }
nav ul { list-style: none; padding: 0; margin: 0; } nav li { margin: .15rem 0; } nav a { color: inherit; text-decoration: none; }
main { padding: 1rem 2rem; max-width: 70rem; min-width: 0; }
.op { border-top: 1px solid #dde2ea; padding: .5rem 0 1rem; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 3px; color: #fff; font: bold 12px monospace; padding: 1px 4px; }
.get { background: #2f7d4f; } .post { background: #2563a8; } .patch, .put { background: #a06a12; } .delete { background: #b03535; }
pre { background: #f4f6f9; padding: .6rem; overflow: auto; max-height: 28rem; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #dde2ea; padding: 2px 6px; text-align: left; vertical-align: top; }
.meta, .type { color: #5b6575; font-size: 13px; } dt { font-weight: bold; }
</style>
</head>
<body>
<nav><p><strong>${escapeHtml(document.info.title)}</strong> ${escapeHtml(document.info.version)}</p>
<p><a href="/api/openapi.json">openapi.json</a></p><ul>${toc.join('\n')}</ul></nav>
<main>
<h1>${escapeHtml(document.info.title)}</h1>
<p>${escapeHtml(document.info.description)}</p>
${sections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</main>
</body>
</html>
`;
}
