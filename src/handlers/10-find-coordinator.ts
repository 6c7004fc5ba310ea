import { GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC } from '../metadata/topic-name.js';
import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultFindCoordinatorResponse,
  defaultFindCoordinatorResponseCoordinator,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../protocol/generated/api/10-find-coordinator.js';
import { brokersForListener } from './common/brokers.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** FindCoordinator key types (Kafka's CoordinatorType). */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const;
/** Coordinator keys come batched from v4 (KIP-699). */
const MIN_BATCHED_VERSION = 4;

interface Lookup {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

/** Kafka's Node.noNode(). */
function noNode(errorCode: number): Lookup {
  return { errorCode, nodeId: -1, host: '', port: -1 };
}

/**
 * Kafka's KafkaApis.getCoordinator for one key. __consumer_offsets and __transaction_state are created on first use; Kafka
 * answers COORDINATOR_NOT_AVAILABLE while its asynchronous creation runs, Gregor's controller
 * creates it synchronously so the coordinator is known at once.
 */
function lookup(ctx: RequestContext, keyType: number, key: string): Lookup {
  if (keyType !== CoordinatorType.GROUP && keyType !== CoordinatorType.TRANSACTION) return noNode(ErrorCode.INVALID_REQUEST);
  // A transactional id must not be empty (KafkaApis answers INVALID_REQUEST).
  if (keyType === CoordinatorType.TRANSACTION && key === '') return noNode(ErrorCode.INVALID_REQUEST);
  const coordinator = keyType === CoordinatorType.GROUP ? ctx.broker.groupCoordinator : ctx.broker.transactionCoordinator;
  const topic = keyType === CoordinatorType.GROUP ? GROUP_METADATA_TOPIC : TRANSACTION_STATE_TOPIC;
  const created = coordinator.ensureTopic();
  if (created.errorCode !== ErrorCode.NONE) {
    ctx.log.warn({ topic, error: errorInfo(created.errorCode).name, message: created.errorMessage }, 'could not create the coordinator topic');
    return noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }
  const partition = coordinator.partitionFor(key);
  const leader = ctx.broker.image.topicsByName.get(topic)?.partitions.get(partition)?.leader ?? -1;
  const endpoint = brokersForListener(ctx).find((b) => b.nodeId === leader);
  if (!endpoint) return noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (leader === ctx.broker.nodeId) coordinator.ensureLoaded(partition);
  return { errorCode: ErrorCode.NONE, nodeId: endpoint.nodeId, host: endpoint.host, port: endpoint.port };
}

/** Errors.message(): the exception's message, or the enum name for NONE. */
function errorMessage(code: number): string {
  return code === ErrorCode.NONE ? 'NONE' : errorInfo(code).message;
}

export const findCoordinatorHandler: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultFindCoordinatorResponse();
    const keyType = ctx.apiVersion >= 1 ? request.keyType : CoordinatorType.GROUP;
    if (ctx.apiVersion >= MIN_BATCHED_VERSION) {
      res.coordinators = request.coordinatorKeys.map((key) => {
        const r = lookup(ctx, keyType, key);
        return { ...defaultFindCoordinatorResponseCoordinator(), key, nodeId: r.nodeId, host: r.host, port: r.port, errorCode: r.errorCode };
      });
      return res;
    }
    const r = lookup(ctx, keyType, request.key);
    res.errorCode = r.errorCode;
    res.errorMessage = errorMessage(r.errorCode);
    res.nodeId = r.nodeId;
    res.host = r.host;
    res.port = r.port;
    return res;
  },
  errorResponse(request, errorCode, ctx) {
    const res = defaultFindCoordinatorResponse();
    if (ctx.apiVersion >= MIN_BATCHED_VERSION) {
      res.coordinators = request.coordinatorKeys.map((key) => ({ ...defaultFindCoordinatorResponseCoordinator(), key, nodeId: -1, port: -1, errorCode }));
    } else {
      res.errorCode = errorCode;
      res.errorMessage = errorMessage(errorCode);
      res.nodeId = -1;
      res.port = -1;
    }
    return res;
  },
};
