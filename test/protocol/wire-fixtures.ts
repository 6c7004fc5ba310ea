/** The client captures in test/fixtures/wire (see its README): one frame per line. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WireFrame {
  client: string;
  conn: number;
  dir: 'request' | 'response';
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The whole frame including its 4-byte size prefix. */
  frame: Buffer;
}

export const WIRE_DIR = join(import.meta.dirname, '..', 'fixtures', 'wire');

export function loadWireFrames(): WireFrame[] {
  const frames: WireFrame[] = [];
  for (const file of readdirSync(WIRE_DIR).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(WIRE_DIR, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line);
      frames.push({ client: j.client, conn: j.conn, dir: j.dir, apiKey: j.apiKey, apiVersion: j.apiVersion, correlationId: j.correlationId, frame: Buffer.from(j.hex, 'hex') });
    }
  }
  return frames;
}
