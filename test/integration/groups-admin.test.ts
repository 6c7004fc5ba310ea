/**
 * Group administration with real admin clients: kafka-python's KafkaAdminClient lists and
 * describes groups (members, client ids and hosts, assignments); kafkajs' admin sets offsets on a
 * group without members (simple consumer commits), fetches them, lists, describes and deletes groups.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import type { RunningBroker } from '../../src/embedded.js';
import { HERE, PYTHON, groupView, kafkajsClient, pythonHas, stableWith, startGroupBroker, waitFor } from './groups-helpers.js';

const run = promisify(execFile);
const HAS_KAFKA_PYTHON = pythonHas('kafka');
const TOPIC = 'admin-topic';
const PARTITIONS = 4;

let broker: RunningBroker | null = null;
const consumers: Consumer[] = [];

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
  await broker?.close();
  broker = null;
});

async function twoMemberGroup(b: RunningBroker, groupId: string): Promise<void> {
  for (const id of ['admin-member-1', 'admin-member-2']) {
    const c = kafkajsClient(b, id).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({ eachMessage: async () => {} });
  }
  await waitFor(() => stableWith(b, groupId, 2, PARTITIONS), 'a stable group of 2');
}

describe('group administration', () => {
  it.skipIf(!HAS_KAFKA_PYTHON)("kafka-python's admin client lists and describes groups", async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    await twoMemberGroup(b, 'described-group');
    // A consumer without membership commits (generation -1): the coordinator keeps a simple group, metadata round-trips.
    const commit = await run(PYTHON, [join(HERE, 'python', 'groups_commit.py'), b.bootstrap, 'simple-group', TOPIC, '2', '42', 'checkpoint-7'], { timeout: 30_000 });
    expect(JSON.parse(commit.stdout)).toEqual({ committed: 42, metadata: 'checkpoint-7' });

    const { stdout } = await run(PYTHON, [join(HERE, 'python', 'groups_admin.py'), b.bootstrap, 'described-group', 'simple-group', 'no-such-group'], { timeout: 30_000 });
    const out = JSON.parse(stdout);
    expect(out.listed).toEqual(expect.arrayContaining([['described-group', 'consumer'], ['simple-group', '']]));
    const [described, simple, missing] = out.described;
    expect(described).toMatchObject({ group: 'described-group', state: 'Stable', protocol_type: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.members.map((m: { client_id: string }) => m.client_id)).toEqual(['admin-member-1', 'admin-member-2']);
    for (const m of described.members) {
      expect(m.client_host).toBe('/127.0.0.1');
      expect(m.member_id).toMatch(/^admin-member-\d-/);
      expect(m.topics).toEqual([TOPIC]);
    }
    const assigned = described.members.flatMap((m: { assignment: [string, number[]][] }) => m.assignment.flatMap(([, ps]) => ps)).sort();
    expect(assigned).toEqual([0, 1, 2, 3]);
    expect(simple).toMatchObject({ group: 'simple-group', state: 'Empty', protocol_type: '', members: [] });
    expect(missing).toMatchObject({ group: 'no-such-group', state: 'Dead', members: [] });
  });

  it("kafkajs' admin: simple-consumer commits, fetch, describe, list and delete", async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const admin = kafkajsClient(b, 'kafkajs-admin').admin();
    await admin.connect();
    try {
      // kafkajs sets offsets by joining the group with a temporary member, then leaving: an Empty consumer group remains.
      await admin.setOffsets({ groupId: 'offsets-only', topic: TOPIC, partitions: [{ partition: 0, offset: '7' }, { partition: 3, offset: '11' }] });
      const fetched = await admin.fetchOffsets({ groupId: 'offsets-only', topics: [TOPIC] });
      expect(fetched[0]!.partitions.sort((x, y) => x.partition - y.partition)).toEqual([
        { partition: 0, offset: '7', metadata: null },
        { partition: 1, offset: '-1', metadata: null },
        { partition: 2, offset: '-1', metadata: null },
        { partition: 3, offset: '11', metadata: null },
      ].map((p) => expect.objectContaining({ partition: p.partition, offset: p.offset })));

      await twoMemberGroup(b, 'busy-group');
      const { groups } = await admin.listGroups();
      expect(groups).toEqual(expect.arrayContaining([{ groupId: 'offsets-only', protocolType: 'consumer' }, { groupId: 'busy-group', protocolType: 'consumer' }]));
      const described = await admin.describeGroups(['busy-group', 'offsets-only']);
      expect(described.groups.map((g) => [g.groupId, g.state, g.members.length])).toEqual([
        ['busy-group', 'Stable', 2],
        ['offsets-only', 'Empty', 0],
      ]);

      // A group with members cannot be deleted; an empty one goes with its offsets.
      await expect(admin.deleteGroups(['busy-group'])).rejects.toThrow();
      await admin.deleteGroups(['offsets-only']);
      expect(groupView(b, 'offsets-only')).toBeNull();
      const after = await admin.fetchOffsets({ groupId: 'offsets-only', topics: [TOPIC] });
      expect(after[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });
});
