import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultCreateTopicsResponse,
  defaultCreateTopicsResponseCreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from '../protocol/generated/api/19-create-topics.js';
import type { ApiHandler } from './handler.js';

export const createTopicsHandler: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const results = ctx.broker.controller.createTopics(request.topics, request.validateOnly);
    const res = defaultCreateTopicsResponse();
    res.topics = results.map((r) => {
      const out = { ...defaultCreateTopicsResponseCreatableTopicResult(), name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage };
      if (r.errorCode === ErrorCode.NONE) {
        out.topicId = r.topicId ?? out.topicId;
        out.numPartitions = r.numPartitions ?? -1;
        out.replicationFactor = r.replicationFactor ?? -1;
        const requested = request.topics.find((t) => t.name === r.name)!;
        const overrides = new Map(requested.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
        out.configs = ctx.broker.describeTopicConfigs(overrides);
      }
      return out;
    });
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultCreateTopicsResponse();
    res.topics = request.topics.map((t) => ({ ...defaultCreateTopicsResponseCreatableTopicResult(), name: t.name, errorCode }));
    return res;
  },
};
