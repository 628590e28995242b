/**
 * The results importer (parseImport) and the share-link reader (decodeSetup) as fuzz targets
 * (test-only). What each accepts is checked again from the outside: every config passes
 * validateConfig and every plan validatePlan, exactly as a hand-made one would, and every
 * imported run records the file it came from. A broken promise is thrown as a plain Error,
 * which the harness counts as a crash.
 */
import { deflateSync, strToU8 } from 'fflate';
import { validateConfig } from '../../../src/engine/validateConfig';
import { parseImport, type ImportedFile } from '../../../src/engine/lab/importLab';
import { decodeSetup, type SharedSetup } from '../../../src/engine/lab/shareLink';
import { validatePlan } from '../../../src/engine/lab/validatePlan';
import { errorMessage } from '../../../src/engine/errorMessage';

function revalidate(what: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    throw new Error(`accepted, but ${what} fails its own validation: ${errorMessage(err)}`);
  }
}

/** parseImport, with what it returns re-validated. */
export function importChecked(text: string, fileName: string): ImportedFile {
  const file = parseImport(text, fileName);
  if (file.plan) revalidate('the plan', () => validatePlan(file.plan));
  file.runs.forEach((run, i) => {
    revalidate(`run ${i}'s config`, () => validateConfig(run.config));
    if (run.origin !== fileName || run.source !== 'imported') throw new Error(`run ${i} does not record its file`);
  });
  if (file.kind === 'run-result' && file.runs.length !== 1) throw new Error('a run result gave other than one run');
  return file;
}

/** decodeSetup, with what it returns re-validated. */
export function decodeChecked(code: string): SharedSetup {
  const setup = decodeSetup(code);
  revalidate('the config', () => validateConfig(setup.config));
  if (setup.plan) revalidate('the plan', () => validatePlan(setup.plan));
  return setup;
}

/** A share code for any JSON text (the format encodeSetup writes: `1.` + base64url(deflate)). */
export function codeOf(json: string): string {
  const bytes = deflateSync(strToU8(json));
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return `1.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}
