// The thread that parses long EWS answers (see parseAnswerTreeOffThread in xml.ts), so that the main
// thread keeps serving requests while a megabyte of XML is read.
import { parentPort } from 'node:worker_threads';
import { XMLParser } from 'fast-xml-parser';
import { PARSER_OPTIONS } from './xml.ts';

const parser = new XMLParser(PARSER_OPTIONS);

parentPort?.on('message', ({ id, text }: { id: number; text: string }) => {
  try {
    parentPort!.postMessage({ id, doc: parser.parse(text, true) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
