// Contacts as CSV over HTTP (B6): GET /api/v1/contacts/export.csv streams every visible contact,
// POST /api/v1/contacts/import takes a text/csv body. Both need the CanImportExport operation.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Crm } from '../../crm/index.ts';
import { contactFilterSchema } from '../../crm/index.ts';
import type { Principal } from '../../crm/principal.ts';
import {
  CsvRowLimitError,
  CsvSyntaxError,
  type Delimiter,
  decodeCsv,
  exportContactsCsv,
  importContactsCsv,
} from '../../csv/index.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';

/** The largest CSV file an import accepts. */
export const CSV_IMPORT_LIMIT = 20 * 1024 * 1024;

const delimiterQuery = z
  .enum([',', ';', 'tab'])
  .optional()
  .meta({ description: 'Field delimiter: `,` (default), `;` (Excel in German and other locales) or `tab`.' });

const flag = z.enum(['true', 'false']).optional();

const exportQuery = z.strictObject({
  ...contactFilterSchema.shape,
  delimiter: delimiterQuery,
  bom: flag.meta({
    description: 'true: start with a UTF-8 byte order mark, so that Excel reads the umlauts.',
  }),
});

const importQuery = z.strictObject({
  delimiter: delimiterQuery.meta({
    description: 'Field delimiter; detected from the header line when absent.',
  }),
  dryRun: flag.meta({ description: 'true: validate and report only, write nothing.' }),
});

export const importSummarySchema = z
  .strictObject({
    dryRun: z.boolean(),
    created: z.number().int().meta({ description: 'Contacts created (or that would be, in a dry run).' }),
    updated: z.number().int().meta({ description: 'Contacts updated through their Id column.' }),
    failed: z
      .array(
        z.strictObject({
          line: z.number().int().meta({ description: 'Line of the file on which the row starts.' }),
          errors: z.array(
            z.strictObject({
              field: z.string().meta({ description: 'Column name; empty for the row as a whole.' }),
              message: z.string(),
            }),
          ),
        }),
      )
      .meta({ description: 'Rows not written, with the reasons; nothing of them was written.' }),
    warnings: z
      .array(z.strictObject({ column: z.string().optional(), message: z.string() }))
      .meta({ description: 'Columns ignored and other things worth checking.' }),
  })
  .meta({ id: 'ContactImportSummary' });

function toDelimiter(value: string | undefined): Delimiter | undefined {
  return value === 'tab' ? '\t' : (value as Delimiter | undefined);
}

function requireImportExport(principal: Principal): void {
  if (!principal.operations.has('CanImportExport') && !principal.isAdmin) {
    throw new ApiError(
      403,
      'forbidden',
      'Importing and exporting CSV needs the CanImportExport operation; ask an administrator to add it to one of your roles.',
    );
  }
}

/** Reads text/csv bodies as bytes, up to CSV_IMPORT_LIMIT (413 beyond), for the import. */
export function registerCsvBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'text/csv',
    async (request: { headers: Record<string, unknown> }, payload: AsyncIterable<Buffer>) => {
      const tooLarge = () =>
        new ApiError(
          413,
          'payload_too_large',
          `The CSV file is larger than the ${CSV_IMPORT_LIMIT / (1024 * 1024)} MB an import accepts; split it into several files.`,
        );
      if (Number(request.headers['content-length'] ?? 0) > CSV_IMPORT_LIMIT) throw tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        size += chunk.length;
        if (size > CSV_IMPORT_LIMIT) throw tooLarge();
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    },
  );
}

export function csvRoutes(crm: Crm): Operation[] {
  return [
    operation({
      method: 'GET',
      path: '/api/v1/contacts/export.csv',
      operationId: 'exportContactsCsv',
      tag: 'Contacts',
      summary: 'Export the contacts you can see as CSV, with every email, phone, address and website.',
      description:
        'Takes the filters of the contact list. Multi-valued fields become numbered column groups sized to the data ' +
        '(Email 1 Type, Email 1 Address, …). Cells that start with = + - @ are written with a leading apostrophe so ' +
        'that spreadsheets do not run them as formulas; the import removes it again. Needs CanImportExport.',
      auth: 'user',
      query: exportQuery,
      response: {
        status: 200,
        description: 'The CSV file, streamed.',
        schema: z.string(),
        contentType: 'text/csv; charset=utf-8',
      },
      errors: [403],
      handler: async ({ principal, query, reply }) => {
        requireImportExport(principal!);
        const { delimiter, bom, ...filter } = query as z.infer<typeof exportQuery>;
        const chunks = await exportContactsCsv(crm, principal!, {
          filter,
          delimiter: toDelimiter(delimiter),
          bom: bom === 'true',
        });
        reply.header('content-disposition', 'attachment; filename="contacts.csv"');
        return Readable.from(chunks);
      },
    }),
    operation({
      method: 'POST',
      path: '/api/v1/contacts/import',
      operationId: 'importContactsCsv',
      tag: 'Contacts',
      summary: 'Import contacts from a CSV file sent as the body with Content-Type: text/csv (up to 20 MB).',
      description:
        'Rows with an Id update that contact (you need edit rights), rows without create one. Rows are checked with ' +
        'the same rules as the contact API; bad rows are listed in `failed` with their line and column and are not ' +
        'written at all, the others are. Outlook CSV exports are understood. Needs CanImportExport.',
      auth: 'user',
      query: importQuery,
      response: {
        status: 200,
        description: 'What was imported and what failed.',
        schema: importSummarySchema,
      },
      errors: [403, 413, 415, 422],
      handler: async ({ principal, query, request }) => {
        requireImportExport(principal!);
        if (!Buffer.isBuffer(request.body)) {
          throw new ApiError(
            415,
            'unsupported_media_type',
            'Send the CSV file as the request body with Content-Type: text/csv.',
          );
        }
        const { delimiter, dryRun } = query as z.infer<typeof importQuery>;
        const { text, warning } = decodeCsv(request.body);
        try {
          const summary = await importContactsCsv(crm, principal!, text, {
            dryRun: dryRun === 'true',
            delimiter: toDelimiter(delimiter),
          });
          if (warning) summary.warnings.unshift(warning);
          return summary;
        } catch (error) {
          if (error instanceof CsvSyntaxError) {
            const what =
              error instanceof CsvRowLimitError ? 'The file is too long' : 'The file is not valid CSV';
            throw new ApiError(422, 'validation_failed', `${what}: ${error.message}`, {
              details: [{ path: `line ${error.line}`, message: error.message }],
            });
          }
          throw error;
        }
      },
    }),
  ];
}
