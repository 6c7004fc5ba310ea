/** Kafka uuids as their textual form: URL-safe base64 of the 16 bytes, no padding (22 characters). */
import { randomBytes } from 'node:crypto';

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidFromBuffer(buf: Buffer, offset = 0): string {
  return buf.toString('base64url', offset, offset + 16);
}

export function uuidToBuffer(uuid: string): Buffer {
  const b = Buffer.from(uuid, 'base64url');
  if (b.length !== 16) throw new RangeError(`invalid uuid ${JSON.stringify(uuid)}`);
  return b;
}

/**
 * A random uuid as Kafka's Uuid.randomUuid makes them: never the zero uuid, never the
 * METADATA_TOPIC_ID (1), and never starting with '-' so it cannot be mistaken for a CLI flag.
 */
export function randomUuid(): string {
  for (;;) {
    const b = randomBytes(16);
    const s = uuidFromBuffer(b);
    if (s === ZERO_UUID || s === 'AAAAAAAAAAAAAAAAAAAAAQ' || s.startsWith('-')) continue;
    return s;
  }
}
