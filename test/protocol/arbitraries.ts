/** fast-check arbitraries for any generated message at any version, built from the generated descriptors. */
import fc from 'fast-check';
import type { FieldDescriptor, MessageDescriptor } from './descriptor-types.js';
import { inRange } from './version-range.js';

type Module = Record<string, unknown>;

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function scalar(type: string): fc.Arbitrary<unknown> {
  if (type in INT_RANGES) {
    const [min, max] = INT_RANGES[type]!;
    return fc.integer({ min, max });
  }
  switch (type) {
    case 'bool': return fc.boolean();
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64': return fc.double({ noNaN: true });
    case 'uuid': return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'string': return fc.string({ maxLength: 12 });
    case 'bytes':
    case 'records': return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
    default: throw new Error(`no arbitrary for ${type}`);
  }
}

export function messageArbitrary(desc: MessageDescriptor, mod: Module, version: number): fc.Arbitrary<unknown> {
  const flexible = inRange(desc.flexibleVersions, version);

  function structArb(structName: string): fc.Arbitrary<unknown> {
    const fields = desc.structs[structName]!;
    const makeDefault = mod[`default${structName}`] as () => Record<string, unknown>;
    const parts: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) {
      if (!inRange(f.versions, version)) continue;
      parts[f.name] = fieldArb(f);
    }
    let maxTag = -1;
    for (const f of fields) if (f.tag !== undefined) maxTag = Math.max(maxTag, f.tag);
    const unknownTags = flexible
      ? fc.option(
          fc.uniqueArray(fc.integer({ min: maxTag + 1, max: maxTag + 40 }), { minLength: 1, maxLength: 2 }).chain((tags) =>
            fc.tuple(...tags.sort((a, b) => a - b).map((tag) => fc.uint8Array({ maxLength: 6 }).map((d) => ({ tag, data: Buffer.from(d) })))),
          ),
          { nil: undefined, freq: 4 },
        )
      : fc.constant(undefined);
    return fc.tuple(fc.record(parts), unknownTags).map(([values, unknown]) => {
      const v: Record<string, unknown> = { ...makeDefault(), ...values };
      if (unknown) v._unknownTaggedFields = unknown;
      return v;
    });
  }

  function fieldArb(f: FieldDescriptor): fc.Arbitrary<unknown> {
    let arb: fc.Arbitrary<unknown>;
    if (f.type.startsWith('[]')) {
      const elemType = f.type.slice(2);
      const elem = f.struct ? structArb(f.struct) : scalar(elemType);
      arb = fc.array(elem, { maxLength: 3 });
    } else if (f.struct) {
      arb = structArb(f.struct);
    } else {
      arb = scalar(f.type);
    }
    if (inRange(f.nullable, version) || (f.type === 'records' && inRange(f.nullable, version))) {
      arb = fc.option(arb, { nil: null, freq: 4 });
    }
    return arb;
  }

  return structArb(desc.name);
}
