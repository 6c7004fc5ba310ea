import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultFetchResponse,
  defaultFetchResponsePartitionData,
  type FetchRequest,
  type FetchResponse,
  type FetchResponseFetchableTopicResponse,
  type FetchResponsePartitionData,
} from '../protocol/generated/api/01-fetch.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { partitionKey, type FetchSession, type SessionPartition } from '../replication/fetch-session.js';
import type { Partition } from '../replication/partition.js';
import type { ApiHandler, RequestContext } from './handler.js';

const READ_COMMITTED = 1;

interface PartitionRead {
  entry: SessionPartition;
  data: FetchResponsePartitionData;
  partition: Partition | undefined;
  bytes: number;
}

function toEntry(topic: string, topicId: string, p: FetchRequest['topics'][number]['partitions'][number]): SessionPartition {
  return {
    topic,
    topicId,
    partition: p.partition,
    fetchOffset: p.fetchOffset,
    partitionMaxBytes: p.partitionMaxBytes,
    currentLeaderEpoch: p.currentLeaderEpoch,
    lastHighWatermark: -1n,
    lastStableOffset: -1n,
    lastLogStartOffset: -1n,
  };
}

/** The partitions a fetch asks about: straight from the request, or its session updated by it. */
function requestedEntries(request: FetchRequest, usesTopicIds: boolean, session: FetchSession | null, incremental: boolean): SessionPartition[] {
  const fromRequest: SessionPartition[] = [];
  for (const t of request.topics) for (const p of t.partitions) fromRequest.push(toEntry(t.topic, t.topicId, p));
  if (!session) return fromRequest;
  const keyOf = (topic: string, topicId: string, partition: number) => partitionKey(usesTopicIds ? topicId : topic, partition);
  if (!incremental) session.partitions.clear();
  for (const f of request.forgottenTopicsData) {
    for (const partition of f.partitions) session.partitions.delete(keyOf(f.topic, f.topicId, partition));
  }
  for (const e of fromRequest) {
    const key = keyOf(e.topic, e.topicId, e.partition);
    const existing = session.partitions.get(key);
    if (existing) {
      existing.fetchOffset = e.fetchOffset;
      existing.partitionMaxBytes = e.partitionMaxBytes;
      existing.currentLeaderEpoch = e.currentLeaderEpoch;
    } else {
      session.partitions.set(key, e);
    }
  }
  return [...session.partitions.values()];
}

