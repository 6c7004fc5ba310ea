import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultApiVersionsResponse, type ApiVersionsRequest, type ApiVersionsResponse } from '../protocol/generated/api/18-api-versions.js';
import type { ApiHandler } from './handler.js';

/** KIP-511: client software name and version must match this pattern. */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler: ApiHandler<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  listeners: ['broker', 'controller'],
  handle(ctx, request) {
    const res = defaultApiVersionsResponse();
    if (ctx.apiVersion >= 3 && (!SOFTWARE_PATTERN.test(request.clientSoftwareName) || !SOFTWARE_PATTERN.test(request.clientSoftwareVersion))) {
      res.errorCode = ErrorCode.INVALID_REQUEST;
      return res;
    }
    res.apiKeys = ctx.broker.apiVersions(ctx.isControllerListener);
    const features = ctx.broker.features();
    res.supportedFeatures = features.supported;
    res.finalizedFeatures = features.finalized;
    res.finalizedFeaturesEpoch = features.epoch;
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultApiVersionsResponse(), errorCode };
  },
};
