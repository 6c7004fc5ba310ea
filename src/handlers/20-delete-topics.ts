import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultDeleteTopicsResponse, type DeleteTopicsRequest, type DeleteTopicsResponse, type DeleteTopicsResponseDeletableTopicResult } from '../protocol/generated/api/20-delete-topics.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import type { ApiHandler } from './handler.js';

/** v0-5 name topics in `topicNames`; v6 names or ids them in `topics`. */
function requestedTopics(request: DeleteTopicsRequest, version: number): { name: string | null; topicId: string }[] {
  return version >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
}

export const deleteTopicsHandler: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const { image, controller } = ctx.broker;
    const res = defaultDeleteTopicsResponse();
    const enabled = ctx.broker.config<boolean>('delete.topic.enable');
    for (const t of requestedTopics(request, ctx.apiVersion)) {
      const result: DeleteTopicsResponseDeletableTopicResult = { name: t.name, topicId: t.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
      const fail = (code: number, message?: string) => {
        result.errorCode = code;
        result.errorMessage = message ?? errorInfo(code).message;
      };
      const byId = t.topicId !== ZERO_UUID;
      const topic = byId ? image.topicsById.get(t.topicId) : t.name !== null ? image.topicsByName.get(t.name) : undefined;
      if (byId && t.name !== null) fail(ErrorCode.INVALID_REQUEST, 'Only one of topic name or topic id may be set.');
      else if (!enabled) fail(ErrorCode.TOPIC_DELETION_DISABLED);
      else if (!topic) fail(byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else {
        result.name = topic.name;
        result.topicId = topic.topicId;
        controller.deleteTopic(topic);
      }
      if (ctx.apiVersion < 5) result.errorMessage = null;
      res.responses.push(result);
    }
    return res;
  },
  errorResponse(request, errorCode, ctx) {
    const res = defaultDeleteTopicsResponse();
    res.responses = requestedTopics(request, ctx.apiVersion).map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null }));
    return res;
  },
};
