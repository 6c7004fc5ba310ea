import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultDescribeTransactionsResponse,
  defaultDescribeTransactionsResponseTransactionState,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
} from '../protocol/generated/api/65-describe-transactions.js';
import type { ApiHandler } from './handler.js';

/** DescribeTransactions v0: each transactional id's state from its coordinator partition (TRANSACTIONAL_ID_NOT_FOUND when unknown). */
export const describeTransactionsHandler: ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultDescribeTransactionsResponse();
    res.transactionStates = request.transactionalIds.map((id) => ({ ...defaultDescribeTransactionsResponseTransactionState(), ...ctx.broker.transactionCoordinator.describe(id) }));
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultDescribeTransactionsResponse();
    res.transactionStates = request.transactionalIds.map((transactionalId) => ({ ...defaultDescribeTransactionsResponseTransactionState(), transactionalId, errorCode }));
    return res;
  },
};
