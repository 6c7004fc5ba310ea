import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compressFrameSync, compressSync as lz4BlockCompress, decompressFrameSync } from 'lz4-napi';
import { compressSync as snappyRawCompress } from 'snappy';
import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../../src/protocol/records/batch-header.js';
import { compress, compressSync, decompress, decompressSync } from '../../../src/protocol/records/compression/index.js';
import { lz4Compress, lz4Decompress } from '../../../src/protocol/records/compression/lz4.js';
import { isXerialFramed, snappyCompress, snappyCompressRaw, snappyDecompress } from '../../../src/protocol/records/compression/snappy.js';
import { xxhash32 } from '../../../src/protocol/records/compression/xxhash32.js';
import { zstdUpperBound } from '../../../src/protocol/records/compression/zstd.js';
import { CorruptRecordError, DecompressionError, DecompressionLimitError } from '../../../src/protocol/records/errors.js';

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;
const MiB = 1024 * 1024;

/** Random data that is sometimes very compressible (repeated runs), sometimes not. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 40_000 })), { maxLength: 12 })
    .map((runs) => Buffer.concat(runs.map(([byte, n]) => Buffer.alloc(n, byte)))),
);

/** Bytes held by ArrayBuffers and external memory, to see that a bomb allocated nothing large. */
function bufferMemory(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.external;
}

async function expectBounded(run: () => Promise<unknown>, limitBytes: number): Promise<void> {
  const before = bufferMemory();
  await expect(run()).rejects.toBeInstanceOf(DecompressionLimitError);
  // The bombs below expand to 256 MiB or more; a decoder that ignored the limit would show it here.
  expect(bufferMemory() - before).toBeLessThan(limitBytes + 64 * MiB);
}

describe('compress/decompress round trips', () => {
  for (const type of CODECS) {
    it(`${CompressionType[type]} round-trips arbitrary data`, async () => {
      await fc.assert(
        fc.asyncProperty(payload, async (data) => {
          const packed = await compress(type, data, 6);
          const unpacked = await decompress(type, packed, data.length);
          expect(unpacked.equals(data)).toBe(true);
          if (type !== CompressionType.Zstd) {
            expect(decompressSync(type, compressSync(type, data), data.length).equals(data)).toBe(true);
          }
        }),
        { numRuns: 60 },
      );
    });

    it(`${CompressionType[type]} refuses output one byte over the limit`, async () => {
      const data = Buffer.alloc(300_000, 'abc');
      const packed = await compress(type, data);
      await expect(decompress(type, packed, data.length - 1)).rejects.toBeInstanceOf(DecompressionLimitError);
      expect((await decompress(type, packed, data.length)).length).toBe(data.length);
    });

    it(`${CompressionType[type]} rejects garbage with a CorruptRecordError`, async () => {
      const garbage = Buffer.from('this is not a compressed stream at all, not even close');
      await expect(decompress(type, garbage, MiB)).rejects.toBeInstanceOf(CorruptRecordError);
      await expect(decompress(type, Buffer.alloc(0), MiB)).rejects.toBeInstanceOf(CorruptRecordError);
    });
  }

  it('passes uncompressed data through and rejects unknown codecs', async () => {
    const data = Buffer.from('plain');
    expect(await decompress(CompressionType.None, data, 10)).toBe(data);
    await expect(decompress(5 as CompressionType, data, 10)).rejects.toBeInstanceOf(DecompressionError);
    await expect(decompress(CompressionType.Gzip, data, -1)).rejects.toBeInstanceOf(RangeError);
  });

  it('has no synchronous zstd', () => {
    expect(() => compressSync(CompressionType.Zstd, Buffer.from('x'))).toThrow(RangeError);
    expect(() => decompressSync(CompressionType.Zstd, Buffer.from('x'), 10)).toThrow(RangeError);
  });
});

