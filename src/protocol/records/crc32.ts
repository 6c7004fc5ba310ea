/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as java.util.zip.CRC32 and zlib compute
 * it), the checksum of legacy magic 0/1 messages. Node 20's zlib has no crc32(), so this is the
 * plain table-driven version; it only runs on legacy input, which the broker rejects anyway.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** Unsigned CRC-32 of buf[start, end). */
export function crc32(buf: Buffer, start = 0, end = buf.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
