/**
 * Reading partitions: ListOffsets (earliest, latest, by timestamp) and Fetch, each request sent to
 * the partitions' leaders in parallel, records decoded from the v2 batches in the response
 * (protocol/records/read-records.ts).
 *
 * Fetches are sessionless (sessionId 0, epoch -1: every request names all its partitions).
 * Fetch v13+ names topics by id, taken from Metadata; without ids the version is capped at 12.
 * Under read_committed the records of aborted transactions are dropped the way Java's
 * CompletedFetch does (abortedTransactions from the response, ABORT markers end them); control
 * batches are never returned.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultFetchRequest,
  defaultFetchRequestFetchPartition,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartitionData,
} from '../protocol/generated/api/01-fetch.js';
import { defaultListOffsetsRequest, type ListOffsetsRequest, type ListOffsetsResponse } from '../protocol/generated/api/02-list-offsets.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { BatchHeader, CompressionType, CURRENT_MAGIC } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import { ControlRecordType, parseControlRecordKey } from '../protocol/records/control-records.js';
import { iterateRecords, iterateRecordsSync } from '../protocol/records/read-records.js';
import type { RecordHeader } from '../protocol/records/record.js';
import { ClientError, isRetriable, KafkaError, kafkaError } from './errors.js';
import { sleep } from './retry.js';
import type { KafkaClient, TopicMetadata } from './kafka-client.js';

export const IsolationLevel = { ReadUncommitted: 0, ReadCommitted: 1 } as const;

/** ListOffsets special timestamps. */
export const OffsetSpec = { Latest: -1n, Earliest: -2n, MaxTimestamp: -3n } as const;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}

export interface ListOffsetsTarget extends TopicPartition {
  /** OffsetSpec.Earliest / Latest / MaxTimestamp, or a timestamp in ms. */
  timestamp: bigint;
}

export interface ListedOffset extends TopicPartition {
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface FetchTarget extends TopicPartition {
  offset: bigint;
  /** Defaults to FetchOptions.partitionMaxBytes. */
  maxBytes?: number;
}

export interface FetchOptions {
  /** Long-poll time when less than minBytes is available (fetch.max.wait.ms, 500). */
  maxWaitMs?: number;
  /** fetch.min.bytes (1). */
  minBytes?: number;
  /** fetch.max.bytes (50 MiB). */
  maxBytes?: number;
  /** max.partition.fetch.bytes (1 MiB). */
  partitionMaxBytes?: number;
  isolationLevel?: number;
  /** Bound on a decompressed batch (default 256 MiB). */
  maxDecompressedBytes?: number;
}

export interface PartitionFetchResult extends TopicPartition {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: ConsumerRecord[];
  /** The offset to fetch next (the fetch offset when nothing was read). */
  nextOffset: bigint;
  /** Bytes of record batches in the response for this partition. */
  bytes: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Groups partitions by their leader's node id (refreshing metadata for unknown topics). */
async function byLeader<T extends TopicPartition>(client: KafkaClient, items: readonly T[]): Promise<Map<number, T[]>> {
  const out = new Map<number, T[]>();
  const topics = new Map<string, TopicMetadata>();
  for (const item of items) {
    let md = topics.get(item.topic);
    if (!md) topics.set(item.topic, (md = await client.topicMetadata(item.topic)));
    const p = md.partitions.find((x) => x.partition === item.partition);
    if (!p) throw kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${item.partition} of topic ${item.topic} does not exist.`);
    if (p.leader < 0) throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${item.topic}-${item.partition}`);
    let list = out.get(p.leader);
    if (!list) out.set(p.leader, (list = []));
    list.push(item);
  }
  return out;
}

/**
 * Offsets by timestamp for partitions (ListOffsets to each leader). Retriable errors refresh
 * metadata and retry; others throw KafkaError.
 */
export async function listOffsets(client: KafkaClient, targets: readonly ListOffsetsTarget[], isolationLevel: number = IsolationLevel.ReadUncommitted): Promise<ListedOffset[]> {
  // A request may name a partition only once (the broker answers INVALID_REQUEST otherwise):
  // several timestamps for one partition go in successive requests.
  const rounds: ListOffsetsTarget[][] = [];
  for (const t of targets) {
    const round = rounds.find((r) => !r.some((x) => x.topic === t.topic && x.partition === t.partition));
    if (round) round.push(t);
    else rounds.push([t]);
  }
  if (rounds.length > 1) {
    const answers = new Map<ListOffsetsTarget, ListedOffset>();
    for (const round of rounds) {
      const listed = await listOffsets(client, round, isolationLevel);
      round.forEach((t, i) => answers.set(t, listed[i]!));
    }
    return targets.map((t) => answers.get(t)!);
  }
  return client.retry(
    async () => {
      const groups = await byLeader(client, targets);
      const answers = await Promise.all(
        [...groups].map(async ([node, items]) => {
          const conn = await client.connection(node);
          const version = conn.versionFor(ApiKey.ListOffsets);
          const req: ListOffsetsRequest = defaultListOffsetsRequest();
          req.replicaId = -1;
          if (version >= 2) req.isolationLevel = isolationLevel;
          for (const it of items) {
            let t = req.topics.find((x) => x.name === it.topic);
            if (!t) req.topics.push((t = { name: it.topic, partitions: [] }));
            t.partitions.push({ partitionIndex: it.partition, currentLeaderEpoch: -1, timestamp: it.timestamp, maxNumOffsets: 1 });
          }
          const res = await conn.request<ListOffsetsResponse>(ApiKey.ListOffsets, req, { version });
          return res.topics.flatMap((t) =>
            t.partitions.map((p) => {
              if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, null, `${t.name}-${p.partitionIndex}`);
              return { topic: t.name, partition: p.partitionIndex, offset: version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch };
            }),
          );
        }),
      );
      const found = new Map(answers.flat().map((a) => [key(a.topic, a.partition), a]));
      return targets.map((t) => {
        const a = found.get(key(t.topic, t.partition));
        if (!a) throw new ClientError(`ListOffsets answered nothing for ${t.topic}-${t.partition}`);
        return a;
      });
    },
    { onRetry: () => client.invalidateMetadata(targets.map((t) => t.topic)) },
  );
}

