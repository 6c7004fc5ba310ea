/**
 * Names of Kafka's log files and partition directories (LogFileUtils, LocalLog):
 *
 *   <log dir>/<topic>-<partition>/                   a partition directory
 *   <20-digit base offset>.log | .index | .timeindex | .txnindex
 *   ....<suffix>.deleted / .cleaned / .swap          in-flight delete, clean and swap states
 *   <topic>-<partition>.<32 hex uuid>-delete         a partition directory awaiting async deletion
 *   (-future and -stray directories are Kafka's too; this broker never creates them)
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const DELETE_DIR_SUFFIX = '-delete';
export const FUTURE_DIR_SUFFIX = '-future';
export const STRAY_DIR_SUFFIX = '-stray';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** The base offset padded to 20 digits so that `ls` sorts segments numerically. */
export function filenamePrefixFromOffset(offset: bigint): string {
  return offset.toString().padStart(20, '0');
}

export function logFilePath(dir: string, baseOffset: bigint, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX + suffix);
}

export function offsetIndexFilePath(dir: string, baseOffset: bigint, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + INDEX_FILE_SUFFIX + suffix);
}

export function timeIndexFilePath(dir: string, baseOffset: bigint, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + TIME_INDEX_FILE_SUFFIX + suffix);
}

export function txnIndexFilePath(dir: string, baseOffset: bigint, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + TXN_INDEX_FILE_SUFFIX + suffix);
}

/** The number before the first '.', or null when the name does not start with one. */
export function offsetFromFileName(name: string): bigint | null {
  const dot = name.indexOf('.');
  const digits = dot < 0 ? name : name.slice(0, dot);
  return /^\d{1,20}$/.test(digits) ? BigInt(digits) : null;
}

export function isIndexFileName(name: string): boolean {
  return name.endsWith(INDEX_FILE_SUFFIX) || name.endsWith(TIME_INDEX_FILE_SUFFIX) || name.endsWith(TXN_INDEX_FILE_SUFFIX);
}

export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** `<topic>-<partition>.<uuid without dashes>-delete`, the topic cut so the name stays within 255 characters. */
export function deleteDirName(tp: TopicPartition): string {
  const suffix = `-${tp.partition}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`;
  return tp.topic.slice(0, Math.max(0, 255 - suffix.length)) + suffix;
}

export type PartitionDirKind = 'live' | 'delete' | 'future' | 'stray';

const SUFFIXED_DIR = /^(\S+)-(\d+)\.(\S+)-(delete|future|stray)$/;

/**
 * Parses a partition directory name as Kafka's UnifiedLog.parseTopicPartitionName does; null when
 * the name is not a partition directory (e.g. a stray file or a malformed name).
 */
export function parsePartitionDirName(name: string): (TopicPartition & { kind: PartitionDirKind }) | null {
  const m = SUFFIXED_DIR.exec(name);
  if (m) return { topic: m[1]!, partition: Number(m[2]), kind: m[4] as PartitionDirKind };
  if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith(FUTURE_DIR_SUFFIX) || name.endsWith(STRAY_DIR_SUFFIX)) return null;
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const partition = name.slice(dash + 1);
  if (!/^\d{1,10}$/.test(partition) || Number(partition) > 0x7fffffff) return null;
  return { topic: name.slice(0, dash), partition: Number(partition), kind: 'live' };
}
