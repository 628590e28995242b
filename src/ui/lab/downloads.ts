/**
 * Saving the lab's outputs: text files (JSON, CSV) through a temporary object URL, the lab's
 * JSON export (the export bar and the storage banner's "Export now"), and a chart as a
 * standalone SVG file (the Recharts <svg> serialised with its computed text styles inlined as
 * attributes, so it renders the same outside the page).
 */
import type { LabController } from '../../lab/labController';


/** Saves text as a file. */
export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads the lab's export (every ended run, the plan, the environment) as a JSON file. */
export function downloadLabExport(lab: LabController): void {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  downloadText(JSON.stringify(lab.exportLab(), null, 2), `trick-lab-ablation-${stamp}.json`, 'application/json');
}

/** The first chart <svg> inside `container` as an SVG document, or null when there is none. */
export function chartSvg(container: Element): string | null {
  const svg = container.querySelector('svg.recharts-surface');
  if (!svg) return null;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('font-family', 'system-ui, sans-serif');
  copy.setAttribute('font-size', '11');
  const { width, height } = svg.getBoundingClientRect();
  copy.setAttribute('width', String(Math.round(width)));
  copy.setAttribute('height', String(Math.round(height)));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#fff');
  copy.insertBefore(background, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** A safe file name from a label ('+ Mixup training' → 'mixup-training'). */
export function fileSlug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
}
