/**
 * Crash recovery for log directories, as Kafka's LogLoader and LogSegment.recover do it.
 *
 * - recoverSegment: validates every batch of a segment (sane length, magic 2, CRC-32C, offsets
 *   increasing and within the segment's int32 range), rebuilds both indexes, and truncates the
 *   file at the first torn or corrupt batch, logging one warning with the offset and byte position.
 * - removeTempFilesAndCompleteSwaps: deletes stray `.deleted` and `.cleaned` files and finishes an
 *   interrupted swap: `.swap` files whose base offset is >= the smallest `.cleaned` offset belong to
 *   an unfinished split and are deleted; the other swap files replace the segments they cover
 *   (files with base offsets in [min swap base, max swap next offset) are deleted, then the
 *   `.swap` suffix is dropped), which is the same order Kafka's LogLoader uses.
 * - The clean shutdown marker `.kafka_cleanshutdown`, written in each log dir on a clean stop.
 *   Format (Kafka's CleanShutdownFileHandler): a JSON object of strings,
 *   {"version":"0","broker_epoch":"<long>"}; its presence means no recovery is needed.
 */
import { join } from 'node:path';
import { ATTRIBUTES, CRC } from '../protocol/records/batch-header.js';
import { crc32c } from '../protocol/crc32c.js';
import { scanBatches } from './batch-scan.js';
import { CLEANED_FILE_SUFFIX, DELETED_FILE_SUFFIX, LOG_FILE_SUFFIX, SWAP_FILE_SUFFIX, offsetFromFileName } from './file-names.js';
import type { StorageFs } from './fs/storage-fs.js';
import type { Logger } from './logger.js';
import type { LogSegment } from './segment.js';

const RECOVERY_CHUNK = 1024 * 1024;

/** Validates and re-indexes a segment; returns the number of bytes truncated from its end. */
export function recoverSegment(fs: StorageFs, segment: LogSegment, logger: Logger): number {
  segment.beginIndexRebuild();
  let expectedNext = segment.baseOffset;
  let problem: string | undefined;
  const result = scanBatches(
    fs,
    segment.fileDescriptor,
    0,
    segment.size,
    (b) => {
      const stored = b.buf.readUInt32BE(b.at + CRC);
      const computed = crc32c(b.buf, b.at + ATTRIBUTES, b.at + b.size);
      if (stored !== computed) {
        problem = `CRC mismatch: stored ${stored}, computed ${computed}`;
        return false;
      }
      if (b.baseOffset < expectedNext || b.lastOffset < b.baseOffset) {
        problem = `batch offsets [${b.baseOffset}, ${b.lastOffset}] do not follow ${expectedNext - 1n}`;
        return false;
      }
      if (!segment.offsetIndex.canAppendOffset(b.lastOffset)) {
        problem = `offset ${b.lastOffset} overflows the segment's relative offsets`;
        return false;
      }
      segment.recoverBatch(b.position, b.lastOffset, b.maxTimestamp);
      expectedNext = b.lastOffset + 1n;
      return true;
    },
    { withBody: true, chunkSize: RECOVERY_CHUNK },
  );
  const validBytes = result.end === 'end' ? segment.size : result.position;
  const truncated = segment.endIndexRebuild(validBytes);
  if (truncated > 0) {
    logger.warn(
      { segment: segment.logPath, offset: String(expectedNext), position: validBytes, truncatedBytes: truncated, reason: problem ?? result.reason },
      'found a torn or corrupt batch during recovery, truncating the segment',
    );
  }
  return truncated;
}

function nextOffsetOfLogFile(fs: StorageFs, path: string, baseOffset: bigint): bigint {
  const fd = fs.open(path, 'read');
  try {
    let next = baseOffset;
    scanBatches(fs, fd, 0, fs.size(fd), (b) => {
      next = b.lastOffset + 1n;
    });
    return next;
  } finally {
    fs.close(fd);
  }
}

