/**
 * Keyed records with headers round-trip in order per key: every producer client writes keyed
 * records with per-record headers to a 3-partition topic, and every group-less consumer client
 * reads them back: same keys, values and headers, each key in one partition, in produced order.
 */
import { describe, expect } from 'vitest';
import { assertDelivered, CONSUMERS, consumeWith, missing, produceWith, PRODUCERS, type ProducerClient } from '../helpers/any-client.js';
import { useResources } from '../helpers/broker.js';
import { roundTripProblems, type OutMessage } from '../helpers/messages.js';
import { debianClients, itNeeds } from '../helpers/requirements.js';

const PARTITIONS = [0, 1, 2];

function messagesFor(producer: ProducerClient): OutMessage[] {
  const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  const out: OutMessage[] = [];
  for (let i = 0; i < 40; i++) {
    const key = keys[i % keys.length]!;
    // kcat's -H headers apply to a whole kcat run, so its records all carry the same headers
    // (the adapter would otherwise start one kcat per record).
    const headers: [string, string][] = producer === 'kcat' ? [['origin', 'kcat'], ['trace', 'abc']] : [['seq', String(i)], ['key', key], ['trace', 'abc']];
    out.push({ key, value: `${producer}-${key}-${i}-${'x'.repeat(i)}`, headers });
  }
  return out;
}

describe('keyed records with headers round-trip in order per key', () => {
  const res = useResources();

  for (const producer of PRODUCERS) {
    itNeeds(debianClients(producer), `produced by ${producer}, consumed by ${CONSUMERS.join(', ')}`, async () => {
      const broker = await res.broker();
      const topic = `round-trip-${producer}`;
      await broker.createTopic(topic, { partitions: PARTITIONS.length });
      const sent = messagesFor(producer);
      assertDelivered(producer, await produceWith(producer, broker.bootstrap, topic, sent));

      const consumers = CONSUMERS.filter((c) => missing(c) === null);
      const results = await Promise.all(consumers.map(async (c) => ({ consumer: c, result: await consumeWith(c, broker.bootstrap, topic, PARTITIONS) })));
      for (const { consumer, result } of results) {
        expect(result.complete, `${consumer} read to the end`).toBe(true);
        expect(roundTripProblems(sent, result.messages), `${producer} -> ${consumer}`).toEqual([]);
        // Offsets within each partition are dense from 0.
        for (const p of PARTITIONS) {
          const offsets = result.messages.filter((m) => m.partition === p).map((m) => m.offset);
          expect(offsets, `${consumer} offsets of partition ${p}`).toEqual(offsets.map((_, i) => i));
        }
      }
      // Every record went somewhere: more than one partition used with five keys.
      const used = new Set(results[0]!.result.messages.map((m) => m.partition));
      expect(used.size).toBeGreaterThan(1);
    });
  }
});
