import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultDescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsRequest,
  type DescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic as TopicResult,
} from '../protocol/generated/api/75-describe-topic-partitions.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { isInternalTopic } from '../metadata/topic-name.js';
import { TOPIC_OPERATIONS } from '../security/authorized-operations.js';
import type { ApiHandler } from './handler.js';

/**
 * KIP-966 DescribeTopicPartitions: topics in name order (all topics when none are named), starting
 * at the cursor, with at most responsePartitionLimit partitions; nextCursor says where to go on.
 */
export const describeTopicPartitionsHandler: ApiHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse> = {
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker'],
  handle(ctx, request) {
    const { image } = ctx.broker;
    const res = defaultDescribeTopicPartitionsResponse();
    const names = request.topics.length > 0 ? [...new Set(request.topics.map((t) => t.name))] : [...image.topicsByName.keys()];
    names.sort();
    const cursor = request.cursor;
    let budget = Math.max(1, request.responsePartitionLimit);
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      const topic = image.topicsByName.get(name);
      if (!topic) {
        res.topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: TOPIC_OPERATIONS });
        continue;
      }
      const first = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      const result: TopicResult = { errorCode: ErrorCode.NONE, name, topicId: topic.topicId, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: TOPIC_OPERATIONS };
      res.topics.push(result);
      const partitions = [...topic.partitions.values()].filter((p) => p.partitionId >= first).sort((a, b) => a.partitionId - b.partitionId);
      for (const p of partitions) {
        if (budget === 0) {
          res.nextCursor = { topicName: name, partitionIndex: p.partitionId };
          return res;
        }
        result.partitions.push({
          errorCode: image.brokers.has(p.leader) ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
          partitionIndex: p.partitionId,
          leaderId: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: p.replicas,
          isrNodes: p.isr,
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
          offlineReplicas: [],
        });
        budget--;
      }
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDescribeTopicPartitionsResponse();
    res.topics = request.topics.map((t) => ({ errorCode, name: t.name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: 0 }));
    return res;
  },
};
