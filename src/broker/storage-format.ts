/**
 * Storage formatting, as `kafka-storage format` does: every log dir (and the metadata log dir)
 * gets a meta.properties with version 1, the node id, the cluster id and its own directory id.
 * Starting on an empty log dir formats it; a log dir formatted for another cluster or node stops
 * the start with Kafka's message.
 */
import { join } from 'node:path';
import { randomUuid } from '../protocol/primitives/uuid.js';
import { readMetaProperties, writeMetaProperties } from '../storage/checkpoint.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';

export class StorageFormatError extends Error {
  override name = 'StorageFormatError';
}

export interface FormattedStorage {
  clusterId: string;
  /** Directory id of each log dir. */
  directoryIds: Map<string, string>;
  /** Whether any directory had to be formatted now. */
  formatted: boolean;
}

/** Kafka's Uuid.randomUuid().toString() is what kafka-storage random-uuid prints. */
export function randomClusterId(): string {
  return randomUuid();
}

export function ensureFormatted(fs: StorageFs, dirs: readonly string[], nodeId: number, wantedClusterId: string | undefined): FormattedStorage {
  let clusterId = wantedClusterId;
  const existing = new Map<string, ReturnType<typeof readMetaProperties>>();
  for (const dir of dirs) {
    const meta = readMetaProperties(fs, dir);
    existing.set(dir, meta);
    if (!meta) continue;
    if (meta.nodeId !== undefined && meta.nodeId !== nodeId) {
      throw new StorageFormatError(`Stored node id ${meta.nodeId} doesn't match previous node id ${nodeId} in ${dir}. If you moved your data, make sure your configured node id matches. If you intend to create a new node, you should remove all data in your data directories.`);
    }
    if (meta.clusterId !== undefined) {
      if (clusterId !== undefined && clusterId !== meta.clusterId) {
        throw new StorageFormatError(`Invalid cluster.id in: ${join(dir, 'meta.properties')}. Expected ${clusterId}, but read ${meta.clusterId}`);
      }
      clusterId = meta.clusterId;
    }
  }
  clusterId ??= randomClusterId();
  const directoryIds = new Map<string, string>();
  let formatted = false;
  for (const dir of dirs) {
    const meta = existing.get(dir);
    if (meta?.directoryId) {
      directoryIds.set(dir, meta.directoryId);
      continue;
    }
    fs.mkdir(dir);
    const directoryId = randomUuid();
    writeMetaProperties(fs, dir, { version: 1, nodeId, clusterId, directoryId });
    directoryIds.set(dir, directoryId);
    formatted = true;
  }
  return { clusterId, directoryIds, formatted };
}
