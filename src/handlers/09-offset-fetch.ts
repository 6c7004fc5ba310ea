import type { FetchedTopic } from '../coordinator/group/offset-metadata-manager.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultOffsetFetchResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponseOffsetFetchResponseTopic,
} from '../protocol/generated/api/09-offset-fetch.js';
import type { ApiHandler } from './handler.js';

/** OffsetFetch v8 fetches several groups at once (KIP-709). */
const MIN_MULTI_GROUP_VERSION = 8;

/** A v0-v7 answer: leader epochs exist from v5; v0 and v1 have no top-level error, so a group error goes on every partition. */
function singleGroupTopics(topics: FetchedTopic[], version: number): OffsetFetchResponseOffsetFetchResponseTopic[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: version >= 5 ? p.committedLeaderEpoch : -1,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}

function singleGroupError(request: OffsetFetchRequest, errorCode: number, version: number): OffsetFetchResponse {
  const res = defaultOffsetFetchResponse();
  if (version < 2) {
    res.topics = (request.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode })),
    }));
  } else {
    res.errorCode = errorCode;
  }
  return res;
}

export const offsetFetchHandler: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  listeners: ['broker'],
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const coordinator = ctx.broker.groupCoordinator;
    const requireStable = v >= 7 && request.requireStable;
    if (v < MIN_MULTI_GROUP_VERSION) {
      // Null topics (v2+) asks for every committed offset of the group.
      const topics = request.topics === null && v >= 2 ? null : (request.topics ?? []).map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes }));
      const r = await coordinator.fetchOffsets(request.groupId, topics, requireStable);
      if (r.errorCode !== ErrorCode.NONE) return singleGroupError(request, r.errorCode, v);
      const res = defaultOffsetFetchResponse();
      res.topics = singleGroupTopics(r.topics, v);
      return res;
    }
    const res = defaultOffsetFetchResponse();
    res.groups = await Promise.all(
      request.groups.map(async (g) => {
        const topics = g.topics === null ? null : g.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes }));
        const r = await coordinator.fetchOffsets(g.groupId, topics, requireStable);
        return {
          groupId: g.groupId,
          errorCode: r.errorCode,
          topics: r.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, committedOffset: p.committedOffset, committedLeaderEpoch: p.committedLeaderEpoch, metadata: p.metadata, errorCode: p.errorCode })),
          })),
        };
      }),
    );
    return res;
  },
  errorResponse(request, errorCode, ctx) {
    if (ctx.apiVersion < MIN_MULTI_GROUP_VERSION) return singleGroupError(request, errorCode, ctx.apiVersion);
    const res = defaultOffsetFetchResponse();
    res.groups = request.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] }));
    return res;
  },
};
