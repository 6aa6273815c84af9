/** Marks the first occurrence of a milestone on the performance timeline (read by the join benchmark). */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}
