import { isAbsolute, resolve } from 'node:path';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultAlterReplicaLogDirsResponse,
  type AlterReplicaLogDirsRequest,
  type AlterReplicaLogDirsResponse,
  type AlterReplicaLogDirsResponseAlterReplicaLogDirTopicResult,
} from '../protocol/generated/api/34-alter-replica-log-dirs.js';
import type { ApiHandler } from './handler.js';

/** Moves partitions between this broker's log dirs. Paths must be absolute, as Kafka compares canonical paths. */
export const alterReplicaLogDirsHandler: ApiHandler<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse> = {
  apiKey: ApiKey.AlterReplicaLogDirs,
  minVersion: 1,
  maxVersion: 2,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultAlterReplicaLogDirsResponse();
    const byTopic = new Map<string, AlterReplicaLogDirsResponseAlterReplicaLogDirTopicResult>();
    for (const dir of request.dirs) {
      const path = isAbsolute(dir.path) ? resolve(dir.path) : dir.path;
      for (const t of dir.topics) {
        let result = byTopic.get(t.name);
        if (!result) byTopic.set(t.name, (result = { topicName: t.name, partitions: [] }));
        for (const partition of t.partitions) {
          const errorCode = isAbsolute(path) ? ctx.broker.replicas.moveToLogDir(t.name, partition, path) : ErrorCode.LOG_DIR_NOT_FOUND;
          result.partitions.push({ partitionIndex: partition, errorCode });
        }
      }
    }
    res.results = [...byTopic.values()];
    return res;
  },
  errorResponse(request, errorCode) {
    const res = defaultAlterReplicaLogDirsResponse();
    res.results = request.dirs.flatMap((d) => d.topics.map((t) => ({ topicName: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode })) })));
    return res;
  },
};