/** First pass of loading a partition directory (see the file comment). */
export function removeTempFilesAndCompleteSwaps(fs: StorageFs, dir: string, logger: Logger): void {
  const names = fs.readdir(dir).filter((n) => !fs.stat(join(dir, n))?.isDirectory);
  const swaps: string[] = [];
  const cleaned: string[] = [];
  let minCleanedOffset: bigint | null = null;
  for (const name of names) {
    if (name.endsWith(DELETED_FILE_SUFFIX) && !name.endsWith('.checkpoint.deleted')) {
      logger.debug({ file: join(dir, name) }, 'deleting stray temporary file');
      fs.unlink(join(dir, name));
    } else if (name.endsWith(CLEANED_FILE_SUFFIX)) {
      cleaned.push(name);
      const off = offsetFromFileName(name);
      if (off !== null && (minCleanedOffset === null || off < minCleanedOffset)) minCleanedOffset = off;
    } else if (name.endsWith(SWAP_FILE_SUFFIX)) {
      swaps.push(name);
    }
  }
  const validSwaps: string[] = [];
  for (const name of swaps) {
    const off = offsetFromFileName(name);
    if (off === null || (minCleanedOffset !== null && off >= minCleanedOffset)) {
      logger.debug({ file: join(dir, name) }, 'deleting invalid swap file of an incomplete split');
      fs.unlink(join(dir, name));
    } else {
      validSwaps.push(name);
    }
  }
  for (const name of cleaned) fs.unlink(join(dir, name));
  if (validSwaps.length === 0) return;

  let min: bigint | null = null;
  let max: bigint | null = null;
  for (const name of validSwaps) {
    if (!name.endsWith(LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX)) continue;
    const base = offsetFromFileName(name)!;
    const next = nextOffsetOfLogFile(fs, join(dir, name), base);
    logger.info({ file: join(dir, name) }, 'found log file from an interrupted swap, recovering it by renaming');
    if (min === null || base < min) min = base;
    if (max === null || next > max) max = next;
  }
  if (min !== null && max !== null) {
    for (const name of fs.readdir(dir)) {
      if (name.endsWith(SWAP_FILE_SUFFIX)) continue;
      const off = offsetFromFileName(name);
      if (off !== null && off >= min && off < max && !fs.stat(join(dir, name))?.isDirectory) {
        logger.info({ file: name }, 'deleting segment file replaced by a swap file');
        fs.unlink(join(dir, name));
      }
    }
  }
  for (const name of validSwaps) {
    fs.rename(join(dir, name), join(dir, name.slice(0, -SWAP_FILE_SUFFIX.length)));
  }
}

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** Writes `.kafka_cleanshutdown` (fsynced) into a log dir. */
export function writeCleanShutdownMarker(fs: StorageFs, logDir: string, brokerEpoch = -1n): void {
  const body = JSON.stringify({ version: '0', broker_epoch: brokerEpoch.toString() });
  fs.writeFile(join(logDir, CLEAN_SHUTDOWN_FILE), body, { fsync: true });
  fs.fsyncDir(logDir);
}

export function hasCleanShutdownMarker(fs: StorageFs, logDir: string): boolean {
  return fs.exists(join(logDir, CLEAN_SHUTDOWN_FILE));
}

/** The broker epoch stored in the marker (-1 when none was recorded); null when absent or unreadable. */
export function readCleanShutdownMarker(fs: StorageFs, logDir: string): bigint | null {
  try {
    const parsed = JSON.parse(fs.readFile(join(logDir, CLEAN_SHUTDOWN_FILE)).toString('utf8')) as Record<string, unknown>;
    const epoch = parsed['broker_epoch'];
    return typeof epoch === 'string' && /^-?\d+$/.test(epoch) ? BigInt(epoch) : -1n;
  } catch {
    return null;
  }
}

export function removeCleanShutdownMarker(fs: StorageFs, logDir: string): void {
  const p = join(logDir, CLEAN_SHUTDOWN_FILE);
  if (fs.exists(p)) {
    fs.unlink(p);
    fs.fsyncDir(logDir);
  }
}
