/**
 * Kafka's small metadata files, byte-compatible with what Kafka writes.
 *
 * Offset checkpoint files, one of each per log dir (CheckpointFile + OffsetCheckpointFile):
 *   recovery-point-offset-checkpoint   offsets below which every partition's log is flushed
 *   log-start-offset-checkpoint        log start offsets (only those above the first segment)
 *   replication-offset-checkpoint      high watermarks
 * Format: UTF-8 lines separated by '\n':
 *   0                     version
 *   <count>               number of entries
 *   <topic> <partition> <offset>   one line per entry (topic names never contain spaces)
 * Written atomically: `<file>.tmp`, fsync, rename over the file, fsync the directory.
 *
 * meta.properties (per log dir, MetaProperties v1), a Java properties file:
 *   #\n#<date>\n then version=1, node.id=<int>, cluster.id=<string>, directory.id=<uuid>
 *
 * partition.metadata (per partition dir, PartitionMetadataFile), no trailing newline:
 *   version: 0\ntopic_id: <uuid>
 */
import { join } from 'node:path';
import { writeFileAtomic } from './fs/fs-utils.js';
import type { StorageFs } from './fs/storage-fs.js';
import type { TopicPartition } from './file-names.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const META_PROPERTIES_FILE = 'meta.properties';
export const PARTITION_METADATA_FILE = 'partition.metadata';

const OFFSET_CHECKPOINT_VERSION = 0;

export interface OffsetCheckpointEntry extends TopicPartition {
  offset: bigint;
}

export class MalformedCheckpointError extends Error {
  override name = 'MalformedCheckpointError';
}

export function formatOffsetCheckpoint(entries: readonly OffsetCheckpointEntry[]): string {
  let out = `${OFFSET_CHECKPOINT_VERSION}\n${entries.length}\n`;
  for (const e of entries) out += `${e.topic} ${e.partition} ${e.offset}\n`;
  return out;
}

export function parseOffsetCheckpoint(text: string, location = 'checkpoint'): OffsetCheckpointEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return [];
  const bad = (line: string): never => {
    throw new MalformedCheckpointError(`malformed line in checkpoint file ${location}: ${JSON.stringify(line)}`);
  };
  const version = lines[0]!.trim();
  if (!/^-?\d+$/.test(version)) bad(lines[0]!);
  if (Number(version) !== OFFSET_CHECKPOINT_VERSION) {
    throw new MalformedCheckpointError(`unrecognised version ${version} in checkpoint file ${location}`);
  }
  if (lines.length === 1) return [];
  const countLine = lines[1]!.trim();
  if (!/^\d+$/.test(countLine)) bad(lines[1]!);
  const entries: OffsetCheckpointEntry[] = [];
  for (const line of lines.slice(2)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3 || !/^\d+$/.test(parts[1]!) || !/^-?\d+$/.test(parts[2]!)) bad(line);
    entries.push({ topic: parts[0]!, partition: Number(parts[1]), offset: BigInt(parts[2]!) });
  }
  if (entries.length !== Number(countLine)) {
    throw new MalformedCheckpointError(`expected ${countLine} entries in checkpoint file ${location}, found ${entries.length}`);
  }
  return entries;
}

export function writeOffsetCheckpoint(fs: StorageFs, path: string, entries: readonly OffsetCheckpointEntry[]): void {
  writeFileAtomic(fs, path, formatOffsetCheckpoint(entries));
}

/** Entries of a checkpoint file; empty when the file does not exist. Throws MalformedCheckpointError. */
export function readOffsetCheckpoint(fs: StorageFs, path: string): OffsetCheckpointEntry[] {
  if (!fs.exists(path)) return [];
  return parseOffsetCheckpoint(fs.readFile(path).toString('utf8'), path);
}

// meta.properties

export interface MetaProperties {
  version: number;
  nodeId?: number;
  clusterId?: string;
  directoryId?: string;
  /** Any other keys, kept as read. */
  extra?: Record<string, string>;
}

function escapeProperty(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if ('=:#!'.includes(c)) out += '\\' + c;
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else out += c;
  }
  return out;
}