describe('gzip', () => {
  it('decodes concatenated members as one stream, as GZIPInputStream does', async () => {
    const both = Buffer.concat([gzipSync(Buffer.from('hello ')), gzipSync(Buffer.from('world'))]);
    expect((await decompress(CompressionType.Gzip, both, 100)).toString()).toBe('hello world');
  });

  it('rejects a gzip bomb without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(256 * MiB), { level: 9 }); // ~250 KiB, takes the async path
    expect(bomb.length).toBeGreaterThan(64 * 1024);
    await expectBounded(() => decompress(CompressionType.Gzip, bomb, MiB), MiB);
    const small = gzipSync(Buffer.alloc(16 * MiB), { level: 9 }); // sync path
    await expectBounded(() => decompress(CompressionType.Gzip, small, MiB), MiB);
  });
});

describe('snappy', () => {
  it('writes xerial framing with 32 KiB blocks, like snappy-java', async () => {
    const data = Buffer.alloc(100_000, 'xyz');
    const packed = await compress(CompressionType.Snappy, data);
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let blocks = 0;
    for (let pos = 16; pos < packed.length; pos += 4 + packed.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(4);
  });

  it('decodes the xerial stream from kafka-python test_codec.py (two blocks)', () => {
    // kafka-python's test_snappy_encode_xerial expectation: header, then two 0x18-byte blocks
    // holding 'SNAPPY' * 50 and 'XERIAL' * 50.
    const block = (word: string) => Buffer.concat([Buffer.from([0xac, 0x02, 0x14]), Buffer.from(word), Buffer.from('fe0600fe0600fe0600fe0600960600', 'hex')]);
    const stream = Buffer.concat([
      Buffer.from('82534e41505059000000000100000001', 'hex'),
      Buffer.from('00000018', 'hex'),
      block('SNAPPY'),
      Buffer.from('00000018', 'hex'),
      block('XERIAL'),
    ]);
    expect(isXerialFramed(stream)).toBe(true);
    expect(snappyDecompress(stream, 600).toString()).toBe('SNAPPY'.repeat(50) + 'XERIAL'.repeat(50));
    expect(() => snappyDecompress(stream, 599)).toThrow(DecompressionLimitError);
  });

  it('decodes raw snappy (what librdkafka and sarama write)', () => {
    const data = Buffer.from('raw snappy block '.repeat(100));
    const raw = snappyRawCompress(data);
    expect(isXerialFramed(raw)).toBe(false);
    expect(snappyDecompress(raw, data.length).equals(data)).toBe(true);
    expect(snappyDecompress(snappyCompressRaw(data), data.length).equals(data)).toBe(true);
  });

  it('decodes concatenated xerial streams', () => {
    const a = snappyCompress(Buffer.from('first part, '));
    const b = snappyCompress(Buffer.from('second part'));
    expect(snappyDecompress(Buffer.concat([a, b]), 100).toString()).toBe('first part, second part');
  });

  it('rejects a raw block claiming 4 GiB before decoding it', async () => {
    const claim = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x00]);
    await expectBounded(() => decompress(CompressionType.Snappy, claim, MiB), MiB);
  });

  it('rejects a xerial bomb from the block lengths alone', async () => {
    const block = snappyRawCompress(Buffer.alloc(XERIAL_BLOCK_BOMB_SIZE));
    const parts: Buffer[] = [Buffer.from('82534e41505059000000000100000001', 'hex')];
    for (let i = 0; i < 1024; i++) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(block.length);
      parts.push(len, block);
    }
    const bomb = Buffer.concat(parts); // 50 MiB of real snappy blocks expanding to 1 GiB
    await expectBounded(() => decompress(CompressionType.Snappy, bomb, MiB), MiB);
  });

  it('rejects truncated and inconsistent xerial framing', () => {
    const good = snappyCompress(Buffer.from('some data to frame'));
    expect(() => snappyDecompress(good.subarray(0, good.length - 1), 100)).toThrow(DecompressionError);
    expect(() => snappyDecompress(good.subarray(0, 12), 100)).toThrow(DecompressionError);
    const badLength = Buffer.from(good);
    badLength.writeInt32BE(1000, 16);
    expect(() => snappyDecompress(badLength, 100)).toThrow(DecompressionError);
  });
});

