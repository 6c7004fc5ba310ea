import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultDescribeClusterResponse, type DescribeClusterRequest, type DescribeClusterResponse } from '../protocol/generated/api/60-describe-cluster.js';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from '../security/authorized-operations.js';
import { brokersForListener } from './common/brokers.js';
import type { ApiHandler } from './handler.js';

/** EndpointType of DescribeCluster v1 (KIP-919): 1 = brokers, 2 = controllers. */
const ENDPOINT_BROKERS = 1;

export const describeClusterHandler: ApiHandler<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultDescribeClusterResponse();
    res.endpointType = request.endpointType;
    if (ctx.apiVersion >= 1 && request.endpointType !== ENDPOINT_BROKERS) {
      res.errorCode = ErrorCode.UNSUPPORTED_ENDPOINT_TYPE;
      res.errorMessage = 'The broker does not support DescribeCluster requests for controller endpoints';
      return res;
    }
    res.clusterId = ctx.broker.clusterId;
    res.controllerId = ctx.broker.controllerId();
    res.brokers = brokersForListener(ctx).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    res.clusterAuthorizedOperations = request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeClusterResponse(), errorCode };
  },
};
