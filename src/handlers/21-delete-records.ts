/**
 * DeleteRecords (API key 21, v0-2): moves each partition's log start offset (Kafka's
 * KafkaApis.handleDeleteRecordsRequest -> ReplicaManager.deleteRecordsOnLocalLog ->
 * Partition.deleteRecordsOnLeader -> UnifiedLog.maybeIncrementLogStartOffset).
 *
 * Per partition: an unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION; an internal topic
 * (__consumer_offsets, __transaction_state) INVALID_TOPIC_EXCEPTION; a partition not led here
 * NOT_LEADER_OR_FOLLOWER; a topic whose cleanup.policy lacks delete POLICY_VIOLATION; offset -1
 * means the high watermark; an offset below -1 or above the high watermark is
 * OFFSET_OUT_OF_RANGE. The answer carries the new low watermark (the log start offset; with one
 * replica the leader's), or -1 with an error. An offset at or below the current log start offset
 * changes nothing and answers the current one. Segments wholly below the new log start offset are
 * deleted (PartitionLog.setLogStartOffset; files removed after file.delete.delay.ms) and the
 * producer state learns the new start (onLogStartOffsetIncremented). Fetches below it then get
 * OFFSET_OUT_OF_RANGE. With one replica nothing waits, so timeoutMs is not used.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultDeleteRecordsResponse,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type DeleteRecordsResponseDeleteRecordsPartitionResult,
} from '../protocol/generated/api/21-delete-records.js';
import { ConfigResourceType } from '../metadata/image.js';
import { onLogStartOffsetIncremented } from '../storage/cleaner/log-cleanup-service.js';
import { OffsetOutOfRangeError } from '../storage/errors.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** DeleteRecordsRequest.HIGH_WATERMARK */
const HIGH_WATERMARK = -1n;
/** DeleteRecordsResponse.INVALID_LOW_WATERMARK */
const INVALID_LOW_WATERMARK = -1n;
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

function deletePolicyAllowed(ctx: RequestContext, topic: string): boolean {
  const { configs } = ctx.broker.configAdmin.describe(ConfigResourceType.TOPIC, topic, ['cleanup.policy'], { includeSynonyms: false, includeDocumentation: false });
  const value = configs[0]?.value ?? 'delete';
  return value.split(',').some((p) => p.trim().toLowerCase() === 'delete');
}

function deleteRecords(ctx: RequestContext, topic: string, partitionIndex: number, requested: bigint): DeleteRecordsResponseDeleteRecordsPartitionResult {
  const result = (errorCode: number, lowWatermark = INVALID_LOW_WATERMARK) => ({ partitionIndex, lowWatermark, errorCode });
  const topicImage = ctx.broker.image.topicsByName.get(topic);
  if (!topicImage || !topicImage.partitions.has(partitionIndex)) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (INTERNAL_TOPICS.has(topic)) return result(ErrorCode.INVALID_TOPIC_EXCEPTION);
  const partition = ctx.broker.replicas.getPartition(topic, partitionIndex);
  if (!partition) return result(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  if (!deletePolicyAllowed(ctx, topic)) return result(ErrorCode.POLICY_VIOLATION);
  const log = partition.log;
  const offset = requested === HIGH_WATERMARK ? log.highWatermark : requested;
  if (offset < 0n) return result(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    if (log.setLogStartOffset(offset)) {
      onLogStartOffsetIncremented(log, partition.producers);
      ctx.log.info({ topic, partition: partitionIndex, logStartOffset: String(log.logStartOffset) }, 'incremented log start offset due to client delete records request');
    }
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) return result(ErrorCode.OFFSET_OUT_OF_RANGE);
    throw err;
  }
  return result(ErrorCode.NONE, log.logStartOffset);
}

export const deleteRecordsHandler: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultDeleteRecordsResponse();
    res.topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => deleteRecords(ctx, t.name, p.partitionIndex, p.offset)),
    }));
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDeleteRecordsResponse();
    res.topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: INVALID_LOW_WATERMARK, errorCode })),
    }));
    return res;
  },
};
