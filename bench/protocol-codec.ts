/**
 * Micro-benchmark of the generated codecs: decode a Produce v9 request with 100 partitions and
 * encode a Fetch v12 response with 100 partitions (1 KiB of records each).
 * Run: npm run bench:protocol
 */
import { performance } from 'node:perf_hooks';
import { decodeProduceRequest, encodeProduceRequest, defaultProduceRequest } from '../src/protocol/generated/api/00-produce.js';
import { encodeFetchResponse, defaultFetchResponse, defaultFetchResponsePartitionData } from '../src/protocol/generated/api/01-fetch.js';
import { Reader } from '../src/protocol/primitives/reader.js';
import { Writer } from '../src/protocol/primitives/writer.js';

const records = Buffer.alloc(1024, 7);

function produceRequest(): Buffer {
  const req = defaultProduceRequest();
  req.acks = 1;
  req.timeoutMs = 30000;
  req.topicData = Array.from({ length: 10 }, (_, t) => ({
    name: `topic-${t}`,
    partitionData: Array.from({ length: 10 }, (_, p) => ({ index: p, records })),
  }));
  const w = new Writer();
  encodeProduceRequest(w, 9, req);
  return w.toBuffer();
}

function fetchResponse() {
  const res = defaultFetchResponse();
  res.responses = Array.from({ length: 10 }, (_, t) => ({
    topic: `topic-${t}`,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    partitions: Array.from({ length: 10 }, (_, p) => ({ ...defaultFetchResponsePartitionData(), partitionIndex: p, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, records })),
  }));
  return res;
}

function measure(name: string, iterations: number, fn: () => void): void {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => (samples[Math.floor(p * (samples.length - 1))]! * 1000).toFixed(1);
  console.log(`${name.padEnd(46)} ${(iterations / (total / 1000)).toFixed(0).padStart(8)} ops/s   p50 ${pct(0.5)} us   p99 ${pct(0.99)} us`);
}

const produce = produceRequest();
const fetch = fetchResponse();
console.log(`node ${process.version}; Produce request ${produce.length} bytes, 100 partitions x 1 KiB records`);
measure('decode Produce v9 request (100 partitions)', 20000, () => {
  decodeProduceRequest(new Reader(produce), 9);
});
measure('encode Fetch v12 response (100 partitions)', 20000, () => {
  const w = new Writer();
  encodeFetchResponse(w, 12, fetch);
  w.toChunks();
});
measure('encode Fetch v4 response (100 partitions)', 20000, () => {
  const w = new Writer();
  encodeFetchResponse(w, 4, fetch);
  w.toChunks();
});