/** Java's Properties.store with an empty comment, as Kafka's PropertiesUtils.writePropertiesFile. */
export function formatProperties(props: Record<string, string>, now = new Date()): string {
  let out = `#\n#${now.toString()}\n`;
  for (const [k, v] of Object.entries(props)) out += `${escapeProperty(k, true)}=${escapeProperty(v, false)}\n`;
  return out;
}

/** A practical subset of Java's Properties.load: comments, =/:/space separators, escapes, continuations. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rawLines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < rawLines.length; i++) {
    let line = rawLines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < rawLines.length) {
      line = line.slice(0, -1) + rawLines[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const key = line.slice(0, k);
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    if (v < line.length && '=:'.includes(line[v]!)) v++;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    out[unescapeProperty(key)] = unescapeProperty(line.slice(v));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === 'f' ? '\f' : c;
  });
}

export function writeMetaProperties(fs: StorageFs, logDir: string, meta: MetaProperties): void {
  const props: Record<string, string> = { ...(meta.extra ?? {}) };
  props['version'] = String(meta.version);
  if (meta.clusterId !== undefined) props['cluster.id'] = meta.clusterId;
  if (meta.nodeId !== undefined) props[meta.version === 0 ? 'broker.id' : 'node.id'] = String(meta.nodeId);
  if (meta.directoryId !== undefined) props['directory.id'] = meta.directoryId;
  writeFileAtomic(fs, join(logDir, META_PROPERTIES_FILE), formatProperties(props));
}

/** meta.properties of a log dir, or null when the file does not exist. */
export function readMetaProperties(fs: StorageFs, logDir: string): MetaProperties | null {
  const path = join(logDir, META_PROPERTIES_FILE);
  if (!fs.exists(path)) return null;
  const props = parseProperties(fs.readFile(path).toString('utf8'));
  const { version = '0', 'cluster.id': clusterId, 'node.id': nodeIdV1, 'broker.id': brokerId, 'directory.id': directoryId, ...extra } = props;
  const v = Number(version);
  if (!Number.isInteger(v) || (v !== 0 && v !== 1)) throw new MalformedCheckpointError(`unknown meta.properties version ${version} in ${path}`);
  const nodeIdText = v === 0 ? brokerId : nodeIdV1;
  if (v === 1 && (nodeIdText === undefined || clusterId === undefined)) {
    throw new MalformedCheckpointError(`${path}: version 1 needs node.id and cluster.id`);
  }
  const meta: MetaProperties = { version: v };
  if (nodeIdText !== undefined) {
    if (!/^-?\d+$/.test(nodeIdText)) throw new MalformedCheckpointError(`${path}: node id ${nodeIdText} is not a number`);
    meta.nodeId = Number(nodeIdText);
  }
  if (clusterId !== undefined) meta.clusterId = clusterId;
  if (directoryId !== undefined) meta.directoryId = directoryId;
  if (Object.keys(extra).length > 0) meta.extra = extra;
  return meta;
}

// partition.metadata

export function writePartitionMetadata(fs: StorageFs, partitionDir: string, topicId: string): void {
  writeFileAtomic(fs, join(partitionDir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}`);
}

/** The topic id in partition.metadata, or null when the file does not exist. */
export function readPartitionMetadata(fs: StorageFs, partitionDir: string): { version: number; topicId: string } | null {
  const path = join(partitionDir, PARTITION_METADATA_FILE);
  if (!fs.exists(path)) return null;
  const lines = fs.readFile(path).toString('utf8').split('\n');
  const field = (line: string | undefined, name: string): string => {
    const m = line === undefined ? null : /^([^:]+):\s*(.*?)\s*$/.exec(line);
    if (!m || m[1]!.trim() !== name) throw new MalformedCheckpointError(`malformed line in partition metadata file ${path}: ${JSON.stringify(line)}`);
    return m[2]!;
  };
  const version = Number(field(lines[0], 'version'));
  if (version !== 0) throw new MalformedCheckpointError(`unrecognised version ${version} in ${path}`);
  return { version, topicId: field(lines[1], 'topic_id') };
}
