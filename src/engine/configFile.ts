/**
 * Opening an experiment config from a file (the single-run page's "Open config…"): either a
 * config JSON, partial ones merged over the defaults as `npm run train --config` does, or a
 * run's results JSON (from the page's download or `npm run train`), whose config is taken. The
 * file is untrusted, so it goes through the lab import's guards first (importLab.ts: a size
 * limit; nesting depth and object count on the text, before JSON.parse; JSON syntax; then the
 * prototype-polluting keys __proto__, constructor and prototype, before anything reads a
 * field), then through validateConfig, exactly as a config made in the form. A refused file
 * changes nothing and gets one message that names the file and the field at fault. The result
 * is data only: the UI shows its strings as text, never as HTML.
 */
import { makeConfig, type DeepPartial, type ExperimentConfig } from './config';
import { EXPORT_FORMAT } from './lab/exportFormat';
import { checkStructure, MAX_IMPORT_BYTES, prescan } from './lab/importLab';
import { clipReason, isPlainObject, ShapeError } from './lab/shape';
import { APP_NAME } from './results';
import { ConfigError, validateConfig } from './validateConfig';
import { errorMessage } from './errorMessage';

/** Largest config file read, characters: the lab import's limit (a results file with its step samples fits). */
export const MAX_CONFIG_FILE_BYTES = MAX_IMPORT_BYTES;

/** A config's top-level keys; a file with none of them is not a config. */
const CONFIG_KEYS = ['schemaVersion', 'name', 'model', 'data', 'optim', 'schedule', 'run', 'tricks'];

/** Why a file was refused; `message` is for the user and names the file (and the field, when one is at fault). */
export class ConfigFileError extends Error {
  constructor(
    readonly fileName: string,
    /** Dotted path of the field at fault, or null when the file as a whole is (too large, not JSON). */
    readonly field: string | null,
    reason: string,
  ) {
    // Clipped: validateConfig quotes the value it got, which a hostile file can make megabytes long.
    super(`${fileName} was not opened: ${clipReason(field === null ? reason : `field ${field}: ${reason}`)}`);
    this.name = 'ConfigFileError';
  }
}

export interface ConfigFile {
  /** What the file was: a config, or a run's results (whose config this is). */
  kind: 'config' | 'run-result';
  config: ExperimentConfig;
}

/**
 * Parses and checks one file's text.
 * @throws ConfigFileError naming the file, and the field for a config that is not valid
 */
export function parseConfigFile(text: string, fileName: string): ConfigFile {
  if (text.length > MAX_CONFIG_FILE_BYTES) throw new ConfigFileError(fileName, null, `it is larger than ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB.`);
  const tooComplex = prescan(text);
  if (tooComplex) throw new ConfigFileError(fileName, null, tooComplex);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(fileName, null, `it is not valid JSON (${errorMessage(err)}).`);
  }
  try {
    checkStructure(data);
  } catch (err) {
    if (err instanceof ShapeError) throw new ConfigFileError(fileName, err.path || null, err.message.slice(err.message.indexOf(': ') + 2));
    throw err;
  }
  if (!isPlainObject(data)) throw new ConfigFileError(fileName, null, 'the top level must be an object (an experiment config or a run’s results).');
  if (data.format === EXPORT_FORMAT) throw new ConfigFileError(fileName, null, 'it is an ablation lab export; import it in the Ablation lab tab.');
  const isResult = isPlainObject(data.app) && data.app.name === APP_NAME && 'config' in data;
  if (!isResult && !CONFIG_KEYS.some((k) => Object.hasOwn(data, k))) {
    throw new ConfigFileError(fileName, null, 'it is neither an experiment config nor a run’s results JSON.');
  }
  const prefix = isResult ? 'config.' : '';
  try {
    // makeConfig fills what is missing and copies the rest, unknown keys included, for validateConfig to name.
    const config = makeConfig((isResult ? data.config : data) as DeepPartial<ExperimentConfig>);
    return { kind: isResult ? 'run-result' : 'config', config: validateConfig(config) };
  } catch (err) {
    if (err instanceof ConfigError) {
      // validateConfig calls the config itself '(config)' when it is not an object at all.
      const field = err.field === '(config)' ? (isResult ? 'config' : null) : `${prefix}${err.field}`;
      throw new ConfigFileError(fileName, field, err.message.slice(err.field.length + 2));
    }
    throw err;
  }
}
