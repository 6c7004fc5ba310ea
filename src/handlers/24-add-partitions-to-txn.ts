import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultAddPartitionsToTxnResponse,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../protocol/generated/api/24-add-partitions-to-txn.js';
import { fencedForVersion } from './common/txn-errors.js';
import type { ApiHandler } from './handler.js';

type TopicResult = AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult;

function allWith(topics: AddPartitionsToTxnRequest['v3AndBelowTopics'], code: (topic: string, partition: number) => number): TopicResult[] {
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: code(t.name, partitionIndex) })) }));
}

/**
 * AddPartitionsToTxn v0-3, the producer's path (KafkaApis.handleAddPartitionsToTxnRequest): unknown
 * partitions fail the request (UNKNOWN_TOPIC_OR_PARTITION for them, OPERATION_NOT_ATTEMPTED for the
 * rest), otherwise the transaction coordinator adds them and its error applies to every partition.
 * v4+ (brokers verifying for KIP-890) is not advertised.
 */
export const addPartitionsToTxnHandler: ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker'],
  async handle(ctx, request) {
    const res = defaultAddPartitionsToTxnResponse();
    const topics = request.v3AndBelowTopics;
    const { image } = ctx.broker;
    const unknown = (t: string, p: number) => !image.topicsByName.get(t)?.partitions.has(p);
    if (topics.some((t) => t.partitions.some((p) => unknown(t.name, p)))) {
      res.resultsByTopicV3AndBelow = allWith(topics, (t, p) => (unknown(t, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
      return res;
    }
    const partitions = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const code = await ctx.broker.transactionCoordinator.addPartitions(request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch, partitions);
    const finalCode = fencedForVersion(code, ctx.apiVersion, 2);
    res.resultsByTopicV3AndBelow = allWith(topics, () => finalCode);
    return res;
  },
  errorResponse(request, errorCode) {
    return { ...defaultAddPartitionsToTxnResponse(), resultsByTopicV3AndBelow: allWith(request.v3AndBelowTopics, () => errorCode) };
  },
};
