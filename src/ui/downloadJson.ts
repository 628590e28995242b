/** Saving the app's JSON (the single run's results) through the lab's one text-download helper. */
import { downloadText } from './lab/downloads';

/** Saves a value as a pretty-printed JSON file. */
export function downloadJson(value: unknown, filename: string): void {
  downloadText(JSON.stringify(value, null, 2), filename, 'application/json');
}