function readPartition(ctx: RequestContext, e: SessionPartition, usesTopicIds: boolean, isolationLevel: number, limitBytes: number, minOneMessage: boolean): PartitionRead {
  const data = { ...defaultFetchResponsePartitionData(), partitionIndex: e.partition, records: Buffer.alloc(0) as Buffer | null };
  data.abortedTransactions = isolationLevel === READ_COMMITTED ? [] : null;
  const fail = (errorCode: number): PartitionRead => {
    data.errorCode = errorCode;
    return { entry: e, data, partition: undefined, bytes: 0 };
  };
  const topicName = usesTopicIds ? ctx.broker.image.topicsById.get(e.topicId)?.name : e.topic;
  if (topicName === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_ID);
  const partition = ctx.broker.replicas.getPartition(topicName, e.partition);
  if (!partition) {
    const known = ctx.broker.image.topicsByName.get(topicName)?.partitions.has(e.partition);
    return fail(known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (e.currentLeaderEpoch !== -1 && e.currentLeaderEpoch !== partition.leaderEpoch) {
    return fail(e.currentLeaderEpoch > partition.leaderEpoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH);
  }
  const log = partition.log;
  const highWatermark = log.highWatermark;
  const firstUnstable = partition.producers.firstUnstableOffset();
  const lastStableOffset = firstUnstable !== null && firstUnstable < highWatermark ? firstUnstable : highWatermark;
  data.highWatermark = highWatermark;
  data.lastStableOffset = lastStableOffset;
  data.logStartOffset = log.logStartOffset;
  const result: PartitionRead = { entry: e, data, partition, bytes: 0 };
  if (e.fetchOffset < log.logStartOffset || e.fetchOffset > log.logEndOffset) {
    data.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
    return result;
  }
  const maxOffset = isolationLevel === READ_COMMITTED ? lastStableOffset : highWatermark;
  if (e.fetchOffset >= maxOffset || limitBytes <= 0) return result;
  const read = log.read(e.fetchOffset, Math.min(e.partitionMaxBytes, limitBytes), { minOneMessage, maxOffset });
  if (read.sizeInBytes > 0) {
    data.records = read.records.length === 1 ? read.records[0]! : Buffer.concat(read.records, read.sizeInBytes);
    result.bytes = read.sizeInBytes;
    if (isolationLevel === READ_COMMITTED) {
      // Kafka's collectAbortedTransactions: aborted transactions overlapping the fetched range, so the consumer skips their batches.
      data.abortedTransactions = partition.abortedTxns.collect(e.fetchOffset, maxOffset).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
    }
  }
  return result;
}

/** Reads every partition within the response budget; KIP-74 lets the first non-empty one exceed it. */
function readAll(ctx: RequestContext, request: FetchRequest, entries: SessionPartition[], usesTopicIds: boolean): PartitionRead[] {
  let remaining = ctx.apiVersion >= 3 ? request.maxBytes : 0x7fffffff;
  let minOneMessage = true;
  return entries.map((e) => {
    const r = readPartition(ctx, e, usesTopicIds, ctx.apiVersion >= 4 ? request.isolationLevel : 0, remaining, minOneMessage);
    if (r.bytes > 0) {
      remaining -= r.bytes;
      minOneMessage = false;
    }
    return r;
  });
}

/** Whether an incremental response must mention the partition, updating what the session last said. */
function hasNews(r: PartitionRead): boolean {
  const e = r.entry;
  const changed =
    r.data.errorCode !== ErrorCode.NONE ||
    r.bytes > 0 ||
    e.lastHighWatermark !== r.data.highWatermark ||
    e.lastStableOffset !== r.data.lastStableOffset ||
    e.lastLogStartOffset !== r.data.logStartOffset;
  e.lastHighWatermark = r.data.highWatermark;
  e.lastStableOffset = r.data.lastStableOffset;
  e.lastLogStartOffset = r.data.logStartOffset;
  return changed;
}

function groupByTopic(reads: PartitionRead[]): FetchResponseFetchableTopicResponse[] {
  const topics: FetchResponseFetchableTopicResponse[] = [];
  for (const r of reads) {
    const last = topics[topics.length - 1];
    if (last && last.topic === r.entry.topic && last.topicId === r.entry.topicId) last.partitions.push(r.data);
    else topics.push({ topic: r.entry.topic, topicId: r.entry.topicId, partitions: [r.data] });
  }
  return topics;
}

export const fetchHandler: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  listeners: ['broker'],
  async handle(ctx, request) {
    const res = defaultFetchResponse();
    const usesTopicIds = ctx.apiVersion >= 13;
    const lookup = ctx.apiVersion >= 7 ? ctx.broker.fetchSessions.lookup(request.sessionId, request.sessionEpoch, usesTopicIds) : ({ kind: 'sessionless' } as const);
    if (lookup.kind === 'error') {
      res.errorCode = lookup.errorCode;
      return res;
    }
    const session = lookup.kind === 'new' || lookup.kind === 'incremental' ? lookup.session : null;
    const incremental = lookup.kind === 'incremental';
    const entries = requestedEntries(request, usesTopicIds, session, incremental);
    if (!usesTopicIds) for (const e of entries) e.topicId = ZERO_UUID;

    const deadline = ctx.broker.now() + request.maxWaitMs;
    let reads = readAll(ctx, request, entries, usesTopicIds);
    for (;;) {
      const bytes = reads.reduce((n, r) => n + r.bytes, 0);
      const errors = reads.some((r) => r.data.errorCode !== ErrorCode.NONE);
      const wait = deadline - ctx.broker.now();
      if (bytes >= request.minBytes || errors || wait <= 0 || ctx.broker.isShuttingDown()) break;
      const waiting = reads.map((r) => r.partition).filter((p): p is Partition => p !== undefined);
      await ctx.broker.replicas.waitForData(waiting, wait);
      reads = readAll(ctx, request, entries, usesTopicIds);
    }
    for (const r of reads) {
      const stats = r.partition?.stats;
      if (!stats) continue;
      stats.totalFetchRequests++;
      if (r.data.errorCode !== ErrorCode.NONE) stats.failedFetchRequests++;
      stats.bytesOut += r.bytes;
    }
    res.sessionId = session?.id ?? 0;
    const included = reads.filter((r) => hasNews(r) || !incremental);
    res.responses = groupByTopic(included);
    return res;
  },
  errorResponse(request, errorCode) {
    // FetchRequest.getErrorResponse: the error at the top level (v7+) and on every partition.
    const res = { ...defaultFetchResponse(), errorCode };
    res.responses = request.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({ ...defaultFetchResponsePartitionData(), partitionIndex: p.partition, errorCode, records: Buffer.alloc(0) })),
    }));
    return res;
  },
};