/**
 * One Fetch round: a request to each leader of the targets, in parallel. Partition-level errors
 * are returned in `errorCode` (the caller decides: reset on OFFSET_OUT_OF_RANGE, refresh on
 * NOT_LEADER_OR_FOLLOWER...); request-level failures throw.
 */
export async function fetchOnce(client: KafkaClient, targets: readonly FetchTarget[], options: FetchOptions = {}): Promise<PartitionFetchResult[]> {
  const groups = await byLeader(client, targets);
  const results = await Promise.all([...groups].map(([node, items]) => fetchFromNode(client, node, items, options)));
  return results.flat();
}

async function fetchFromNode(client: KafkaClient, node: number, items: readonly FetchTarget[], options: FetchOptions): Promise<PartitionFetchResult[]> {
  const conn = await client.connection(node);
  const idsByName = new Map<string, string>();
  for (const it of items) idsByName.set(it.topic, client.cluster.topics.get(it.topic)?.topicId ?? ZERO_UUID);
  const haveIds = [...idsByName.values()].every((id) => id !== ZERO_UUID);
  const version = Math.min(conn.versionFor(ApiKey.Fetch), haveIds ? Infinity : 12);
  const namesById = new Map([...idsByName].map(([name, id]) => [id, name]));
  const maxWaitMs = options.maxWaitMs ?? 500;
  const partitionMaxBytes = options.partitionMaxBytes ?? 1_048_576;
  const isolationLevel = options.isolationLevel ?? IsolationLevel.ReadUncommitted;

  const req: FetchRequest = defaultFetchRequest();
  req.maxWaitMs = maxWaitMs;
  req.minBytes = options.minBytes ?? 1;
  req.maxBytes = options.maxBytes ?? 52_428_800;
  req.isolationLevel = isolationLevel;
  const offsets = new Map<string, bigint>();
  for (const it of items) {
    offsets.set(key(it.topic, it.partition), it.offset);
    const topicId = version >= 13 ? idsByName.get(it.topic)! : ZERO_UUID;
    let t = req.topics.find((x) => (version >= 13 ? x.topicId === topicId : x.topic === it.topic));
    if (!t) req.topics.push((t = { topic: version >= 13 ? '' : it.topic, topicId, partitions: [] }));
    t.partitions.push({ ...defaultFetchRequestFetchPartition(), partition: it.partition, fetchOffset: it.offset, partitionMaxBytes: it.maxBytes ?? partitionMaxBytes });
  }
  const res = await conn.request<FetchResponse>(ApiKey.Fetch, req, { version, timeoutMs: maxWaitMs + 30_000 });
  if (res.errorCode !== ErrorCode.NONE) throw kafkaError(res.errorCode, null, `Fetch from broker ${node}`);
  const out: PartitionFetchResult[] = [];
  for (const t of res.responses) {
    const topic = version >= 13 ? namesById.get(t.topicId) : t.topic;
    if (topic === undefined) continue;
    for (const p of t.partitions) {
      const fetchOffset = offsets.get(key(topic, p.partitionIndex));
      if (fetchOffset === undefined) continue;
      out.push(await decodePartition(topic, p, fetchOffset, isolationLevel, options.maxDecompressedBytes ?? 256 * 1024 * 1024));
    }
  }
  return out;
}

