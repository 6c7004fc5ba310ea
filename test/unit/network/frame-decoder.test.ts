import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameDecoder, FrameTooLargeError } from '../../../src/network/frame-decoder.js';

function frame(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

const PAYLOADS = ['a', 'hello', '', 'x'.repeat(300), 'the quick brown fox'];
const STREAM = Buffer.concat(PAYLOADS.map(frame));

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const c of chunks) for (const f of decoder.push(c)) out.push(f.toString());
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FrameDecoder', () => {
  it('returns every frame of a chunk holding many, as views of that chunk (no copy)', () => {
    const d = new FrameDecoder(1024);
    const frames = d.push(STREAM);
    expect(frames.map(String)).toEqual(PAYLOADS);
    for (const f of frames) expect(f.buffer).toBe(STREAM.buffer);
    expect(d.pendingBytes).toBe(0);
  });

  it('reassembles frames split into two chunks at every byte boundary', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const d = new FrameDecoder(1024);
      const got = decodeAll(d, [STREAM.subarray(0, cut), STREAM.subarray(cut)]);
      expect(got, `cut at ${cut}`).toEqual(PAYLOADS);
      expect(d.pendingBytes).toBe(0);
    }
  });

  it('reassembles frames split into three chunks at every pair of boundaries', () => {
    const small = Buffer.concat(['ab', '', 'cde', 'f'].map(frame));
    for (let i = 0; i <= small.length; i++) {
      for (let j = i; j <= small.length; j++) {
        const d = new FrameDecoder(64);
        const got = decodeAll(d, [small.subarray(0, i), small.subarray(i, j), small.subarray(j)]);
        expect(got, `cuts at ${i}, ${j}`).toEqual(['ab', '', 'cde', 'f']);
      }
    }
  });

  it('decodes a stream delivered one byte at a time', () => {
    const d = new FrameDecoder(1024);
    const chunks = [...STREAM].map((b) => Buffer.from([b]));
    expect(decodeAll(d, chunks)).toEqual(PAYLOADS);
    expect(d.pendingBytes).toBe(0);
  });

  it('waits for a size prefix split across chunks', () => {
    const f = frame('payload');
    const d = new FrameDecoder(1024);
    expect(d.push(f.subarray(0, 1))).toEqual([]);
    expect(d.push(f.subarray(1, 3))).toEqual([]);
    expect(d.pendingBytes).toBe(3);
    expect(d.push(f.subarray(3, 5))).toEqual([]);
    expect(d.push(f.subarray(5)).map(String)).toEqual(['payload']);
    expect(d.pendingBytes).toBe(0);
  });

  it('keeps the bytes of the next frame after a complete one', () => {
    const d = new FrameDecoder(1024);
    const two = Buffer.concat([frame('one'), frame('two')]);
    expect(d.push(two.subarray(0, 9)).map(String)).toEqual(['one']);
    expect(d.pendingBytes).toBe(2);
    expect(d.push(two.subarray(9)).map(String)).toEqual(['two']);
  });

  it('accepts a frame of exactly socket.request.max.bytes', () => {
    const d = new FrameDecoder(10);
    expect(d.push(frame('0123456789')).map(String)).toEqual(['0123456789']);
  });

  it('rejects a size above socket.request.max.bytes as soon as the 4 size bytes arrive, before allocating', () => {
    const alloc = vi.spyOn(Buffer, 'allocUnsafe');
    const allocSlow = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const alloc0 = vi.spyOn(Buffer, 'alloc');
    const d = new FrameDecoder(100 * 1024 * 1024);
    const header = Buffer.alloc(4);
    header.writeInt32BE(0x7fffffff, 0);
    alloc0.mockClear();
    // Only the size prefix has arrived: the decoder must refuse without waiting for 2 GiB.
    expect(() => d.push(header)).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(10).push(frame('0123456789A'))).toThrow(/larger than socket.request.max.bytes \(10\)/);
    const big = (spy: typeof alloc) => spy.mock.calls.filter((c) => Number(c[0]) > 64).length;
    expect(big(alloc)).toBe(0);
    expect(big(allocSlow as unknown as typeof alloc)).toBe(0);
    expect(big(alloc0 as unknown as typeof alloc)).toBe(0);
  });

  it('rejects an oversized size prefix that arrives split across chunks', () => {
    const d = new FrameDecoder(1000);
    const header = Buffer.alloc(4);
    header.writeInt32BE(1001, 0);
    expect(d.push(header.subarray(0, 2))).toEqual([]);
    expect(() => d.push(header.subarray(2))).toThrow(FrameTooLargeError);
  });

  it('rejects an oversized frame that follows valid ones in the same chunk', () => {
    const d = new FrameDecoder(8);
    const header = Buffer.alloc(4);
    header.writeInt32BE(9, 0);
    expect(() => d.push(Buffer.concat([frame('ok'), header]))).toThrow(FrameTooLargeError);
  });

  it('rejects a negative size', () => {
    const d = new FrameDecoder(1024);
    const header = Buffer.alloc(4);
    header.writeInt32BE(-1, 0);
    expect(() => d.push(header)).toThrow(/invalid frame size -1/);
    const d2 = new FrameDecoder(1024);
    header.writeInt32BE(-2147483648, 0);
    expect(() => d2.push(Buffer.concat([frame('x'), header]))).toThrow(FrameTooLargeError);
  });

  it('never holds more than one frame plus a size prefix for a large frame arriving in small pieces', () => {
    const payload = Buffer.alloc(64 * 1024, 7);
    const f = frame(payload);
    const d = new FrameDecoder(1024 * 1024);
    const out: Buffer[] = [];
    for (let at = 0; at < f.length; at += 1000) out.push(...d.push(f.subarray(at, at + 1000)));
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(payload)).toBe(true);
    expect(d.pendingBytes).toBe(0);
  });

  describe('write / next / recycle', () => {
    const big = (fill: number, length = 200_000) => frame(Buffer.alloc(length, fill));
    const inPieces = (d: FrameDecoder, f: Buffer) => {
      for (let at = 0; at < f.length; at += 65_536) d.write(f.subarray(at, at + 65_536));
    };

    it('returns one frame per next() call and null when none is complete', () => {
      const d = new FrameDecoder(1024);
      d.write(STREAM.subarray(0, 7));
      expect(d.next()?.toString()).toBe('a');
      expect(d.next()).toBeNull();
      d.write(STREAM.subarray(7));
      const rest: string[] = [];
      for (let f = d.next(); f !== null; f = d.next()) rest.push(f.toString());
      expect(rest).toEqual(PAYLOADS.slice(1));
    });

    it('reuses the memory of a recycled assembled frame for the next one, and only then', () => {
      const d = new FrameDecoder(1024 * 1024);
      inPieces(d, big(1));
      const first = d.next()!;
      expect(first.every((b) => b === 1)).toBe(true);
      inPieces(d, big(2));
      const second = d.next()!;
      expect(second.buffer).not.toBe(first.buffer); // not recycled: a fresh buffer
      expect(first.every((b) => b === 1)).toBe(true);
      d.recycle(second);
      inPieces(d, big(3, 190_000));
      const third = d.next()!;
      expect(third.buffer).toBe(second.buffer);
      expect(third.length).toBe(190_000);
      expect(third.every((b) => b === 3)).toBe(true);
    });

    it('ignores recycle() of a frame that is a view of a socket chunk or not the latest assembled one', () => {
      const d = new FrameDecoder(1024 * 1024);
      inPieces(d, big(1));
      const assembled = d.next()!;
      d.write(frame('small'));
      const view = d.next()!;
      d.recycle(view);
      d.recycle(assembled); // too late: another frame was returned in between
      inPieces(d, big(2));
      expect(d.next()!.buffer).not.toBe(assembled.buffer);
      expect(assembled.every((b) => b === 1)).toBe(true);
    });

    it('allocates a fresh buffer when the recycled one is too small', () => {
      const d = new FrameDecoder(2 * 1024 * 1024);
      inPieces(d, big(1, 100_000));
      const small = d.next()!;
      d.recycle(small);
      inPieces(d, big(2, 1_000_000));
      const large = d.next()!;
      expect(large.buffer).not.toBe(small.buffer);
      expect(large.every((b) => b === 2)).toBe(true);
    });
  });
});
