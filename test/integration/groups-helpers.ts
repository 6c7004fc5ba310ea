/** Shared pieces of the consumer group integration tests (groups-*.test.ts). */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBroker, type RunningBroker, type StartBrokerOptions } from '../../src/embedded.js';
import { decodeConsumerProtocolAssignment } from '../../src/protocol/generated/data/consumer-protocol-assignment.js';
import { Reader } from '../../src/protocol/primitives/reader.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON = '/usr/bin/python3';

/** Polls until `condition` returns a truthy value (returned), or fails after timeoutMs. */
export async function waitFor<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 20_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** An in-process broker whose group settings allow short session timeouts. */
export function startGroupBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  return startBroker({
    ...options,
    config: {
      'group.min.session.timeout.ms': 500,
      'offsets.topic.num.partitions': 5,
      ...options.config,
    },
  });
}

export interface MemberView {
  memberId: string;
  clientId: string;
  groupInstanceId: string | null;
  /** "topic-partition" strings from the member's assignment. */
  partitions: string[];
}

export interface GroupView {
  state: string;
  generationId: number;
  members: MemberView[];
}

/** Decodes a consumer-protocol assignment into "topic-partition" strings. */
export function assignedPartitions(assignment: Buffer): string[] {
  if (assignment.length === 0) return [];
  const r = new Reader(assignment);
  r.readInt16();
  const a = decodeConsumerProtocolAssignment(r, 0);
  return a.assignedPartitions.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)).sort();
}

/** The group as the coordinator holds it right now. */
export function groupView(broker: RunningBroker, groupId: string): GroupView | null {
  const coordinator = broker.broker.groupCoordinator;
  let group;
  try {
    group = coordinator.shardFor(groupId).groupMetadataManager.groups.get(groupId);
  } catch {
    return null;
  }
  if (!group) return null;
  return {
    state: group.state,
    generationId: group.generationId,
    members: group.allMembers().map((m) => ({ memberId: m.memberId, clientId: m.clientId, groupInstanceId: m.groupInstanceId, partitions: assignedPartitions(m.assignment) })),
  };
}

/** A Stable group of `size` members whose assignments cover `partitions` exactly once. */
export function stableWith(broker: RunningBroker, groupId: string, size: number, partitions: number): GroupView | null {
  const g = groupView(broker, groupId);
  if (!g || g.state !== 'Stable' || g.members.length !== size) return null;
  const all = g.members.flatMap((m) => m.partitions);
  if (all.length !== partitions || new Set(all).size !== partitions) return null;
  return g;
}

export function kafkajsClient(broker: RunningBroker, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 } });
}

/** Produces `perPartition` messages to every partition; values are "p<partition>-<i>". */
export async function produceToAll(broker: RunningBroker, topic: string, partitions: number, perPartition: number): Promise<string[]> {
  const producer: Producer = kafkajsClient(broker, 'groups-producer').producer();
  await producer.connect();
  const values: string[] = [];
  try {
    for (let p = 0; p < partitions; p++) {
      const messages = [];
      for (let i = 0; i < perPartition; i++) {
        const value = `p${p}-${i}`;
        values.push(value);
        messages.push({ partition: p, value });
      }
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return values;
}

/** node-rdkafka, installed under test/clients, or null when it is not built. */
export function loadNodeRdkafka(): any {
  try {
    const require = createRequire(join(HERE, '..', 'clients', 'package.json'));
    return require('node-rdkafka');
  } catch {
    return null;
  }
}

/** Whether Debian's python3 has the named modules (python3-confluent-kafka, python3-kafka). */
export function pythonHas(...modules: string[]): boolean {
  try {
    execFileSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
