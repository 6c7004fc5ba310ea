/** A frame or field could not be decoded: malformed, truncated or out of range. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** A value cannot be encoded at the requested version (a non-ignorable field that version lacks, a null where none is allowed). */
export class EncodeError extends Error {
  override name = 'EncodeError';
}
