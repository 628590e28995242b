/**
 * Reads lab files off the main thread: a 5,000-run export is seconds of JSON parsing and shape,
 * range and config checks, which would freeze the page in one task. The page posts the file's
 * text; this worker answers with the checked runs in pages of REPLY_PAGE (each page is
 * structured-cloned back as its own message, NaN metrics intact, so no single task on the page
 * deserialises thousands of runs), then the file's kind and plan, or the refusal's message.
 * One file per request; see client/parseImportOffThread.ts.
 */
import { errorMessage } from '../engine/errorMessage';
import { ImportError, parseImport, type ImportedFile } from '../engine/lab/importLab';
import type { LabRun } from '../engine/lab/types';

/** Runs per reply message. */
const REPLY_PAGE = 250;

export interface ImportRequest {
  id: number;
  name: string;
  text: string;
}

export type ImportReply =
  | { id: number; type: 'runs'; runs: LabRun[] }
  | { id: number; type: 'done'; kind: ImportedFile['kind']; plan: ImportedFile['plan'] }
  | { id: number; type: 'refused'; message: string };

self.addEventListener('message', (e: MessageEvent<ImportRequest>) => {
  const { id, name, text } = e.data;
  const post = (reply: ImportReply) => self.postMessage(reply);
  let file: ImportedFile;
  try {
    file = parseImport(text, name);
  } catch (err) {
    post({ id, type: 'refused', message: err instanceof ImportError ? err.message : `${name} was not imported: ${errorMessage(err)}` });
    return;
  }
  for (let i = 0; i < file.runs.length; i += REPLY_PAGE) post({ id, type: 'runs', runs: file.runs.slice(i, i + REPLY_PAGE) });
  post({ id, type: 'done', kind: file.kind, plan: file.plan });
});
