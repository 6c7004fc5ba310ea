/**
 * The Prometheus endpoint of a running broker: scraped before and after kafkajs produce traffic
 * and kcat fetch traffic, the Kafka-named metrics (JMX exporter names) must have moved by what
 * was sent and read.
 */
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { hasKcat, KCAT, MISSING_KCAT, run } from '../helpers/process.js';

const { Kafka, logLevel } = kafkajs;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4 -> samples (enough for prom-client's output: no escapes in our label values). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

class Scrape {
  constructor(readonly samples: Sample[], readonly text: string) {}
  /** The value of the sample with exactly these labels (0 when absent). */
  value(name: string, labels: Record<string, string | number> = {}): number {
    const want = Object.entries(labels).map(([k, v]) => [k, String(v)]);
    const s = this.samples.find((x) => x.name === name && Object.keys(x.labels).length === want.length && want.every(([k, v]) => x.labels[k!] === v));
    return s?.value ?? 0;
  }
  all(name: string): Sample[] {
    return this.samples.filter((s) => s.name === name);
  }
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  return new Scrape(parseExposition(text), text);
}

describe('Prometheus metrics endpoint', () => {
  const res = useResources();

  it('is off unless asked for', async () => {
    const broker = await res.broker();
    expect(broker.metricsUrl).toBeNull();
    expect(broker.broker.metricsAddress()).toBeNull();
  });

  it('counts messages, bytes, requests, latency, partitions, log sizes and connections under Kafka names', async () => {
    const broker = await res.broker({ metricsPort: 0 });
    expect(broker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const url = broker.metricsUrl!;
    await broker.createTopic('metered', { partitions: 3 });
    const before = await scrape(url);
    expect(before.value('kafka_server_brokertopicmetrics_messagesin_total')).toBe(0);
    expect(before.value('kafka_server_replicamanager_partitioncount')).toBe(3);
    expect(before.value('kafka_server_kafkaserver_brokerstate')).toBe(3);

    const kafka = new Kafka({ clientId: 'metrics-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    const values = Array.from({ length: 20 }, (_, i) => `value-${i}`);
    // Two batches to partition 0 (10 records each), one of 5 records to partition 1.
    await producer.send({ topic: 'metered', acks: -1, messages: values.slice(0, 10).map((value) => ({ value, partition: 0 })) });
    await producer.send({ topic: 'metered', acks: -1, messages: values.slice(10).map((value) => ({ value, partition: 0 })) });
    await producer.send({ topic: 'metered', acks: 1, messages: values.slice(0, 5).map((value) => ({ value, partition: 1 })) });

    const afterProduce = await scrape(url);
    expect(afterProduce.value('kafka_server_brokertopicmetrics_messagesin_total', { topic: 'metered' })).toBe(25);
    expect(afterProduce.value('kafka_server_brokertopicmetrics_messagesin_total')).toBe(25);
    const bytesIn = afterProduce.value('kafka_server_brokertopicmetrics_bytesin_total', { topic: 'metered' });
    expect(bytesIn).toBeGreaterThan(25 * 'value-0'.length);
    expect(afterProduce.value('kafka_server_brokertopicmetrics_totalproducerequests_total', { topic: 'metered' })).toBe(3);
    expect(afterProduce.value('kafka_server_brokertopicmetrics_failedproducerequests_total', { topic: 'metered' })).toBe(0);
    // kafkajs sends Produce v7 and Metadata v6 (its highest versions).
    expect(afterProduce.value('kafka_network_requestmetrics_requests_total', { request: 'Produce', version: 7 })).toBe(3);
    expect(afterProduce.value('kafka_network_requestmetrics_requests_total', { request: 'Metadata', version: 6 })).toBeGreaterThanOrEqual(1);
    expect(afterProduce.value('kafka_network_requestmetrics_requests_total', { request: 'ApiVersions', version: 2 })).toBeGreaterThanOrEqual(1);
    // The latency histogram: cumulative buckets, +Inf = count = requests.
    const buckets = afterProduce.all('kafka_network_requestmetrics_totaltimems_bucket').filter((s) => s.labels['request'] === 'Produce');
    expect(buckets.length).toBeGreaterThan(5);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf', request: 'Produce' }, value: 3 });
    expect(afterProduce.value('kafka_network_requestmetrics_totaltimems_count', { request: 'Produce' })).toBe(3);
    expect(afterProduce.value('kafka_network_requestmetrics_totaltimems_sum', { request: 'Produce' })).toBeGreaterThan(0);
    // Log gauges per partition.
    const size0 = afterProduce.value('kafka_log_log_size', { topic: 'metered', partition: 0 });
    const size1 = afterProduce.value('kafka_log_log_size', { topic: 'metered', partition: 1 });
    expect(size0 + size1).toBe(bytesIn);
    expect(afterProduce.value('kafka_log_log_logendoffset', { topic: 'metered', partition: 0 })).toBe(20);
    expect(afterProduce.value('kafka_log_log_logendoffset', { topic: 'metered', partition: 2 })).toBe(0);
    expect(afterProduce.value('kafka_log_log_numlogsegments', { topic: 'metered', partition: 2 })).toBe(1);
    // kafkajs keeps its connections open: at least one on PLAINTEXT now.
    expect(afterProduce.value('kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT', networkProcessor: '0' })).toBeGreaterThanOrEqual(1);
    expect(afterProduce.value('kafka_server_socket_server_metrics_connection_creation_total', { listener: 'PLAINTEXT', networkProcessor: '0' })).toBeGreaterThanOrEqual(1);
    expect(afterProduce.value('kafka_server_delayedoperationpurgatory_purgatorysize', { delayedOperation: 'Fetch' })).toBe(0);
    expect(afterProduce.value('kafka_controller_kafkacontroller_globaltopiccount')).toBe(1);
    expect(afterProduce.value('kafka_controller_kafkacontroller_globalpartitioncount')).toBe(3);

    await producer.disconnect();
    if (!hasKcat) {
      console.warn(`fetch metrics not checked: ${MISSING_KCAT}`);
      return;
    }
    const read = await run(KCAT, ['-C', '-b', broker.bootstrap, '-t', 'metered', '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 });
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n')).toHaveLength(25);
    const afterFetch = await scrape(url);
    // Every stored byte went out at least once (librdkafka may fetch a partition's tail again).
    expect(afterFetch.value('kafka_server_brokertopicmetrics_bytesout_total', { topic: 'metered' })).toBeGreaterThanOrEqual(bytesIn);
    expect(afterFetch.value('kafka_server_brokertopicmetrics_bytesout_total')).toBe(afterFetch.value('kafka_server_brokertopicmetrics_bytesout_total', { topic: 'metered' }));
    expect(afterFetch.value('kafka_server_brokertopicmetrics_totalfetchrequests_total', { topic: 'metered' })).toBeGreaterThanOrEqual(3);
    const fetches = afterFetch.all('kafka_network_requestmetrics_requests_total').filter((s) => s.labels['request'] === 'Fetch');
    expect(fetches.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);
    // Like Kafka, a consumer's Fetch also counts under request="FetchConsumer".
    const consumerFetches = afterFetch.all('kafka_network_requestmetrics_requests_total').filter((s) => s.labels['request'] === 'FetchConsumer');
    expect(consumerFetches).toEqual(fetches.map((s) => ({ ...s, labels: { ...s.labels, request: 'FetchConsumer' } })));
    // The producer is gone: its connections were counted closed.
    const l = { listener: 'PLAINTEXT', networkProcessor: '0' };
    expect(afterFetch.value('kafka_server_socket_server_metrics_connection_close_total', l)).toBeGreaterThanOrEqual(1);
  });

  it('drops a deleted topic from the per-topic series but keeps its counts in the totals; other paths', async () => {
    const broker = await res.broker({ metricsPort: 0 });
    await broker.createTopic('short-lived', { partitions: 1 });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    await producer.send({ topic: 'short-lived', messages: [{ value: 'a' }, { value: 'b' }] });
    const admin = kafka.admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    await admin.deleteTopics({ topics: ['short-lived'] });
    const after = await scrape(broker.metricsUrl!);
    expect(after.all('kafka_server_brokertopicmetrics_messagesin_total')).toEqual([{ name: 'kafka_server_brokertopicmetrics_messagesin_total', labels: {}, value: 2 }]);
    expect(after.all('kafka_log_log_size')).toEqual([]);

    const base = broker.metricsUrl!.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(broker.metricsUrl!, { method: 'POST' })).status).toBe(405);
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
    await expect(fetch(broker.metricsUrl!)).rejects.toThrow();
  });
});
