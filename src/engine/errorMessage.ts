/** The message of anything thrown: an Error's message, else the value as text (a thrown string, a DOMException-like object). */
export function errorMessage(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
