/**
 * Splits a TCP byte stream into size-prefixed Kafka frames.
 *
 * The 4-byte size is checked against socket.request.max.bytes before any buffer is allocated
 * for the frame. A frame that arrives inside one socket chunk is returned as a view of it;
 * only frames split across chunks are copied together.
 */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds bytes from the socket and returns the frames (without size prefix) now complete. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameTooLargeError(
          size < 0 ? `invalid frame size ${size}` : `frame of ${size} bytes is larger than socket.request.max.bytes (${this.maxFrameBytes})`,
        );
      }
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
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
    const out = Buffer.allocUnsafe(n);
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
