/**
 * A topic's effective config (Kafka's LogConfig, config/topic-configs.ts) as retention and the
 * log cleaner read it: milliseconds and bytes as numbers, Long.MAX_VALUE ("never") as
 * Number.MAX_SAFE_INTEGER.
 */
import { longToNumber } from '../../config/config-def.js';
import type { TopicConfig } from '../../config/topic-configs.js';
import type { RetentionConfig } from '../retention.js';
import type { CompactionConfig } from './cleaner-manager.js';
import type { CleanerLogConfig } from './cleaner.js';

export interface LogCleanupConfig extends RetentionConfig, CompactionConfig, CleanerLogConfig {}

export function logCleanupConfigOf(topic: TopicConfig): LogCleanupConfig {
  return {
    compact: topic.compact,
    delete: topic.delete,
    retentionMs: longToNumber(topic.get('retention.ms')),
    retentionBytes: longToNumber(topic.get('retention.bytes')),
    deleteRetentionMs: longToNumber(topic.get('delete.retention.ms')),
    minCompactionLagMs: longToNumber(topic.get('min.compaction.lag.ms')),
    maxCompactionLagMs: longToNumber(topic.get('max.compaction.lag.ms')),
    minCleanableRatio: topic.get('min.cleanable.dirty.ratio'),
    maxMessageBytes: topic.get('max.message.bytes'),
  };
}
