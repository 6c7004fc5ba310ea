import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultCreatePartitionsResponse, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../protocol/generated/api/37-create-partitions.js';
import type { ApiHandler } from './handler.js';

export const createPartitionsHandler: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const res = defaultCreatePartitionsResponse();
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    for (const t of request.topics) {
      if (counts.get(t.name)! > 1) {
        res.results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
        continue;
      }
      const r = ctx.broker.controller.createPartitions(t.name, t.count, t.assignments?.map((a) => a.brokerIds) ?? null, request.validateOnly);
      res.results.push({ name: t.name, ...r });
    }
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultCreatePartitionsResponse();
    res.results = request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null }));
    return res;
  },
};
