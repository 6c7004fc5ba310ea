/**
 * Shared pieces the generated codecs call: arrays and tagged-field sections.
 * Kept here so generated modules stay short; nothing in this file knows about a specific message.
 */
import { DecodeError, EncodeError } from './errors.js';
import type { Reader } from './reader.js';
import { Writer } from './writer.js';

/** A tagged field the codec does not know (or not at this version): kept as raw bytes and re-emitted. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

export type ElementReader<T> = (r: Reader) => T;
export type ElementWriter<T> = (w: Writer, value: T) => void;

export function readNullableArray<T>(r: Reader, flex: boolean, nullable: boolean, readElem: ElementReader<T>, field: string): T[] | null {
  const n = flex ? r.readCompactArrayLength() : r.readArrayLength();
  if (n === null) {
    if (!nullable) throw new DecodeError(`non-nullable field ${field} was null`);
    return null;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = readElem(r);
  return out;
}

export function readArray<T>(r: Reader, flex: boolean, readElem: ElementReader<T>, field: string): T[] {
  return readNullableArray(r, flex, false, readElem, field)!;
}

export function writeArray<T>(w: Writer, flex: boolean, nullable: boolean, arr: readonly T[] | null, writeElem: ElementWriter<T>, field: string): void {
  if (arr === null || arr === undefined) {
    if (!nullable) throw new EncodeError(`non-nullable field ${field} is null`);
    if (flex) w.writeCompactArrayLength(null);
    else w.writeArrayLength(null);
    return;
  }
  if (flex) w.writeCompactArrayLength(arr.length);
  else w.writeArrayLength(arr.length);
  for (let i = 0; i < arr.length; i++) writeElem(w, arr[i]!);
}

export function checkNotNull<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new EncodeError(`non-nullable field ${field} is null`);
  return value;
}

export function nonNull<T>(value: T | null, field: string): T {
  if (value === null) throw new DecodeError(`non-nullable field ${field} was null`);
  return value;
}

// Element readers/writers for arrays of primitives.
export const readInt8Elem: ElementReader<number> = (r) => r.readInt8();
export const readInt16Elem: ElementReader<number> = (r) => r.readInt16();
export const readInt32Elem: ElementReader<number> = (r) => r.readInt32();
export const readInt64Elem: ElementReader<bigint> = (r) => r.readInt64();
export const readUuidElem: ElementReader<string> = (r) => r.readUuid();
export const readStringElem: ElementReader<string> = (r) => r.readString();
export const readCompactStringElem: ElementReader<string> = (r) => r.readCompactString();
export const writeInt8Elem: ElementWriter<number> = (w, v) => { w.writeInt8(v); };
export const writeInt16Elem: ElementWriter<number> = (w, v) => { w.writeInt16(v); };
export const writeInt32Elem: ElementWriter<number> = (w, v) => { w.writeInt32(v); };
export const writeInt64Elem: ElementWriter<bigint> = (w, v) => { w.writeInt64(v); };
export const writeUuidElem: ElementWriter<string> = (w, v) => { w.writeUuid(v); };
export const writeStringElem: ElementWriter<string> = (w, v) => { w.writeString(checkNotNull(v, 'array element')); };
export const writeCompactStringElem: ElementWriter<string> = (w, v) => { w.writeCompactString(checkNotNull(v, 'array element')); };

/** Reads the payload of one tagged field through a reader bounded to its declared size. */
export function taggedFieldEnd(r: Reader, size: number): number {
  if (size > r.remaining) throw new DecodeError(`tagged field of ${size} bytes exceeds the ${r.remaining} bytes left`);
  return r.offset + size;
}

export function checkTaggedFieldConsumed(r: Reader, end: number, tag: number): void {
  if (r.offset !== end) throw new DecodeError(`tagged field ${tag} declared a size that does not match its content`);
}

/** A known tagged field to write: its tag and a function writing its value. */
export type TagEntry = [tag: number, write: (w: Writer) => void];

/** Writes a tagged-field section: known fields that differ from their defaults plus unknown ones, in tag order. */
export function writeTaggedFields(w: Writer, known: TagEntry[] | null, unknown: TaggedField[] | undefined): void {
  const unknownCount = unknown ? unknown.length : 0;
  const knownCount = known ? known.length : 0;
  w.writeUnsignedVarint(knownCount + unknownCount);
  if (knownCount + unknownCount === 0) return;
  const entries: Array<{ tag: number; data: Buffer }> = [];
  if (known) {
    for (const [tag, write] of known) {
      const sub = new Writer(64);
      write(sub);
      entries.push({ tag, data: sub.toBuffer() });
    }
  }
  if (unknown) entries.push(...unknown);
  entries.sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.tag === entries[i - 1]!.tag) throw new EncodeError(`tagged field ${entries[i]!.tag} written twice`);
  }
  for (const e of entries) {
    w.writeUnsignedVarint(e.tag);
    w.writeUnsignedVarint(e.data.length);
    w.writeRaw(e.data);
  }
}

export function absentFieldError(field: string, version: number): EncodeError {
  return new EncodeError(`field ${field} has a non-default value but does not exist in version ${version}`);
}