/** The records of one partition of a Fetch response, from `fetchOffset` on. */
export async function decodePartition(
  topic: string,
  p: FetchResponsePartitionData,
  fetchOffset: bigint,
  isolationLevel: number,
  maxDecompressedBytes: number,
): Promise<PartitionFetchResult> {
  const result: PartitionFetchResult = {
    topic,
    partition: p.partitionIndex,
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    logStartOffset: p.logStartOffset,
    records: [],
    nextOffset: fetchOffset,
    bytes: p.records?.length ?? 0,
  };
  if (p.errorCode !== ErrorCode.NONE || !p.records || p.records.length === 0) return result;
  const readCommitted = isolationLevel === IsolationLevel.ReadCommitted;
  const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  for (const batch of iterateBatches(p.records)) {
    const header = new BatchHeader(batch);
    if (header.magic !== CURRENT_MAGIC) throw new ClientError(`${topic}-${p.partitionIndex}: message format v${header.magic} at offset ${header.baseOffset} is not supported`);
    const lastOffset = header.lastOffset;
    if (lastOffset < fetchOffset) continue;
    if (readCommitted) {
      while (aborted.length > 0 && aborted[0]!.firstOffset <= lastOffset) abortedProducers.add(aborted.shift()!.producerId);
      if (header.isTransactional && !header.isControl && abortedProducers.has(header.producerId)) {
        result.nextOffset = lastOffset + 1n;
        continue;
      }
    }
    const options = { maxDecompressedBytes };
    const records = header.compression === CompressionType.Zstd ? await iterateRecords(batch, options) : iterateRecordsSync(batch, options);
    if (header.isControl) {
      const first = records.next();
      if (!first.done && parseControlRecordKey(first.value.key).type === ControlRecordType.Abort) abortedProducers.delete(header.producerId);
      result.nextOffset = lastOffset + 1n;
      continue;
    }
    const timestampType = header.isLogAppendTime ? 'LogAppendTime' : 'CreateTime';
    const leaderEpoch = header.partitionLeaderEpoch;
    for (const r of records) {
      if (r.offset < fetchOffset) continue;
      result.records.push({ topic, partition: p.partitionIndex, offset: r.offset, timestamp: r.timestamp, timestampType, key: r.key, value: r.value, headers: r.headers, leaderEpoch });
    }
    result.nextOffset = lastOffset + 1n;
  }
  return result;
}

export type StartOffset = bigint | 'earliest' | 'latest';

export interface ConsumerOptions extends FetchOptions {
  /** Where to go when a position is out of range (auto.offset.reset, default 'latest'). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** Pause after a retriable failure before the next poll asks again (retry.backoff.ms, 100). */
  retryBackoffMs?: number;
}

