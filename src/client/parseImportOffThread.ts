/**
 * Parses a lab file in a short-lived worker (worker/importWorker.ts), so a big import never
 * blocks the page; where workers are not available it parses here. Resolves with the checked
 * runs, or rejects with an ImportError whose message names the file and the problem.
 */
import { ImportError, parseImport, type ImportedFile } from '../engine/lab/importLab';
import type { ImportReply } from '../worker/importWorker';

let nextId = 0;

export function parseImportOffThread(text: string, name: string): Promise<ImportedFile> {
  if (typeof Worker === 'undefined') return Promise.resolve().then(() => parseImport(text, name));
  const worker = new Worker(new URL('../worker/importWorker.ts', import.meta.url), { type: 'module' });
  const id = ++nextId;
  return new Promise<ImportedFile>((resolve, reject) => {
    const runs: ImportedFile['runs'] = [];
    worker.addEventListener('message', (e: MessageEvent<ImportReply>) => {
      const reply = e.data;
      if (reply.id !== id) return;
      if (reply.type === 'runs') {
        runs.push(...reply.runs);
        return;
      }
      worker.terminate();
      if (reply.type === 'done') resolve({ kind: reply.kind, plan: reply.plan, runs });
      else reject(new ImportError(reply.message));
    });
    worker.addEventListener('error', (e) => {
      worker.terminate();
      reject(new ImportError(`${name} was not imported: the file reader stopped (${e.message || 'worker error'}).`));
    });
    worker.postMessage({ id, name, text });
  }).finally(() => worker.terminate());
}
