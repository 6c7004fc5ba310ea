/**
 * Fetch long polls as a librdkafka consumer (kcat) sees them: a consumer waiting at the end of a
 * partition with a long fetch.wait.max.ms gets new records as soon as they are appended (the
 * append wakes the parked fetch; no busy polling), and fetch.min.bytes holds a response back
 * until enough bytes arrived or the wait ran out.
 *
 * The bounds are wide on purpose: "woken by the append" is checked as "well before the
 * 20 s wait would have ended", and min.bytes as "not before most of the 1.5 s wait passed".
 */
import { describe, expect } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs } from '../helpers/node-clients.js';
import { assertSucceeded, KCAT, run } from '../helpers/process.js';
import { startFaultProxy } from '../helpers/proxy.js';
import { waitUntil } from '../helpers/wait.js';
import { itNeeds } from '../helpers/requirements.js';

const FETCH = 1;

describe('fetch long poll with a real consumer', () => {
  const res = useResources();

  async function brokerBehindProxy() {
    const proxy = await startFaultProxy();
    res.defer(() => proxy.close());
    const broker = await res.broker({ config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } });
    proxy.setTarget(broker.port);
    await broker.createTopic('polled', { partitions: 1 });
    return { broker, proxy, bootstrap: `127.0.0.1:${proxy.port}` };
  }

  async function produceOne(bootstrap: string, value: string): Promise<void> {
    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'polled', messages: [{ key: 'k', value }] });
    await producer.disconnect();
  }

  itNeeds(['kcat'], 'an append wakes a parked fetch (fetch.wait.max.ms=20000)', async () => {
    const { proxy, bootstrap } = await brokerBehindProxy();
    const consumer = run(KCAT, ['-C', '-b', bootstrap, '-t', 'polled', '-p', '0', '-o', 'beginning', '-c', '1', '-q', '-f', '%s\\n', '-X', 'fetch.wait.max.ms=20000'], { timeoutMs: 25_000 });
    // The consumer is parked once its first Fetch has gone out and not come back.
    await waitUntil(() => (proxy.requests.get(FETCH) ?? 0) >= 1, { what: 'the first Fetch request' });
    const fetchesBefore = proxy.requests.get(FETCH)!;
    const appendedAt = Date.now();
    await produceOne(bootstrap, 'wake-up');
    const r = assertSucceeded(await consumer);
    const latencyMs = Date.now() - appendedAt;
    expect(r.stdout).toBe('wake-up\n');
    expect(latencyMs, 'delivery latency after the append').toBeLessThan(5000);
    // No busy polling: the parked fetch was answered, not replaced by a stream of new ones.
    expect(proxy.requests.get(FETCH)! - fetchesBefore).toBeLessThanOrEqual(2);
  });

  itNeeds(['kcat'], 'fetch.min.bytes holds back a small record until fetch.wait.max.ms', async () => {
    const { bootstrap } = await brokerBehindProxy();
    await produceOne(bootstrap, 'first'); // the consumer starts at offset 1, at the end of the log
    const consumer = run(
      KCAT,
      ['-C', '-b', bootstrap, '-t', 'polled', '-p', '0', '-o', '1', '-c', '1', '-q', '-f', '%s\\n', '-X', 'fetch.wait.max.ms=1500', '-X', 'fetch.min.bytes=1000000'],
      { timeoutMs: 20_000 },
    );
    const appendedAt = Date.now();
    await produceOne(bootstrap, 'small');
    const r = assertSucceeded(await consumer);
    expect(r.stdout).toBe('small\n');
    // 1 MB never arrives: the response waits out (most of) the 1.5 s.
    expect(Date.now() - appendedAt).toBeGreaterThanOrEqual(700);
  });
});
