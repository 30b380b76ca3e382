/** A time as ElastAlert2 writes one into matches (dt_to_ts): UTC ISO 8601, milliseconds only when non-zero. */
export function formatEsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
