import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultProduceResponse,
  defaultProduceResponsePartitionProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../protocol/generated/api/00-produce.js';
import { isInternalTopic } from '../metadata/topic-name.js';
import type { PartitionAppendResult } from '../replication/partition.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** Produce v0-2 (message format v0/v1) was removed in Kafka 4.0, which still advertises them (KAFKA-18659) and answers UNSUPPORTED_VERSION. */
const MIN_SUPPORTED_PRODUCE_VERSION = 3;

type PartitionResponse = ProduceResponsePartitionProduceResponse;

function partitionError(index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse {
  return { ...defaultProduceResponsePartitionProduceResponse(), index, errorCode, errorMessage };
}

function fromAppend(index: number, r: PartitionAppendResult): PartitionResponse {
  return {
    ...defaultProduceResponsePartitionProduceResponse(),
    index,
    errorCode: r.errorCode,
    baseOffset: r.baseOffset,
    logAppendTimeMs: r.logAppendTimeMs,
    logStartOffset: r.logStartOffset,
    recordErrors: r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
    errorMessage: r.errorMessage,
  };
}

function appendPartition(ctx: RequestContext, request: ProduceRequest, topic: string, index: number, records: Buffer | null): PartitionResponse | Promise<PartitionResponse> {
  if (ctx.apiVersion < MIN_SUPPORTED_PRODUCE_VERSION) return partitionError(index, ErrorCode.UNSUPPORTED_VERSION);
  if (request.acks !== 0 && request.acks !== 1 && request.acks !== -1) return partitionError(index, ErrorCode.INVALID_REQUIRED_ACKS);
  const partition = ctx.broker.replicas.getPartition(topic, index);
  if (!partition) {
    const known = ctx.broker.image.topicsByName.get(topic)?.partitions.get(index);
    return partitionError(index, known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (isInternalTopic(topic)) {
    // ReplicaManager.appendToLocalLog: clients may not write to the coordinators' topics.
    return partitionError(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  }
  // Transactional batches are appended as Kafka 3.x does without KIP-890 verification
  // (transaction.partition.verification.enable): producer state checks the epoch and sequence;
  // whether the partition was added to the transaction is not checked here.
  const result = partition.appendRecordsAsLeader(records, ctx.apiVersion, request.acks);
  return result instanceof Promise ? result.then((r) => fromAppend(index, r)) : fromAppend(index, result);
}

export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultProduceResponse();
    const pending: Promise<void>[] = [];
    let failed = false;
    for (const t of request.topicData) {
      const partitionResponses: PartitionResponse[] = [];
      res.responses.push({ name: t.name, partitionResponses });
      for (const p of t.partitionData) {
        const slot = partitionResponses.length;
        partitionResponses.push(partitionError(p.index, ErrorCode.NONE));
        const r = appendPartition(ctx, request, t.name, p.index, p.records);
        if (r instanceof Promise) {
          pending.push(r.then((value) => {
            partitionResponses[slot] = value;
            failed ||= value.errorCode !== ErrorCode.NONE;
          }));
        } else {
          partitionResponses[slot] = r;
          failed ||= r.errorCode !== ErrorCode.NONE;
        }
      }
    }
    const finish = (): ProduceResponse | null => {
      if (request.acks !== 0) return res;
      // acks=0 gets no response; Kafka closes the connection on an error so the producer notices.
      if (failed) ctx.closeConnection();
      return null;
    };
    return pending.length === 0 ? finish() : Promise.all(pending).then(finish);
  },
  errorResponse(request, errorCode) {
    const res = defaultProduceResponse();
    res.responses = request.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => partitionError(p.index, errorCode)) }));
    return res;
  },
};
