/**
 * Every compression codec each producer client can write here (see PRODUCER_CODECS for why a
 * client lacks one), stored as the producer compressed it (topics default to
 * compression.type=producer), and read back by every group-less consumer that can decompress it.
 *
 * librdkafka picks a codec only when the broker's ApiVersions shows the feature: zstd needs
 * Produce v7+ and Fetch v10+, and lz4 needs FindCoordinator (librdkafka's rdkafka_feature.c uses
 * FindCoordinator v0 as the marker of a broker new enough for lz4); without it librdkafka sends
 * lz4 batches uncompressed. The stored batches' compression attribute shows what was written.
 */
import { describe, expect, it } from 'vitest';
import {
  assertDelivered,
  CONSUMER_CODECS,
  CONSUMERS,
  consumeWith,
  missing,
  produceWith,
  PRODUCER_CODECS,
  PRODUCERS,
  type Codec,
} from '../helpers/any-client.js';
import { HANDLERS } from '../../../src/handlers/registry.js';
import { storedBatches, useResources } from '../helpers/broker.js';
import { roundTripProblems, type OutMessage } from '../helpers/messages.js';
import { debianClients, itNeeds } from '../helpers/requirements.js';

const CODEC_ID: Record<Codec, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const PARTITIONS = [0, 1];
const LIBRDKAFKA_CLIENTS = new Set(['kcat', 'confluent-kafka', 'node-rdkafka']);
/** FindCoordinator (key 10) comes with consumer groups; until Gregor serves it librdkafka will not write lz4. */
const ADVERTISES_FIND_COORDINATOR = HANDLERS.some((h) => h.apiKey === 10);

function expectedStoredCodec(producer: string, codec: Codec): number {
  if (codec === 'lz4' && LIBRDKAFKA_CLIENTS.has(producer) && !ADVERTISES_FIND_COORDINATOR) return CODEC_ID.none;
  return CODEC_ID[codec];
}

function messages(producer: string, codec: Codec): OutMessage[] {
  const out: OutMessage[] = [];
  // Repetitive values so every codec actually shrinks them.
  for (let i = 0; i < 30; i++) {
    const key = `k${i % 3}`;
    out.push({ key, value: `${producer}/${codec}/${i}/${'compressible '.repeat(20)}`, headers: producer === 'kcat' ? [['codec', codec]] : [['codec', codec], ['i', String(i)]] });
  }
  return out;
}

describe('compression codecs across clients', () => {
  const res = useResources();

  for (const producer of PRODUCERS) {
    const codecs = PRODUCER_CODECS[producer].filter((c) => c !== 'none');
    itNeeds(debianClients(producer), `${producer} produces ${codecs.join(', ')}; consumers that support each codec read it back`, async () => {
      const broker = await res.broker();
      for (const codec of codecs) {
        const topic = `compressed-${producer}-${codec}`;
        await broker.createTopic(topic, { partitions: PARTITIONS.length });
        const sent = messages(producer, codec);
        assertDelivered(`${producer} ${codec}`, await produceWith(producer, broker.bootstrap, topic, sent, { codec }));

        const batches = PARTITIONS.flatMap((p) => storedBatches(broker, topic, p));
        expect(batches.length, `${producer} ${codec}: stored batches`).toBeGreaterThan(0);
        expect(new Set(batches.map((b) => b.compression)), `${producer} ${codec}: compression attribute of stored batches`).toEqual(new Set([expectedStoredCodec(producer, codec)]));

        const consumers = CONSUMERS.filter((c) => missing(c) === null && CONSUMER_CODECS[c].includes(codec));
        const results = await Promise.all(consumers.map(async (c) => ({ c, r: await consumeWith(c, broker.bootstrap, topic, PARTITIONS) })));
        for (const { c, r } of results) {
          expect(r.complete, `${c} read ${producer}'s ${codec} to the end`).toBe(true);
          expect(roundTripProblems(sent, r.messages), `${producer} ${codec} -> ${c}`).toEqual([]);
        }
      }
    });
  }

  it('a topic compression.type other than producer: batches are stored in the topic codec and read back by every consumer', async () => {
    const broker = await res.broker();
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const topic = `topic-codec-${codec}`;
      await broker.createTopic(topic, { partitions: 1, configs: { 'compression.type': codec } });
      const sent = messages('kafkajs', codec);
      // Uncompressed from kafkajs; gzip from kafka-python (rewritten unless the codec is gzip).
      assertDelivered('kafkajs', await produceWith('kafkajs', broker.bootstrap, topic, sent.slice(0, 15)));
      if (missing('kafka-python') === null) assertDelivered('kafka-python', await produceWith('kafka-python', broker.bootstrap, topic, sent.slice(15), { codec: 'gzip' }));
      else assertDelivered('kafkajs', await produceWith('kafkajs', broker.bootstrap, topic, sent.slice(15), { codec: 'gzip' }));
      expect(new Set(storedBatches(broker, topic, 0).map((b) => b.compression)), `${topic}: stored codec`).toEqual(new Set([CODEC_ID[codec]]));
      const consumers = CONSUMERS.filter((c) => missing(c) === null && CONSUMER_CODECS[c].includes(codec));
      const results = await Promise.all(consumers.map(async (c) => ({ c, r: await consumeWith(c, broker.bootstrap, topic, [0]) })));
      for (const { c, r } of results) expect(roundTripProblems(sent, r.messages), `${topic} -> ${c}`).toEqual([]);
    }
  });
});
