import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultOffsetDeleteResponse, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../protocol/generated/api/47-offset-delete.js';
import type { ApiHandler } from './handler.js';

export const offsetDeleteHandler: ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker'],
  async handle(ctx, request) {
    const { image } = ctx.broker;
    // As KafkaApis: partitions of unknown topics are answered here, the rest go to the coordinator.
    const errors = new Map<string, Map<number, number>>();
    const known: OffsetDeleteRequest['topics'] = [];
    for (const t of request.topics) {
      const topic = image.topicsByName.get(t.name);
      const kept = t.partitions.filter((p) => {
        if (topic?.partitions.has(p.partitionIndex)) return true;
        let m = errors.get(t.name);
        if (!m) errors.set(t.name, (m = new Map()));
        m.set(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return false;
      });
      if (kept.length > 0) known.push({ name: t.name, partitions: kept });
    }
    const result = await ctx.broker.groupCoordinator.deleteOffsets({ groupId: request.groupId, topics: known });
    if (result.errorCode !== ErrorCode.NONE) return { ...defaultOffsetDeleteResponse(), errorCode: result.errorCode };
    for (const t of result.topics) {
      let m = errors.get(t.name);
      if (!m) errors.set(t.name, (m = new Map()));
      for (const p of t.partitions) m.set(p.partitionIndex, p.errorCode);
    }
    const res = defaultOffsetDeleteResponse();
    res.topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(t.name)?.get(p.partitionIndex) ?? ErrorCode.NONE })),
    }));
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultOffsetDeleteResponse(), errorCode };
  },
};