interface Assigned extends TopicPartition {
  position: bigint | null;
  start: StartOffset;
  highWatermark: bigint;
}

/**
 * A consumer of explicitly assigned partitions (no group): positions start at an offset, the
 * earliest or the latest, and each poll() fetches from every leader once.
 */
export class Consumer {
  private readonly assigned = new Map<string, Assigned>();

  constructor(private readonly client: KafkaClient, private readonly options: ConsumerOptions = {}) {}

  /** Replaces the assignment. */
  assign(partitions: readonly (TopicPartition & { offset?: StartOffset })[]): void {
    this.assigned.clear();
    for (const p of partitions) {
      const start = p.offset ?? this.options.autoOffsetReset ?? 'latest';
      if (start === 'none') throw new ClientError('a start offset is needed when autoOffsetReset is none');
      this.assigned.set(key(p.topic, p.partition), { topic: p.topic, partition: p.partition, position: typeof start === 'bigint' ? start : null, start, highWatermark: -1n });
    }
  }

  /** Moves a partition's position. */
  seek(tp: TopicPartition, offset: StartOffset): void {
    const a = this.assigned.get(key(tp.topic, tp.partition));
    if (!a) throw new ClientError(`${tp.topic}-${tp.partition} is not assigned`);
    a.start = offset;
    a.position = typeof offset === 'bigint' ? offset : null;
  }

  /** Current positions (after resolving earliest/latest, which poll() does first). */
  positions(): (TopicPartition & { position: bigint | null; highWatermark: bigint })[] {
    return [...this.assigned.values()].map((a) => ({ topic: a.topic, partition: a.partition, position: a.position, highWatermark: a.highWatermark }));
  }

  /** Resolves 'earliest'/'latest' start positions with ListOffsets. */
  async resolvePositions(): Promise<void> {
    const unresolved = [...this.assigned.values()].filter((a) => a.position === null);
    if (unresolved.length === 0) return;
    const listed = await listOffsets(
      this.client,
      unresolved.map((a) => ({ topic: a.topic, partition: a.partition, timestamp: a.start === 'earliest' ? OffsetSpec.Earliest : OffsetSpec.Latest })),
      this.options.isolationLevel,
    );
    for (const l of listed) {
      const a = this.assigned.get(key(l.topic, l.partition));
      if (a) a.position = l.offset;
    }
  }

  /** One fetch round over every assigned partition; returns the records read, in partition order. */
  async poll(): Promise<ConsumerRecord[]> {
    if (this.assigned.size === 0) return [];
    await this.resolvePositions();
    const targets = [...this.assigned.values()].map((a) => ({ topic: a.topic, partition: a.partition, offset: a.position! }));
    let results: PartitionFetchResult[];
    try {
      results = await fetchOnce(this.client, targets, this.options);
    } catch (err) {
      if (isRetriable(err)) {
        this.client.invalidateMetadata();
        await sleep(this.options.retryBackoffMs ?? 100);
        return [];
      }
      throw err;
    }
    const records: ConsumerRecord[] = [];
    let backoff = false;
    for (const r of results) {
      const a = this.assigned.get(key(r.topic, r.partition));
      if (!a) continue;
      if (r.errorCode === ErrorCode.NONE) {
        a.position = r.nextOffset;
        a.highWatermark = r.highWatermark;
        for (const rec of r.records) records.push(rec);
      } else if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        const reset = this.options.autoOffsetReset ?? 'latest';
        if (reset === 'none') throw kafkaError(r.errorCode, `Fetch position ${a.position} is out of range for partition ${r.topic}-${r.partition}`);
        a.start = reset;
        a.position = null;
      } else if (new KafkaError(r.errorCode).retriable) {
        this.client.invalidateMetadata([r.topic]);
        backoff = true;
      } else {
        throw kafkaError(r.errorCode, null, `${r.topic}-${r.partition}`);
      }
    }
    // A leader change or a broker still loading: wait a little before the next round asks again.
    if (backoff && records.length === 0) await sleep(this.options.retryBackoffMs ?? 100);
    return records;
  }
}
