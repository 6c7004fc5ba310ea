/**
 * `gregor dump-log`: kafka-dump-log offline, on segment files (`.log`, `.index`, `.timeindex`),
 * with kafka-dump-log's output lines:
 *
 *   Dumping <file>
 *   Log starting offset: 0
 *   baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1
 *   producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false
 *   deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000000 size: 80 magic: 2
 *   compresscodec: none crc: 123456 isvalid: true                        (one line per batch)
 *   | offset: 0 CreateTime: 1700000000000 keySize: 1 valueSize: 5 sequence: -1 headerKeys: [h] key: k payload: hello
 *                                                                        (records, with --print-data-log or --deep-iteration)
 *
 * Files are read one batch at a time, so segments of any size dump in bounded memory.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { crc32c } from '../protocol/crc32c.js';
import { ATTRIBUTES, BatchHeader, CompressionType, HEADER_SIZE_UP_TO_MAGIC, LOG_OVERHEAD, MIN_BATCH_LENGTH } from '../protocol/records/batch-header.js';
import { ControlRecordType, parseControlRecordKey, parseEndTxnMarkerValue } from '../protocol/records/control-records.js';
import { iterateRecords } from '../protocol/records/read-records.js';
import type { KafkaRecord } from '../protocol/records/record.js';
import { action, toJson, UsageError, writeOut } from './common.js';

interface DumpOptions {
  files: string;
  printDataLog?: boolean;
  deepIteration?: boolean;
  maxBatchBytes?: number;
  json?: boolean;
}

const CODEC_NAMES: Readonly<Record<number, string>> = {
  [CompressionType.None]: 'none',
  [CompressionType.Gzip]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.Lz4]: 'lz4',
  [CompressionType.Zstd]: 'zstd',
};

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  [ControlRecordType.Abort]: 'ABORT',
  [ControlRecordType.Commit]: 'COMMIT',
  [ControlRecordType.LeaderChange]: 'LEADER_CHANGE',
  [ControlRecordType.SnapshotHeader]: 'SNAPSHOT_HEADER',
  [ControlRecordType.SnapshotFooter]: 'SNAPSHOT_FOOTER',
  [ControlRecordType.KRaftVersion]: 'KRAFT_VERSION',
  [ControlRecordType.KRaftVoters]: 'KRAFT_VOTERS',
};

export function registerDumpLogCommand(program: Command): void {
  program
    .command('dump-log')
    .description('decode log segment and index files offline (like kafka-dump-log)')
    .requiredOption('--files <files>', 'comma-separated .log, .index and .timeindex files')
    .option('--print-data-log', 'print each record with its key and payload')
    .option('--deep-iteration', 'print each record (without key and payload)')
    .option('--json', 'print one JSON document per file')
    .action(action((opts: DumpOptions) => dumpFiles(opts)));
}

async function dumpFiles(opts: DumpOptions): Promise<void> {
  const files = opts.files.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (files.length === 0) throw new UsageError('--files needs at least one file');
  for (const file of files) {
    const name = basename(file);
    const baseOffset = /^(\d+)\./.exec(name)?.[1];
    let size: number;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!opts.json) await writeOut(`Dumping ${file}\n`);
    if (name.endsWith('.log')) {
      if (baseOffset === undefined) throw new UsageError(`${file}: a segment file name starts with its base offset`);
      await dumpLog(file, size, BigInt(baseOffset), opts);
    } else if (name.endsWith('.index') || name.endsWith('.timeindex')) {
      if (baseOffset === undefined) throw new UsageError(`${file}: an index file name starts with its base offset`);
      await dumpIndex(file, BigInt(baseOffset), name.endsWith('.timeindex'), opts);
    } else if (opts.json) {
      await writeOut(toJson({ file, ignored: true }) + '\n');
    } else {
      await writeOut(`Ignoring unknown file ${file}\n`);
    }
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function text(b: Buffer | null): string {
  return b === null ? 'null' : b.toString('utf8');
}

async function dumpLog(file: string, fileSize: number, startOffset: bigint, opts: DumpOptions): Promise<void> {
  const deep = opts.printDataLog || opts.deepIteration;
  const fd = openSync(file, 'r');
  const json: Record<string, unknown>[] = [];
  let out = opts.json ? '' : `Log starting offset: ${startOffset}\n`;
  let position = 0;
  try {
    while (fileSize - position >= HEADER_SIZE_UP_TO_MAGIC) {
      const head = readAt(fd, position, HEADER_SIZE_UP_TO_MAGIC);
      const batchLength = head.readInt32BE(8);
      const magic = head.readInt8(16);
      if (batchLength < MIN_BATCH_LENGTH || magic < 0 || magic > 2) break;
      const size = LOG_OVERHEAD + batchLength;
      if (position + size > fileSize) break;
      const batch = readAt(fd, position, size);
      if (magic !== 2) {
        out += `offset: ${batch.readBigInt64BE(0)} position: ${position} size: ${size} magic: ${magic} (legacy message format, not decoded)\n`;
        position += size;
        continue;
      }
      const h = new BatchHeader(batch);
      const isValid = crc32c(batch, ATTRIBUTES) === h.crc;
      const timestampType = h.isLogAppendTime ? 'LogAppendTime' : 'CreateTime';
      const codec = CODEC_NAMES[h.compression] ?? `unknown(${h.compression})`;
      const deleteHorizon = h.hasDeleteHorizon ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty';
      const records = deep ? await decodeRecords(batch) : null;
      if (opts.json) {
        json.push({
          baseOffset: h.baseOffset,
          lastOffset: h.lastOffset,
          count: h.recordsCount,
          baseSequence: h.baseSequence,
          lastSequence: h.lastSequence,
          producerId: h.producerId,
          producerEpoch: h.producerEpoch,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          isTransactional: h.isTransactional,
          isControl: h.isControl,
          deleteHorizonMs: h.hasDeleteHorizon ? h.baseTimestamp : null,
          position,
          timestampType,
          maxTimestamp: h.maxTimestamp,
          size,
          magic,
          compresscodec: codec,
          crc: h.crc,
          isvalid: isValid,
          ...(records ? { records: records.map((r) => recordJson(r, h, opts.printDataLog === true)) } : {}),
        });
      } else {
        out +=
          `baseOffset: ${h.baseOffset} lastOffset: ${h.lastOffset} count: ${h.recordsCount} baseSequence: ${h.baseSequence} lastSequence: ${h.lastSequence}` +
          ` producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch} isTransactional: ${h.isTransactional}` +
          ` isControl: ${h.isControl} deleteHorizonMs: ${deleteHorizon} position: ${position} ${timestampType}: ${h.maxTimestamp} size: ${size} magic: ${magic}` +
          ` compresscodec: ${codec} crc: ${h.crc} isvalid: ${isValid}\n`;
        for (const r of records ?? []) out += recordLine(r, h, timestampType, opts.printDataLog === true);
      }
      position += size;
      if (out.length > 1 << 20) {
        await writeOut(out);
        out = '';
      }
    }
  } finally {
    closeSync(fd);
  }
  const trailing = fileSize - position;
  if (opts.json) {
    await writeOut(toJson({ file, type: 'log', startOffset, batches: json, trailingBytes: trailing }) + '\n');
    return;
  }
  if (trailing > 0) out += `Found ${trailing} invalid bytes at the end of ${basename(file)}\n`;
  await writeOut(out);
}

async function decodeRecords(batch: Buffer): Promise<(KafkaRecord | { error: string })[]> {
  try {
    return (await iterateRecords(batch, { maxDecompressedBytes: 1 << 30 })).toArray();
  } catch (err) {
    return [{ error: (err as Error).message }];
  }
}

function controlText(r: KafkaRecord): string {
  try {
    const { type } = parseControlRecordKey(r.key);
    if (type === ControlRecordType.Abort || type === ControlRecordType.Commit) {
      return ` endTxnMarker: ${CONTROL_NAMES[type]} coordinatorEpoch: ${parseEndTxnMarkerValue(r.value).coordinatorEpoch}`;
    }
    return ` controlType: ${CONTROL_NAMES[type] ?? 'UNKNOWN'}(${type})`;
  } catch (err) {
    return ` invalid control record: ${(err as Error).message}`;
  }
}

function recordLine(r: KafkaRecord | { error: string }, h: BatchHeader, timestampType: string, printData: boolean): string {
  if ('error' in r) return `| cannot decode the records of this batch: ${r.error}\n`;
  let line =
    `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1}` +
    ` sequence: ${r.sequence} headerKeys: [${r.headers.map((x) => x.key).join(', ')}]`;
  if (h.isControl) line += controlText(r);
  else if (printData) {
    if (r.key !== null) line += ` key: ${text(r.key)}`;
    if (r.value !== null) line += ` payload: ${text(r.value)}`;
  }
  return line + '\n';
}

function recordJson(r: KafkaRecord | { error: string }, h: BatchHeader, printData: boolean): Record<string, unknown> {
  if ('error' in r) return r;
  const out: Record<string, unknown> = {
    offset: r.offset,
    timestamp: r.timestamp,
    keySize: r.key?.length ?? -1,
    valueSize: r.value?.length ?? -1,
    sequence: r.sequence,
    headerKeys: r.headers.map((x) => x.key),
  };
  if (h.isControl) out.control = controlText(r).trim();
  else if (printData) {
    out.key = r.key === null ? null : text(r.key);
    out.payload = r.value === null ? null : text(r.value);
    out.headers = r.headers.map((x) => ({ key: x.key, value: x.value === null ? null : text(x.value) }));
  }
  return out;
}

async function dumpIndex(file: string, baseOffset: bigint, isTime: boolean, opts: DumpOptions): Promise<void> {
  const fd = openSync(file, 'r');
  let buf: Buffer;
  try {
    buf = readAt(fd, 0, statSync(file).size);
  } finally {
    closeSync(fd);
  }
  const entrySize = isTime ? 12 : 8;
  const entries: Record<string, unknown>[] = [];
  let out = '';
  for (let i = 0; (i + 1) * entrySize <= buf.length; i++) {
    const at = i * entrySize;
    if (isTime) {
      const timestamp = buf.readBigInt64BE(at);
      const offset = baseOffset + BigInt(buf.readInt32BE(at + 8));
      // A preallocated index ends in zero entries: stop at the first (as kafka-dump-log does).
      if (i > 0 && offset === baseOffset) break;
      if (timestamp === 0n && offset === baseOffset) break;
      entries.push({ timestamp, offset });
      out += `timestamp: ${timestamp} offset: ${offset}\n`;
    } else {
      const offset = baseOffset + BigInt(buf.readInt32BE(at));
      const position = buf.readInt32BE(at + 4);
      if (i > 0 && offset === baseOffset) break;
      entries.push({ offset, position });
      out += `offset: ${offset} position: ${position}\n`;
    }
  }
  await writeOut(opts.json ? toJson({ file, type: isTime ? 'timeindex' : 'index', baseOffset, entries }) + '\n' : out);
}
