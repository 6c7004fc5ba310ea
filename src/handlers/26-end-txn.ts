import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultEndTxnResponse, type EndTxnRequest, type EndTxnResponse } from '../protocol/generated/api/26-end-txn.js';
import { fencedForVersion } from './common/txn-errors.js';
import type { ApiHandler } from './handler.js';

/** EndTxn v0-3: commit or abort (KafkaApis.handleEndTxnRequest); v5's epoch bump (KIP-890 part 2) is not advertised. */
export const endTxnHandler: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker'],
  async handle(ctx, request) {
    const res = defaultEndTxnResponse();
    const code = await ctx.broker.transactionCoordinator.endTransaction(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
    res.errorCode = fencedForVersion(code, ctx.apiVersion, 2);
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultEndTxnResponse(), errorCode };
  },
};
