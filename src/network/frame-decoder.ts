/**
 * Splits a TCP byte stream into size-prefixed Kafka frames.
 *
 * The 4-byte size is checked against socket.request.max.bytes before any buffer is allocated
 * for the frame. A frame that arrives inside one socket chunk is returned as a view of it;
 * only frames split across chunks are copied together. A caller that is done with such an
 * assembled frame, and keeps no view of it, can recycle() it: the next frame assembled reuses the
 * memory instead of allocating (a 1 MiB Produce request arrives in ~16 socket chunks, and every
 * fresh ArrayBuffer counts towards V8's external-memory GC trigger).
 */

/** Assembly buffers are allocated in steps of this size so that frames of similar sizes can reuse one. */
const ASSEMBLY_STEP = 64 * 1024;
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Whole buffer behind the most recent frame assembled from several chunks. */
  private assembled: Buffer | null = null;
  /** A recycled assembly buffer, free for the next frame that needs one. */
  private spare: Buffer | null = null;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds bytes from the socket and returns the frames (without size prefix) now complete. */
  push(chunk: Buffer): Buffer[] {
    this.write(chunk);
    const frames: Buffer[] = [];
    for (let frame = this.next(); frame !== null; frame = this.next()) frames.push(frame);
    return frames;
  }

  /** Adds bytes from the socket; next() returns the frames they complete. */
  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame (without size prefix), or null. Throws FrameTooLargeError. */
  next(): Buffer | null {
    if (this.buffered < 4) return null;
    const size = this.peekSize();
    if (size < 0 || size > this.maxFrameBytes) {
      throw new FrameTooLargeError(
        size < 0 ? `invalid frame size ${size}` : `frame of ${size} bytes is larger than socket.request.max.bytes (${this.maxFrameBytes})`,
      );
    }
    if (this.buffered < 4 + size) return null;
    return this.take(4 + size).subarray(4);
  }

  /**
   * The caller is done with `frame` (returned by next()) and holds no view of it: when it was
   * assembled from several chunks, its memory is reused for the next frame that must be.
   */
  recycle(frame: Buffer): void {
    const a = this.assembled;
    if (a !== null && frame.buffer === a.buffer && frame.byteOffset === a.byteOffset + 4) this.spare = a;
    this.assembled = null;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, true).readInt32BE(0);
  }

  /** Removes n bytes from the front (or only looks at them when peek is set). */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (!peek) this.consume(n);
      return out;
    }
    let out: Buffer;
    if (peek) {
      out = Buffer.allocUnsafe(n);
    } else {
      const whole = this.spare !== null && this.spare.length >= n ? this.spare : Buffer.allocUnsafe(Math.ceil(n / ASSEMBLY_STEP) * ASSEMBLY_STEP);
      this.spare = null;
      this.assembled = whole;
      out = whole.subarray(0, n);
    }
    let copied = 0;
    for (const c of this.chunks) {
      const len = Math.min(c.length, n - copied);
      c.copy(out, copied, 0, len);
      copied += len;
      if (copied === n) break;
    }
    if (!peek) this.consume(n);
    else {
      // Keep the joined bytes so the next peek does not copy again.
      this.chunks = [out, ...this.dropFront(n)];
    }
    return out;
  }

  private dropFront(n: number): Buffer[] {
    const rest: Buffer[] = [];
    let skip = n;
    for (const c of this.chunks) {
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      rest.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    return rest;
  }

  private consume(n: number): void {
    this.chunks = this.dropFront(n);
    this.buffered -= n;
  }
}
