import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { assertSucceeded, DEBIAN_PYTHON, hasConfluentKafka, hasKafkaPython, MISSING_CONFLUENT_KAFKA, MISSING_KAFKA_PYTHON, run } from '../helpers/process.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
const PYTHON_DIR = join(import.meta.dirname, '..', 'python', 'configs');

describe('topic and broker configs through admin clients', () => {
  const res = useResources();

  it('kafkajs describes, alters and incrementally alters configs, and they survive a restart', async () => {
    const dir = await res.tempDir();
    let broker = await res.broker({ logDir: dir });
    await broker.createTopic('kjs-configs', { partitions: 1, configs: { 'retention.ms': '1000' } });
    const connect = async () => {
      const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      res.defer(() => admin.disconnect());
      return admin;
    };
    let admin = await connect();
    const topic = (names: string[]) => admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configNames: names }] });

    const before = await topic(['retention.ms', 'cleanup.policy']);
    const entries = Object.fromEntries(before.resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries['retention.ms']).toMatchObject({ configValue: '1000', isDefault: false, configSource: 1 });
    expect(entries['cleanup.policy']).toMatchObject({ configValue: 'delete', isDefault: true, configSource: 5 });
    expect(entries['cleanup.policy']!.configSynonyms).toEqual([{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }]);

    // AlterConfigs replaces the whole set: retention.ms goes back to its default.
    await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const replaced = Object.fromEntries((await topic(['retention.ms', 'cleanup.policy'])).resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(replaced).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '604800000' });

    await expect(
      admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configEntries: [{ name: 'retention.ms', value: 'never' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(
      admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configEntries: [{ name: 'no.such.config', value: '1' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });

    // A dynamic broker config: source DYNAMIC_BROKER_CONFIG, with its static/default synonyms after it.
    await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.ms', value: '7200000' }] }] });
    const brokerEntry = (await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.ms'] }] }))
      .resources[0]!.configEntries[0]!;
    expect(brokerEntry).toMatchObject({ configName: 'log.retention.ms', configValue: '7200000', configSource: 2 });
    expect(brokerEntry.configSynonyms.map((s) => s.configName)).toEqual(['log.retention.ms', 'log.retention.hours']);
    // Topics without an override inherit the new broker default.
    expect((await topic(['retention.ms'])).resources[0]!.configEntries[0]!.configValue).toBe('7200000');
    await expect(
      admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.dirs', value: '/elsewhere' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });

    await admin.disconnect();
    await broker.close();
    broker = await res.broker({ logDir: dir });
    admin = await connect();
    const afterRestart = Object.fromEntries((await topic(['retention.ms', 'cleanup.policy'])).resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(afterRestart).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '7200000' });
  });

  it.skipIf(!hasConfluentKafka)(`confluent-kafka describes and alters topic and broker configs${hasConfluentKafka ? '' : ` (${MISSING_CONFLUENT_KAFKA})`}`, async () => {
    const broker = await res.broker();
    await broker.createTopic('cfk-configs');
    const out = JSON.parse(assertSucceeded(await run(DEBIAN_PYTHON, [join(PYTHON_DIR, 'confluent_configs.py'), broker.bootstrap, 'cfk-configs'])).stdout);
    expect(out.before['retention.ms'].value).toBe('604800000');
    expect(out.after['retention.ms'].value).toBe('12345');
    expect(out.invalid).toBe('INVALID_CONFIG');
    expect(out.broker['log.retention.hours'].value).toBe('168');
    expect(out.missing).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it.skipIf(!hasKafkaPython)(`kafka-python describes and alters topic configs${hasKafkaPython ? '' : ` (${MISSING_KAFKA_PYTHON})`}`, async () => {
    const broker = await res.broker();
    await broker.createTopic('kp-configs');
    const out = JSON.parse(assertSucceeded(await run(DEBIAN_PYTHON, [join(PYTHON_DIR, 'kafka_python_configs.py'), broker.bootstrap, 'kp-configs'])).stdout);
    expect(out).toEqual({ codeBefore: 0, segmentBefore: '604800000', alterError: 0, codeAfter: 0, segmentAfter: '600000', cleanupAfter: 'compact' });
  });
});
