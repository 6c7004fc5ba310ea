/** Kafka version-range strings ("3", "0-4", "9+", "none") as predicates. */
export function inRange(range: string | undefined, v: number): boolean {
  if (range === undefined || range === 'none' || range === '') return false;
  if (range.endsWith('+')) return v >= Number(range.slice(0, -1));
  const [a, b] = range.split('-');
  return b === undefined ? v === Number(a) : v >= Number(a) && v <= Number(b);
}

export function versionsOf(range: string): number[] {
  if (range.endsWith('+')) throw new Error(`open range ${range}`);
  const [a, b] = range.split('-');
  const out: number[] = [];
  for (let v = Number(a); v <= Number(b ?? a); v++) out.push(v);
  return out;
}
