import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultInitProducerIdResponse, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/generated/api/22-init-producer-id.js';
import type { ApiHandler } from './handler.js';

/**
 * Idempotent producers (no transactional id) get a fresh producer id with epoch 0, as Kafka's
 * KafkaApis.handleInitProducerIdRequest does. Transactional ids need the transaction coordinator,
 * which this broker does not run yet: they get COORDINATOR_NOT_AVAILABLE.
 */
export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultInitProducerIdResponse();
    if (request.transactionalId !== null) {
      res.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return res;
    }
    if ((request.producerId === -1n) !== (request.producerEpoch === -1)) {
      res.errorCode = ErrorCode.INVALID_REQUEST;
      return res;
    }
    res.producerId = ctx.broker.producerIds.generateProducerId();
    res.producerEpoch = 0;
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultInitProducerIdResponse(), errorCode };
  },
};
