import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/protocol/primitives/errors.js';
import { parseRequest } from '../../src/protocol/request-decoder.js';
import { loadWireFrames } from './wire-fixtures.js';

const requests = loadWireFrames()
  .filter((f) => f.dir === 'request')
  .map((f) => f.frame.subarray(4));

/** Parses hostile bytes: the only acceptable failure is a DecodeError. */
function parseHostile(frame: Buffer): void {
  try {
    parseRequest(frame);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('request decoder against hostile input', () => {
  it('random frames fail only with DecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => parseHostile(Buffer.from(b))), { numRuns: 20000 });
  });

  it('random bodies behind every valid api key and version fail only with DecodeError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 87 }), fc.integer({ min: 0, max: 17 }), fc.uint8Array({ maxLength: 200 }), (key, version, body) => {
        const header = Buffer.alloc(10);
        header.writeInt16BE(key, 0);
        header.writeInt16BE(version, 2);
        header.writeInt32BE(1, 4);
        header.writeInt16BE(-1, 8);
        parseHostile(Buffer.concat([header, Buffer.from(body)]));
      }),
      { numRuns: 20000 },
    );
  });

  it('mutated client frames (bit flips, overwritten bytes, truncation) fail only with DecodeError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: requests.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (i, edits, cut) => {
          const frame = Buffer.from(requests[i]!);
          for (const [pos, byte] of edits) frame[pos % frame.length] = byte;
          parseHostile(cut === undefined ? frame : frame.subarray(0, cut % (frame.length + 1)));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('a length field claiming 2 GiB fails without allocating it', () => {
    // Produce v3 header, then a transactional id whose int16 length is fine but whose topic array claims 2^31-1 entries.
    const frame = Buffer.from('0000000300000001ffff' + 'ffff' + '0001' + '00007530' + '7fffffff', 'hex');
    const before = process.memoryUsage().arrayBuffers;
    expect(() => parseRequest(frame)).toThrow(DecodeError);
    const bytesFrame = Buffer.from('0000000900000001ffff' + '00' + '0000' + '0001' + '00007530' + '02' + '0274' + '02' + '00000000' + 'fffffff0', 'hex');
    expect(() => parseRequest(bytesFrame)).toThrow(DecodeError);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('every truncation of every client request is a DecodeError, never a hang or another error', () => {
    for (const frame of requests) {
      for (let len = 0; len < frame.length; len++) parseHostile(frame.subarray(0, len));
    }
  });
});
