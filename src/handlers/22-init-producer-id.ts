import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultInitProducerIdResponse, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/generated/api/22-init-producer-id.js';
import { fencedForVersion } from './common/txn-errors.js';
import type { ApiHandler } from './handler.js';

/**
 * Idempotent producers (no transactional id) get a fresh producer id with epoch 0, as Kafka's
 * KafkaApis.handleInitProducerIdRequest does; transactional ids go to the transaction
 * coordinator (epoch bump, fencing, abort of an ongoing transaction, KIP-360 with producerId/epoch).
 */
export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  listeners: ['broker'],
  async handle(ctx, request) {
    const res = defaultInitProducerIdResponse();
    const hasIdAndEpoch = ctx.apiVersion >= 3 && request.producerId !== -1n;
    if (ctx.apiVersion >= 3 && (request.producerId === -1n) !== (request.producerEpoch === -1)) {
      res.errorCode = ErrorCode.INVALID_REQUEST;
      return res;
    }
    if (request.transactionalId !== null) {
      const expected = hasIdAndEpoch ? { producerId: request.producerId, producerEpoch: request.producerEpoch } : null;
      const r = await ctx.broker.transactionCoordinator.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
      res.errorCode = fencedForVersion(r.errorCode, ctx.apiVersion, 4);
      res.producerId = r.producerId;
      res.producerEpoch = r.producerEpoch;
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
