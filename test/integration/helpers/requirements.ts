/**
 * Tests that need a Debian client (kcat, python3-confluent-kafka, python3-kafka) are skipped, with
 * the reason in their title, only when that client is missing; the npm clients are always there.
 */
import { it } from 'vitest';
import { hasConfluentKafka, hasKafkaPython, hasKcat, MISSING_CONFLUENT_KAFKA, MISSING_KAFKA_PYTHON, MISSING_KCAT } from './process.js';

export type DebianClient = 'kcat' | 'confluent-kafka' | 'kafka-python';

export function missingDebianClient(client: DebianClient): string | null {
  if (client === 'kcat') return hasKcat ? null : MISSING_KCAT;
  if (client === 'confluent-kafka') return hasConfluentKafka ? null : MISSING_CONFLUENT_KAFKA;
  return hasKafkaPython ? null : MISSING_KAFKA_PYTHON;
}

/** `it(title, fn)`, skipped with the reason appended to the title when a needed Debian client is missing. */
export function itNeeds(clients: readonly DebianClient[], title: string, fn: () => Promise<void>, timeoutMs?: number): void {
  const why = clients.map(missingDebianClient).filter((x): x is string => x !== null);
  it.skipIf(why.length > 0)(why.length > 0 ? `${title} (skipped: ${why.join('; ')})` : title, fn, timeoutMs);
}

/** The Debian clients among these client names (npm clients need nothing installed). */
export function debianClients(...clients: string[]): DebianClient[] {
  return clients.filter((c): c is DebianClient => c === 'kcat' || c === 'confluent-kafka' || c === 'kafka-python');
}
