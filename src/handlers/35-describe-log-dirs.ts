import { statfsSync } from 'node:fs';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import {
  defaultDescribeLogDirsResponse,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsTopic,
} from '../protocol/generated/api/35-describe-log-dirs.js';
import type { ApiHandler } from './handler.js';

/** Total and usable bytes of the file system holding a log dir (v4+), -1 when unknown (in-memory storage). */
function diskSpace(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { total: s.blocks * s.bsize, usable: s.bavail * s.bsize };
  } catch {
    return { total: -1n, usable: -1n };
  }
}

export const describeLogDirsHandler: ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 1,
  maxVersion: 4,
  listeners: ['broker'],
  handle(ctx, request) {
    const res = defaultDescribeLogDirsResponse();
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    for (const dir of ctx.broker.describeLogDirs()) {
      const topics = new Map<string, DescribeLogDirsResponseDescribeLogDirsTopic>();
      for (const p of dir.partitions) {
        if (wanted && !wanted.get(p.topic)?.has(p.partition)) continue;
        let t = topics.get(p.topic);
        if (!t) topics.set(p.topic, (t = { name: p.topic, partitions: [] }));
        t.partitions.push({ partitionIndex: p.partition, partitionSize: BigInt(p.sizeInBytes), offsetLag: p.offsetLag, isFutureKey: p.isFuture });
      }
      const space = ctx.apiVersion >= 4 ? diskSpace(dir.logDir) : { total: -1n, usable: -1n };
      res.results.push({ errorCode: ErrorCode.NONE, logDir: dir.logDir, topics: [...topics.values()], totalBytes: space.total, usableBytes: space.usable });
    }
    return res;
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeLogDirsResponse(), errorCode };
  },
};
