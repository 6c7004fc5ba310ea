/**
 * One entry point per role over every client, so a scenario can be run as a matrix
 * (producer x consumer). Each client is mapped to its own API in the adapter modules.
 */
import { CompressionTypes } from 'kafkajs';
import { kcatConsume, kcatProduce } from './kcat.js';
import type { ConsumeResult, DeliveryReport, OutMessage } from './messages.js';
import { kafkajsProduce, platformaticProduce, rdkafkaConsume, rdkafkaProduce } from './node-clients.js';
import { pythonConsume, pythonProduce } from './python.js';
import { debianClients, missingDebianClient } from './requirements.js';

export type ProducerClient = 'kcat' | 'confluent-kafka' | 'kafka-python' | 'node-rdkafka' | 'kafkajs' | 'platformatic';
/** kafkajs and @platformatic/kafka consumers need a group: the consumer-group tests cover them. */
export type ConsumerClient = 'kcat' | 'confluent-kafka' | 'kafka-python' | 'node-rdkafka';
export type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const PRODUCERS: ProducerClient[] = ['kcat', 'confluent-kafka', 'kafka-python', 'node-rdkafka', 'kafkajs', 'platformatic'];
export const CONSUMERS: ConsumerClient[] = ['kcat', 'confluent-kafka', 'kafka-python', 'node-rdkafka'];

/** Why a client cannot run here (a Debian package missing), or null. */
export function missing(client: ProducerClient | ConsumerClient): string | null {
  const [debian] = debianClients(client);
  return debian ? missingDebianClient(debian) : null;
}

/**
 * Codecs each client can produce and consume in this environment:
 * - kcat and confluent-kafka use Debian's librdkafka 2.0.2, built with zstd;
 * - node-rdkafka's bundled librdkafka 2.12 is built without zstd (its `features` list says so);
 * - kafkajs has only gzip built in (the others need codec plugins that are not installed);
 * - kafka-python needs the lz4 / python-snappy / zstandard Python packages, absent from Debian's python3;
 * - @platformatic/kafka does zstd only on Node versions whose zlib has it (Node 20 does not).
 */
export const PRODUCER_CODECS: Record<ProducerClient, Codec[]> = {
  kcat: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  'confluent-kafka': ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  'node-rdkafka': ['none', 'gzip', 'snappy', 'lz4'],
  kafkajs: ['none', 'gzip'],
  'kafka-python': ['none', 'gzip'],
  platformatic: ['none', 'gzip', 'snappy', 'lz4'],
};
export const CONSUMER_CODECS: Record<ConsumerClient, Codec[]> = {
  kcat: PRODUCER_CODECS.kcat,
  'confluent-kafka': PRODUCER_CODECS['confluent-kafka'],
  'node-rdkafka': PRODUCER_CODECS['node-rdkafka'],
  'kafka-python': PRODUCER_CODECS['kafka-python'],
};

export interface ProduceOptions {
  codec?: Codec;
  /** librdkafka properties (kcat, confluent-kafka, node-rdkafka) applied on top of the defaults. */
  rdkafkaConfig?: Record<string, string | number | boolean>;
}

export async function produceWith(client: ProducerClient, bootstrap: string, topic: string, messages: OutMessage[], options: ProduceOptions = {}): Promise<DeliveryReport[] | null> {
  const codec = options.codec ?? 'none';
  const rd = { 'compression.codec': codec, ...options.rdkafkaConfig };
  switch (client) {
    case 'kcat':
      await kcatProduce(bootstrap, topic, messages, { config: rd });
      return null; // kcat exits non-zero when a delivery fails; it prints no offsets
    case 'confluent-kafka':
      return pythonProduce('confluent-kafka', bootstrap, topic, messages, rd);
    case 'node-rdkafka':
      return rdkafkaProduce(bootstrap, topic, messages, rd);
    case 'kafka-python':
      return pythonProduce('kafka-python', bootstrap, topic, messages, codec === 'none' ? {} : { compression_type: codec });
    case 'kafkajs': {
      if (codec !== 'none' && codec !== 'gzip') throw new Error(`kafkajs cannot produce ${codec} here`);
      return kafkajsProduce(bootstrap, topic, messages, { compression: codec === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None });
    }
    case 'platformatic':
      await platformaticProduce(bootstrap, topic, messages, { compression: codec });
      return null;
  }
}

export async function consumeWith(client: ConsumerClient, bootstrap: string, topic: string, partitions: number[]): Promise<ConsumeResult> {
  switch (client) {
    case 'kcat':
      return kcatConsume(bootstrap, topic, { partitions });
    case 'confluent-kafka':
    case 'kafka-python':
      return pythonConsume(client, bootstrap, topic, partitions);
    case 'node-rdkafka':
      return rdkafkaConsume(bootstrap, topic, partitions);
  }
}

/** Throws naming every failed delivery. */
export function assertDelivered(client: string, reports: DeliveryReport[] | null): void {
  if (reports === null) return;
  const failed = reports.map((r, i) => ({ i, r })).filter(({ r }) => r.error);
  if (failed.length > 0) throw new Error(`${client}: ${failed.length} records not delivered, first: #${failed[0]!.i} ${JSON.stringify(failed[0]!.r.error)}`);
}
