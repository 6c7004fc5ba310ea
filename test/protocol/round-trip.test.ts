import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import { messageArbitrary } from './arbitraries.js';
import { DESCRIPTORS } from './generated/descriptors.js';
import { versionsOf } from './version-range.js';

type Module = Record<string, unknown>;
const modules = import.meta.glob<Module>('../../src/protocol/generated/*/*.ts', { eager: true });

function moduleFor(path: string): Module {
  const m = modules[`../../src/protocol/generated/${path}.ts`];
  if (!m) throw new Error(`no module ${path}`);
  return m;
}

describe('every generated message round-trips at every version', () => {
  for (const desc of Object.values(DESCRIPTORS)) {
    it(`${desc.name} ${desc.validVersions}`, () => {
      const mod = moduleFor(desc.module);
      const encode = mod[`encode${desc.name}`] as (w: Writer, v: number, x: unknown) => void;
      const decode = mod[`decode${desc.name}`] as (r: Reader, v: number) => unknown;
      for (const version of versionsOf(desc.validVersions)) {
        fc.assert(
          fc.property(messageArbitrary(desc, mod, version), (value) => {
            const w = new Writer(16);
            encode(w, version, value);
            const bytes = w.toBuffer();
            const r = new Reader(bytes);
            const decoded = decode(r, version);
            expect(r.remaining).toBe(0);
            expect(decoded).toEqual(value);
            const again = new Writer(16);
            encode(again, version, decoded);
            expect(again.toBuffer().equals(bytes)).toBe(true);
          }),
          { numRuns: 25 },
        );
      }
    });
  }
});
