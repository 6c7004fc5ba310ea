/** Turns a topic's effective config (Kafka's LogConfig) into what the log and the append path read. */
import { longToNumber } from '../config/config-def.js';
import type { TopicConfig } from '../config/topic-configs.js';
import { TimestampType } from '../protocol/records/batch-header.js';
import type { LogConfig } from '../storage/log-config.js';
import type { PartitionSettings } from './partition.js';
import { compressionTypeOf } from './recompress.js';

export function logConfigOf(topic: TopicConfig): LogConfig {
  return {
    segmentBytes: topic.get('segment.bytes'),
    segmentMs: longToNumber(topic.get('segment.ms')),
    segmentJitterMs: longToNumber(topic.get('segment.jitter.ms')),
    indexIntervalBytes: topic.get('index.interval.bytes'),
    segmentIndexBytes: topic.get('segment.index.bytes'),
    flushIntervalMessages: longToNumber(topic.get('flush.messages')),
    flushIntervalMs: longToNumber(topic.get('flush.ms')),
  };
}

export function partitionSettingsOf(topic: TopicConfig): PartitionSettings {
  return {
    maxMessageBytes: topic.get('max.message.bytes'),
    timestampType: topic.get('message.timestamp.type') === 'LogAppendTime' ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    timestampBeforeMaxMs: topic.get('message.timestamp.before.max.ms'),
    timestampAfterMaxMs: topic.get('message.timestamp.after.max.ms'),
    compacted: topic.compact,
    minInsyncReplicas: topic.get('min.insync.replicas'),
    compression: {
      type: compressionTypeOf(topic.get('compression.type')),
      gzipLevel: topic.get('compression.gzip.level'),
      lz4Level: topic.get('compression.lz4.level'),
      zstdLevel: topic.get('compression.zstd.level'),
    },
  };
}
