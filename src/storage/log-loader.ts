/**
 * Opening a partition directory (Kafka's LogLoader.load): clean temporary files and finish
 * swaps, open every segment, rebuild missing or corrupt indexes (even after a clean shutdown),
 * recover the segments from the recovery point on after an unclean shutdown (a torn or corrupt
 * batch truncates its segment and deletes every later one), and work out the log's offsets.
 */
import { join } from 'node:path';
import { LOG_FILE_SUFFIX, isIndexFileName, offsetFromFileName, logFilePath } from './file-names.js';
import type { Logger } from './logger.js';
import { recoverSegment, removeTempFilesAndCompleteSwaps } from './recovery.js';
import { LogSegment, type SegmentContext } from './segment.js';

export interface LoadLogParams {
  /** A fresh context per segment (each segment draws its own roll jitter). */
  segmentContext: () => SegmentContext;
  hadCleanShutdown: boolean;
  recoveryPointCheckpoint: bigint;
  logStartOffsetCheckpoint: bigint;
  logger: Logger;
}

export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: bigint;
  logEndOffset: bigint;
  recoveryPoint: bigint;
}

export function loadLog(p: LoadLogParams): LoadedLog {
  const ctx = p.segmentContext();
  const { fs, dir } = ctx;
  const logger = p.logger;
  fs.mkdir(dir);
  removeTempFilesAndCompleteSwaps(fs, dir, logger);

  const segments: LogSegment[] = [];
  const names = fs.readdir(dir).sort();
  for (const name of names) {
    const base = offsetFromFileName(name);
    if (base === null) continue;
    if (isIndexFileName(name)) {
      if (!fs.exists(logFilePath(dir, base))) {
        logger.warn({ file: join(dir, name) }, 'found an orphaned index file with no log file, deleting it');
        fs.unlink(join(dir, name));
      }
      continue;
    }
    if (!name.endsWith(LOG_FILE_SUFFIX)) continue;
    const segment = LogSegment.open(p.segmentContext(), base);
    if (!segment.indexFilesLookSane()) {
      const expected = p.hadCleanShutdown || base < p.recoveryPointCheckpoint;
      const fields = { segment: segment.logPath };
      if (expected) logger.error(fields, 'missing or corrupt index files, recovering the segment and rebuilding its indexes');
      else logger.info(fields, 'rebuilding the indexes of an unflushed segment');
      recoverSegment(fs, segment, logger);
    }
    segments.push(segment);
  }
  segments.sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : a.baseOffset > b.baseOffset ? 1 : 0));

  if (!p.hadCleanShutdown) recoverUnflushed(fs, segments, p.recoveryPointCheckpoint, logger);

  let logEndOffset: bigint | null = segments.length > 0 ? segments[segments.length - 1]!.readNextOffset() : null;
  if (logEndOffset !== null && logEndOffset < p.logStartOffsetCheckpoint) {
    logger.warn(
      { logEndOffset: String(logEndOffset), logStartOffset: String(p.logStartOffsetCheckpoint) },
      'deleting all segments because the log end offset is below the log start offset (segment files deleted from the file system?)',
    );
    for (const s of segments) s.deleteIfExists();
    segments.length = 0;
    logEndOffset = null;
  }
  if (segments.length === 0) {
    segments.push(LogSegment.create(p.segmentContext(), p.logStartOffsetCheckpoint));
    logEndOffset = p.logStartOffsetCheckpoint;
  }
  const first = segments[0]!.baseOffset;
  const logStartOffset = p.logStartOffsetCheckpoint > first ? p.logStartOffsetCheckpoint : first;
  const leo = logEndOffset!;
  const recoveryPoint = p.hadCleanShutdown ? leo : p.recoveryPointCheckpoint < leo ? p.recoveryPointCheckpoint : leo;
  return { segments, logStartOffset, logEndOffset: leo, recoveryPoint };
}

/** Kafka's LogLoader.recoverLog for an unclean shutdown: recover from the segment holding the recovery point. */
function recoverUnflushed(fs: SegmentContext['fs'], segments: LogSegment[], recoveryPoint: bigint, logger: Logger): void {
  let i = 0;
  while (i + 1 < segments.length && segments[i + 1]!.baseOffset <= recoveryPoint) i++;
  for (; i < segments.length; i++) {
    const segment = segments[i]!;
    logger.info({ segment: segment.logPath }, 'recovering unflushed segment');
    let truncated: number;
    try {
      truncated = recoverSegment(fs, segment, logger);
    } catch (err) {
      logger.warn({ segment: segment.logPath, err: (err as Error).message }, 'invalid segment during recovery, emptying it');
      segment.beginIndexRebuild();
      truncated = segment.endIndexRebuild(0);
    }
    if (truncated > 0) {
      const rest = segments.splice(i + 1);
      if (rest.length > 0) {
        logger.warn({ segments: rest.map((s) => String(s.baseOffset)) }, 'deleting the segments after the corruption');
        for (const s of rest) s.deleteIfExists();
      }
      break;
    }
  }
  // Segments rolled just before the crash can come back empty; the last one would set the log
  // end offset past offsets that no longer exist. Dropping trailing empty segments above the
  // recovery point loses nothing and keeps the log end where the data ends (Kafka keeps them).
  while (segments.length > 1) {
    const last = segments[segments.length - 1]!;
    if (last.size > 0 || last.baseOffset <= recoveryPoint) break;
    segments.pop();
    last.deleteIfExists();
  }
}
