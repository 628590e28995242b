/**
 * "Open config…" on the single-run page: loads the run settings from a JSON file, either a
 * config (a partial one is merged over the defaults, as for `npm run train --config`) or a
 * run's results (the page's "Download results JSON" or `npm run train`), whose config it
 * takes. The file is untrusted: parseConfigFile (src/engine/configFile.ts) applies the lab
 * import's guards and validateConfig, as for a config made in the form. A refused file leaves
 * the current settings untouched and says which file and field are at fault. Messages are
 * React text, never HTML, so a name like "<img onerror=…>" shows as those characters.
 */
import { memo, useId, useState } from 'react';
import type { ExperimentConfig } from '../engine/config';
import { ConfigFileError, MAX_CONFIG_FILE_BYTES, parseConfigFile } from '../engine/configFile';
import './ConfigFileInput.css';
import { errorMessage } from '../engine/errorMessage';

export interface ConfigFileInputProps {
  onLoad: (config: ExperimentConfig) => void;
  disabled: boolean;
}

interface Message {
  kind: 'error' | 'info';
  text: string;
}

/** Reads and checks the chosen file; the message to show either way. */
async function openFile(file: File, onLoad: (config: ExperimentConfig) => void): Promise<Message> {
  // Refused before reading, as the lab's import does: a huge file never reaches memory.
  if (file.size > MAX_CONFIG_FILE_BYTES) return { kind: 'error', text: `${file.name} was not opened: it is larger than ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB.` };
  try {
    const { kind, config } = parseConfigFile(await file.text(), file.name);
    onLoad(config);
    return { kind: 'info', text: `Loaded “${config.name}” from ${file.name}${kind === 'run-result' ? ' (the config of that run)' : ''}.` };
  } catch (err) {
    if (err instanceof ConfigFileError) return { kind: 'error', text: err.message };
    return { kind: 'error', text: `${file.name} was not opened: ${errorMessage(err)}` };
  }
}

/** Memoised: it re-renders on its own state and props, not on the training's progress ticks. */
export const ConfigFileInput = memo(function ConfigFileInput({ onLoad, disabled }: ConfigFileInputProps) {
  const id = useId();
  const [message, setMessage] = useState<Message | null>(null);
  return (
    <section className="panel config-file" aria-label="Config file" data-testid="config-file">
      <label htmlFor={`${id}-input`}>
        Open config…
      </label>
      <input
        id={`${id}-input`}
        type="file"
        accept=".json,application/json"
        disabled={disabled}
        data-testid="config-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // choosing the same file again is a new change
          if (file) void openFile(file, onLoad).then(setMessage);
        }}
      />
      <span className="field-hint">A config JSON (missing settings take their defaults, as for npm run train), or a run’s results JSON (its config).</span>
      {message ? (
        <p className={message.kind === 'error' ? 'error' : 'field-hint'} role={message.kind === 'error' ? 'alert' : 'status'} data-kind={message.kind} data-testid="config-file-message">
          {message.text}
        </p>
      ) : null}
    </section>
  );
});
