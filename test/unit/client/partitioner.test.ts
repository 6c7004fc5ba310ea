import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DefaultPartitioner, murmur2, partitionForKey } from '../../../src/client/partitioner.js';

const require = createRequire(import.meta.url);

describe('murmur2', () => {
  it('matches the values of Kafka UtilsTest.testMurmur2', () => {
    const cases: [string | number[], number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      [[0x61, 0x62, 0x63], 479470107],
    ];
    for (const [input, expected] of cases) {
      const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
      expect(murmur2(bytes)).toBe(expected);
    }
  });

  it('puts keys on the same partitions as kafkajs DefaultPartitioner (Java compatible)', () => {
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.from(`key-${i}-${'x'.repeat(i % 7)}`);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      expect(partitionForKey(key, 12)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 12);
    }
  });
});

describe('DefaultPartitioner', () => {
  it('sticks null-key records to one partition until batch.size bytes, then moves to another', () => {
    let n = 0;
    const random = () => [0.1, 0.6, 0.9][n++ % 3]!;
    const p = new DefaultPartitioner(100, random);
    const first = p.partition('t', null, 4, [], 40);
    expect(p.partition('t', null, 4, [], 40)).toBe(first);
    expect(p.partition('t', null, 4, [], 40)).toBe(first);
    const next = p.partition('t', null, 4, [], 40);
    expect(next).not.toBe(first);
  });

  it('only picks partitions that have a leader', () => {
    const p = new DefaultPartitioner(1);
    for (let i = 0; i < 50; i++) expect([1, 3]).toContain(p.partition('t', undefined, 4, [1, 3], 10));
  });

  it('uses murmur2 for keyed records whatever the stickiness', () => {
    const p = new DefaultPartitioner();
    const key = Buffer.from('customer-42');
    expect(p.partition('t', key, 6, [], 10)).toBe(partitionForKey(key, 6));
  });
});
