import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
} from '../protocol/generated/api/03-metadata.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { isInternalTopic, topicNameError } from '../metadata/topic-name.js';
import type { TopicImage } from '../metadata/image.js';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from '../security/authorized-operations.js';
import type { ApiHandler, RequestContext } from './handler.js';
import { brokersForListener } from './common/brokers.js';

function topicMetadata(ctx: RequestContext, topic: TopicImage, includeOps: boolean): MetadataResponseMetadataResponseTopic {
  const live = ctx.broker.image.brokers;
  const partitions = [...topic.partitions.values()]
    .sort((a, b) => a.partitionId - b.partitionId)
    .map((p) => ({
      errorCode: live.has(p.leader) ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    }));
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: includeOps ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function topicError(name: string | null, errorCode: number, topicId = ZERO_UUID): MetadataResponseMetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: name !== null && isInternalTopic(name), partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}

export const metadataHandler: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  listeners: ['broker'],
  handle(ctx, request) {
    const { image } = ctx.broker;
    const v = ctx.apiVersion;
    const includeTopicOps = request.includeTopicAuthorizedOperations;
    const res = defaultMetadataResponse();
    res.clusterId = ctx.broker.clusterId;
    res.controllerId = ctx.broker.controllerId();
    res.clusterAuthorizedOperations = request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;

    // v0: an empty list means all topics; v1+: null means all topics and an empty list none.
    const allTopics = request.topics === null || (v === 0 && request.topics.length === 0);
    if (allTopics) {
      res.topics = [...image.topicsByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => topicMetadata(ctx, t, includeTopicOps));
    } else {
      const allowAutoCreate = v < 4 || request.allowAutoTopicCreation;
      const missing: string[] = [];
      for (const t of request.topics!) {
        if (t.name === null || t.name === '') {
          if (t.topicId !== ZERO_UUID) {
            const topic = image.topicsById.get(t.topicId);
            res.topics.push(topic ? topicMetadata(ctx, topic, includeTopicOps) : topicError(null, ErrorCode.UNKNOWN_TOPIC_ID, t.topicId));
          } else {
            res.topics.push(topicError(t.name, ErrorCode.INVALID_REQUEST));
          }
          continue;
        }
        if (!image.topicsByName.has(t.name) && allowAutoCreate && topicNameError(t.name) === null && !isInternalTopic(t.name)) missing.push(t.name);
      }
      const created = missing.length > 0 ? ctx.broker.autoCreateTopics(missing) : new Map<string, number>();
      for (const t of request.topics!) {
        if (t.name === null || t.name === '') continue;
        const topic = image.topicsByName.get(t.name);
        if (topic) res.topics.push(topicMetadata(ctx, topic, includeTopicOps));
        else if (topicNameError(t.name) !== null) res.topics.push(topicError(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION));
        else res.topics.push(topicError(t.name, created.get(t.name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      }
    }
    res.brokers = brokersForListener(ctx).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultMetadataResponse();
    res.topics = (request.topics ?? []).map((t) => topicError(t.name, errorCode, t.topicId));
    return res;
  },
};
