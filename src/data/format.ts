/**
 * Human-readable sizes, rates and durations, shared by the page (downloads, run progress, the
 * lab's estimate and results) and the Node commands, so all say the same thing. Sizes use binary units, as the CIFAR
 * page does: cifar-10-binary.tar.gz is "162 MB", about 170 million bytes.
 */

const MIB = 1024 * 1024;

/** '812 B', '45.3 KB', '162.2 MB' (KB = 1024 B, MB = 1024² B). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MB`;
  return `${(bytes / (1024 * MIB)).toFixed(2)} GB`;
}

/** '3.4 MB/s'. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** '42 s', '3 min 05 s', '1 h 02 min'; '—' when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