const XERIAL_BLOCK_BOMB_SIZE = 1024 * 1024;

describe('lz4 frame', () => {
  it('writes the frame Kafka writes: FLG 0x60, BD 0x40, 64 KiB independent blocks', () => {
    const packed = lz4Compress(Buffer.alloc(200_000, 'lz4'));
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    expect(packed[4]).toBe(0x60);
    expect(packed[5]).toBe(0x40);
    expect(packed[6]).toBe((xxhash32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff);
    expect(packed.readUInt32LE(packed.length - 4)).toBe(0);
  });

  it('is read by the reference LZ4 frame decoder, and reads its frames', async () => {
    await fc.assert(
      fc.asyncProperty(payload, async (data) => {
        expect(decompressFrameSync(lz4Compress(data)).equals(data)).toBe(true);
        // lz4-napi frames use 64 KiB-4 MiB independent blocks; content checksum off by default.
        expect(lz4Decompress(compressFrameSync(data), Math.max(data.length, 1)).equals(data)).toBe(true);
        expect(lz4Decompress(compressFrameSync(data, { contentChecksum: true, blockChecksums: true }), data.length).equals(data)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('stores incompressible blocks raw (high bit of the block size)', () => {
    const noise = randomBytes(5000);
    const packed = lz4Compress(noise);
    const word = packed.readUInt32LE(7);
    expect(word >>> 31).toBe(1);
    expect(lz4Decompress(packed, noise.length).equals(noise)).toBe(true);
  });

  it('checks the descriptor, block and content checksums', () => {
    const data = Buffer.from('checksummed '.repeat(50));
    const badHc = lz4Compress(data);
    badHc[6] ^= 0xff;
    expect(() => lz4Decompress(badHc, 1000)).toThrow(/descriptor/);
    const withSums = Buffer.from(compressFrameSync(data, { contentChecksum: true, blockChecksums: true }));
    withSums[withSums.length - 1] ^= 0xff;
    expect(() => lz4Decompress(withSums, 1000)).toThrow(/content checksum/);
    const blockSum = Buffer.from(compressFrameSync(data, { blockChecksums: true }));
    blockSum[blockSum.length - 5] ^= 0xff; // last byte of the block's checksum
    expect(() => lz4Decompress(blockSum, 1000)).toThrow(/block checksum/);
  });

  it('rejects what Kafka rejects: dependent blocks, reserved bits, bad block sizes, truncation', () => {
    const frame = lz4Compress(Buffer.from('x'.repeat(100)));
    const withFlg = (flg: number, bd = 0x40) => {
      const f = Buffer.from(frame);
      f[4] = flg;
      f[5] = bd;
      f[6] = (xxhash32(f, 4, 6) >>> 8) & 0xff;
      return f;
    };
    expect(() => lz4Decompress(withFlg(0x40), 1000)).toThrow(/dependent/);
    expect(() => lz4Decompress(withFlg(0x61), 1000)).toThrow(/reserved/);
    expect(() => lz4Decompress(withFlg(0xa0), 1000)).toThrow(/version/);
    expect(() => lz4Decompress(withFlg(0x60, 0x30), 1000)).toThrow(/block descriptor/);
    expect(() => lz4Decompress(frame.subarray(0, frame.length - 2), 1000)).toThrow(/prematurely/);
    expect(() => lz4Decompress(Buffer.from('00000000000000', 'hex'), 1000)).toThrow(/magic/);
  });

  it('rejects a bomb of 1 GiB in 64 KiB blocks after decoding at most the limit', async () => {
    const block = lz4BlockCompress(Buffer.alloc(64 * 1024)).subarray(4);
    const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00])];
    parts[0]![6] = (xxhash32(parts[0]!, 4, 6) >>> 8) & 0xff;
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length);
    for (let i = 0; i < 16 * 1024; i++) parts.push(size, block);
    parts.push(Buffer.alloc(4));
    const bomb = Buffer.concat(parts);
    const started = Date.now();
    await expectBounded(() => decompress(CompressionType.Lz4, bomb, MiB), MiB);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a frame whose content size exceeds the limit before decoding', () => {
    const data = Buffer.from('sized');
    const plain = lz4Compress(data);
    const sized = Buffer.concat([plain.subarray(0, 6), Buffer.alloc(8), plain.subarray(7)]);
    sized[4] |= 0x08;
    sized.writeBigUInt64LE(5n, 6);
    const hc = Buffer.from([(xxhash32(sized, 4, 14) >>> 8) & 0xff]);
    const frame = Buffer.concat([sized.subarray(0, 14), hc, sized.subarray(14)]);
    expect(lz4Decompress(frame, 5).toString()).toBe('sized');
    frame.writeBigUInt64LE(1n << 40n, 6);
    frame[14] = (xxhash32(frame, 4, 14) >>> 8) & 0xff;
    expect(() => lz4Decompress(frame, 5)).toThrow(DecompressionLimitError);
  });
});

describe('zstd', () => {
  /** A zstd frame with no content size, a 128 KiB window and `blocks` RLE blocks of 128 KiB each. */
  function rleFrame(blocks: number, byte = 0x61, blockSize = 128 * 1024): Buffer {
    const out = Buffer.alloc(6 + blocks * 4);
    out.writeUInt32LE(0xfd2fb528, 0);
    out[4] = 0x00; // FHD: no content size, not single segment, no checksum, no dictionary
    out[5] = 7 << 3; // window 2^17 = 128 KiB
    for (let i = 0; i < blocks; i++) {
      const header = (blockSize << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
      out.writeUIntLE(header, 6 + i * 4, 3);
      out[9 + i * 4] = byte;
    }
    return out;
  }

  it('bounds RLE frames exactly (and the codec agrees)', async () => {
    const frame = rleFrame(3, 0x61, 1000);
    expect(zstdUpperBound(frame)).toBe(3000);
    const out = await decompress(CompressionType.Zstd, frame, 3000);
    expect(out.equals(Buffer.alloc(3000, 0x61))).toBe(true);
    await expect(decompress(CompressionType.Zstd, frame, 2999)).rejects.toBeInstanceOf(DecompressionLimitError);
    // Beyond the 128 KiB allowance nothing is decoded at all.
    expect(zstdUpperBound(rleFrame(2, 0x61, 128 * 1024))).toBe(256 * 1024);
  });

  it('rejects a 1 GiB RLE bomb (32 KiB of input) without decoding it', async () => {
    const bomb = rleFrame(8192);
    expect(bomb.length).toBeLessThan(33 * 1024);
    const started = Date.now();
    await expectBounded(() => decompress(CompressionType.Zstd, bomb, 64 * MiB), 64 * MiB);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('rejects a compressed bomb from its block headers', async () => {
    const bomb = await compress(CompressionType.Zstd, Buffer.alloc(64 * MiB));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectBounded(() => decompress(CompressionType.Zstd, bomb, MiB), MiB);
  });

  it('skips skippable frames and adds up concatenated frames', async () => {
    const a = await compress(CompressionType.Zstd, Buffer.from('first '));
    const b = await compress(CompressionType.Zstd, Buffer.from('second'));
    const skippable = Buffer.from('502a4d1803000000616263', 'hex');
    const all = Buffer.concat([a, skippable, b]);
    expect((await decompress(CompressionType.Zstd, all, 1000)).toString()).toBe('first second');
  });

  it('rejects truncated frames and unknown magic', async () => {
    const frame = await compress(CompressionType.Zstd, Buffer.from('truncate me please'));
    await expect(decompress(CompressionType.Zstd, frame.subarray(0, frame.length - 3), 100)).rejects.toBeInstanceOf(DecompressionError);
    await expect(decompress(CompressionType.Zstd, Buffer.from('28b52ffe00', 'hex'), 100)).rejects.toBeInstanceOf(DecompressionError);
  });
});
