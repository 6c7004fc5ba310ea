/**
 * The ceiling: the least work a Node process can do and still answer Kafka's Produce and Fetch.
 * It reads the size prefix and the first 8 header bytes of every frame (api key, version,
 * correlation id), skips the rest of the frame without assembling it, and answers with a
 * pre-encoded response (Gregor's generated codecs) whose correlation id is patched: Produce v9 gets
 * "partition 0, offset 0, no error"; Fetch v12 gets one canned record batch (the same batch the
 * produce load sends), referenced, not copied. Responses completed by one socket read are written
 * together (cork/uncork). Nothing is validated: no Node broker can do less per request.
 *
 * With a store dir it is the store ceiling: the bytes of every Produce frame are also appended to one
 * file there, with one writev of the pieces the socket delivered (views, never assembled) once the
 * frame is complete, before the answer is written: the least a broker that keeps the data in the
 * page cache can do. IPC `dropStore` deletes the file and starts a new one.
 *
 * Forked by bench/run.ts; argv: <topic> <fetchBatchBytes> <fetchValueBytes> [storeDir]. Sends {port} over IPC.
 */
import { closeSync, openSync, unlinkSync, writevSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeResponseFrame } from '../src/protocol/frame.js';
import { ApiKey } from '../src/protocol/generated/api-messages.js';
import { defaultFetchResponse, defaultFetchResponsePartitionData } from '../src/protocol/generated/api/01-fetch.js';
import { defaultProduceResponse, defaultProduceResponsePartitionProduceResponse } from '../src/protocol/generated/api/00-produce.js';
import { fitBatch } from './lib/records.js';
import { FETCH_VERSION, PRODUCE_VERSION } from './lib/wire.js';

const topic = process.argv[2] ?? 'bench';
const fetchBatchBytes = Number(process.argv[3] ?? 1024 * 1024);
const fetchValueBytes = Number(process.argv[4] ?? 1024);
const storePath = process.argv[5] ? join(process.argv[5], 'store.log') : null;
let storeFd = storePath ? openSync(storePath, 'a') : -1;

/** Appends the pieces of one frame with as few writev calls as the kernel allows. */
function store(pieces: Buffer[]): void {
  let left = pieces;
  while (left.length > 0) {
    let n = writevSync(storeFd, left);
    let i = 0;
    while (i < left.length && n >= left[i]!.length) n -= left[i++]!.length;
    left = i < left.length ? [left[i]!.subarray(n), ...left.slice(i + 1)] : [];
  }
}

function template(chunks: Buffer[]): { head: Buffer; rest: Buffer[] } {
  return { head: chunks[0]!, rest: chunks.slice(1) };
}

const produceBody = defaultProduceResponse();
produceBody.responses = [{ name: topic, partitionResponses: [{ ...defaultProduceResponsePartitionProduceResponse(), index: 0, baseOffset: 0n, logStartOffset: 0n }] }];
const produceResponse = Buffer.concat(encodeResponseFrame(ApiKey.Produce, PRODUCE_VERSION, 0, produceBody));

const { batch: fetchBatch, count: fetchRecords } = fitBatch(fetchBatchBytes, fetchValueBytes);
const fetchBody = defaultFetchResponse();
fetchBody.responses = [
  {
    topic,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    partitions: [{ ...defaultFetchResponsePartitionData(), partitionIndex: 0, highWatermark: BigInt(fetchRecords), lastStableOffset: BigInt(fetchRecords), logStartOffset: 0n, records: fetchBatch }],
  },
];
const fetchResponse = template(encodeResponseFrame(ApiKey.Fetch, FETCH_VERSION, 0, fetchBody));

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  const hdr = Buffer.alloc(12); // size + apiKey + apiVersion + correlationId
  let hdrFill = 0;
  let skip = 0; // body bytes still to skip
  let storing = false; // the frame being skipped is a Produce request to store
  let pieces: Buffer[] = []; // of the Produce frame being stored
  let pendingAnswer = -1; // correlation id of a stored Produce answered once its body is complete
  let corked = false;
  const answerProduce = (correlationId: number) => {
    if (!corked) {
      socket.cork();
      corked = true;
    }
    const out = Buffer.from(produceResponse);
    out.writeInt32BE(correlationId, 4);
    socket.write(out);
  };
  socket.on('data', (chunk: Buffer) => {
    let pos = 0;
    corked = false;
    while (pos < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - pos);
        if (storing) pieces.push(chunk.subarray(pos, pos + n));
        skip -= n;
        pos += n;
        if (skip === 0 && storing) {
          store(pieces);
          pieces = [];
        }
        if (skip === 0 && pendingAnswer >= 0) {
          answerProduce(pendingAnswer);
          pendingAnswer = -1;
        }
        continue;
      }
      const n = Math.min(12 - hdrFill, chunk.length - pos);
      chunk.copy(hdr, hdrFill, pos, pos + n);
      hdrFill += n;
      pos += n;
      if (hdrFill < 12) break;
      hdrFill = 0;
      const size = hdr.readInt32BE(0);
      const apiKey = hdr.readInt16BE(4);
      const correlationId = hdr.readInt32BE(8);
      skip = size - 8;
      storing = storeFd >= 0 && apiKey === ApiKey.Produce;
      if (storing) {
        pieces = [Buffer.from(hdr)];
        if (skip > 0) {
          pendingAnswer = correlationId;
        } else {
          store(pieces);
          answerProduce(correlationId);
        }
      } else if (apiKey === ApiKey.Produce) {
        answerProduce(correlationId);
      } else if (apiKey === ApiKey.Fetch) {
        if (!corked) {
          socket.cork();
          corked = true;
        }
        const head = Buffer.from(fetchResponse.head);
        head.writeInt32BE(correlationId, 4);
        socket.write(head);
        for (const c of fetchResponse.rest) socket.write(c);
      } else {
        socket.destroy();
        return;
      }
    }
    if (corked) socket.uncork();
  });
  socket.on('error', () => {});
}

const server = createServer(serve);
server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.send?.({ type: 'ready', port });
});
process.on('message', (m: { type?: string; id?: number }) => {
  if (m?.type === 'dropStore' && storePath) {
    closeSync(storeFd);
    unlinkSync(storePath);
    storeFd = openSync(storePath, 'a');
    process.send?.({ type: 'reply', id: m.id, ok: true });
  }
  if (m?.type === 'close') {
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
