/**
 * Errors thrown while reading record batches, records and compressed streams.
 *
 * Readers throw these for malformed input; validate.ts turns them into Kafka error codes, so a
 * bad batch from a client becomes an error field in the response, never an uncaught exception.
 */
import { DecodeError } from '../primitives/errors.js';

/** A batch, a record or a compressed stream is malformed, truncated or fails its checksum. */
export class CorruptRecordError extends DecodeError {
  override name = 'CorruptRecordError';
}

/** A compressed stream could not be decoded by its codec (bad header, bad block, checksum mismatch). */
export class DecompressionError extends CorruptRecordError {
  override name = 'DecompressionError';
}

/**
 * Decompressing would produce more than the caller's maxOutputBytes (a decompression bomb, or a
 * batch larger than the broker accepts). Thrown before or while decoding, never after
 * allocating the oversized output.
 */
export class DecompressionLimitError extends CorruptRecordError {
  override name = 'DecompressionLimitError';
  constructor(
    readonly limitBytes: number,
    detail: string,
  ) {
    super(`decompressed data would exceed the limit of ${limitBytes} bytes: ${detail}`);
  }
}
