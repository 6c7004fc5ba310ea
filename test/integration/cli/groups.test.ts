/**
 * `gregor groups` (kafka-consumer-groups) as a child process against an in-process broker, with a
 * real kafkajs consumer group that consumed part of a topic: lag columns, members and state views,
 * reset-offsets (dry run, execute, then the group resumes there), delete, delete-offsets, and the
 * failures (unknown group, active group, wrong bootstrap, bad arguments).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import type { RunningBroker } from '../../../src/index.js';
import { Admin, KafkaClient } from '../../../src/client/index.js';
import { kafkajsClient, produceToAll, startGroupBroker, waitFor } from '../groups-helpers.js';
import { closedPort, ensureBuilt, runCli } from './cli-helpers.js';

const TOPIC = 'orders';

let broker: RunningBroker;
let B: string;
let client: KafkaClient;
let admin: Admin;
const consumers: Consumer[] = [];

beforeAll(async () => {
  ensureBuilt();
  broker = await startGroupBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  B = broker.bootstrap;
  await broker.createTopic(TOPIC, { partitions: 2 });
  await produceToAll(broker, TOPIC, 2, 10);
  client = new KafkaClient({ bootstrapServers: B, clientId: 'groups-test' });
  admin = new Admin(client);
}, 120_000);

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
});

afterAll(async () => {
  await client?.close();
  await broker?.close();
});

/** A kafkajs group member on TOPIC from the beginning; `seen` collects "partition:offset" of each record. */
async function member(groupId: string, clientId: string, seen: string[]): Promise<Consumer> {
  const c = kafkajsClient(broker, clientId).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  consumers.push(c);
  await c.connect();
  await c.subscribe({ topic: TOPIC, fromBeginning: true });
  await c.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      seen.push(`${partition}:${message.offset}`);
    },
  });
  return c;
}

/** Committed offsets of a group as "partition:offset", through Gregor's own client. */
async function committed(groupId: string): Promise<string[]> {
  return (await admin.listGroupOffsets(groupId)).map((o) => `${o.partition}:${o.offset}`);
}

async function stop(c: Consumer): Promise<void> {
  await c.disconnect();
  consumers.splice(consumers.indexOf(c), 1);
}

/** Splits a table into rows of cells. */
const table = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trim().split(/\s{2,}/));

describe('gregor groups', () => {
  it('describes an active group with CURRENT-OFFSET, LOG-END-OFFSET and LAG per partition, its members and state', async () => {
    const seen: string[] = [];
    const c = await member('lag-group', 'lag-client', seen);
    await waitFor(async () => (await committed('lag-group')).join() === '0:10,1:10', 'offsets 10/10 committed', 20_000);
    // The group consumed everything so far; stop fetching, then more records arrive: lag 5 per partition.
    c.pause([{ topic: TOPIC }]);
    await produceToAll(broker, TOPIC, 2, 5);

    const d = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'lag-group']);
    expect(d).toMatchObject({ code: 0, stderr: '' });
    const rows = table(d.stdout);
    expect(rows[0]).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(rows.slice(1).map((r) => r.slice(0, 6))).toEqual([
      ['lag-group', TOPIC, '0', '10', '15', '5'],
      ['lag-group', TOPIC, '1', '10', '15', '5'],
    ]);
    for (const r of rows.slice(1)) {
      expect(r[6]).toMatch(/^lag-client-/);
      expect(r[7]).toBe('/127.0.0.1');
      expect(r[8]).toBe('lag-client');
    }

    const json = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'lag-group', '--json']);
    expect(json.code).toBe(0);
    const [g] = JSON.parse(json.stdout) as { group: string; state: string; offsets: { partition: number; currentOffset: number; logEndOffset: number; lag: number; clientId: string }[] }[];
    expect(g!.state).toBe('Stable');
    expect(g!.offsets.map((o) => [o.partition, o.currentOffset, o.logEndOffset, o.lag, o.clientId])).toEqual([
      [0, 10, 15, 5, 'lag-client'],
      [1, 10, 15, 5, 'lag-client'],
    ]);

    const members = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'lag-group', '--members', '--verbose']);
    expect(members.code).toBe(0);
    const m = table(members.stdout);
    expect(m[0]).toEqual(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT']);
    expect(m[1]).toEqual(['lag-group', expect.stringMatching(/^lag-client-/), '-', '/127.0.0.1', 'lag-client', '2', `${TOPIC}(0,1)`]);

    const state = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'lag-group', '--state']);
    expect(state.code).toBe(0);
    const port = B.split(':').pop();
    expect(table(state.stdout)).toEqual([
      ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
      ['lag-group', `127.0.0.1:${port} (1)`, 'RoundRobinAssigner', 'Stable', '1'],
    ]);

    const list = await runCli(['groups', '--bootstrap-server', B, '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContain('lag-group');
    const stable = await runCli(['groups', '--bootstrap-server', B, '--list', '--state', 'stable']);
    expect(table(stable.stdout)).toContainEqual(['lag-group', 'Stable']);
    const empty = await runCli(['groups', '--bootstrap-server', B, '--list', '--state', 'Empty', '--json']);
    expect(JSON.parse(empty.stdout)).not.toContainEqual(expect.objectContaining({ group: 'lag-group' }));

    // An active group: no reset, no delete, with Kafka's messages.
    const reset = await runCli(['groups', '--bootstrap-server', B, '--reset-offsets', '--group', 'lag-group', '--topic', TOPIC, '--to-earliest', '--execute']);
    expect(reset).toEqual({ code: 1, stdout: '', stderr: "error: Assignments can only be reset if the group 'lag-group' is inactive, but the current state is Stable.\n" });
    const del = await runCli(['groups', '--bootstrap-server', B, '--delete', '--group', 'lag-group']);
    expect(del).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: Deletion of some consumer groups failed: Group 'lag-group' could not be deleted due to: GroupNotEmptyException: The group is not empty.\n",
    });
    expect(await committed('lag-group')).toEqual(['0:10', '1:10']);

    // The member leaves: the group is Empty and keeps its offsets.
    await stop(c);
    const after = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'lag-group']);
    expect(after.code).toBe(0);
    expect(after.stderr).toBe("Consumer group 'lag-group' has no active members.\n");
    expect(table(after.stdout).slice(1)).toEqual([
      ['lag-group', TOPIC, '0', '10', '15', '5', '-', '-', '-'],
      ['lag-group', TOPIC, '1', '10', '15', '5', '-', '-', '-'],
    ]);
  });

  it('plans resets with --dry-run (the default), commits them with --execute, and the group resumes there', async () => {
    const seen: string[] = [];
    const c = await member('reset-group', 'reset-client', seen);
    await waitFor(async () => (await committed('reset-group')).join() === '0:15,1:15', 'offsets 15/15 committed', 20_000);
    await stop(c);
    const base = ['groups', '--bootstrap-server', B, '--reset-offsets', '--group', 'reset-group'];

    const plan = await runCli([...base, '--topic', TOPIC, '--to-earliest']);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toMatch(/^WARN: No action will be performed as the --execute option is missing/);
    expect(table(plan.stdout)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      ['reset-group', TOPIC, '0', '0'],
      ['reset-group', TOPIC, '1', '0'],
    ]);
    const dry = await runCli([...base, '--all-topics', '--shift-by', '-4', '--dry-run', '--json']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(dry.stdout)).toEqual([
      { group: 'reset-group', topic: TOPIC, partition: 0, newOffset: 11, executed: false },
      { group: 'reset-group', topic: TOPIC, partition: 1, newOffset: 11, executed: false },
    ]);
    // Out of range: clamped to the log end with Kafka's warning.
    const high = await runCli([...base, '--topic', `${TOPIC}:1`, '--to-offset', '99', '--dry-run']);
    expect(high.stderr).toBe(`New offset (99) is higher than latest offset for topic partition ${TOPIC}-1. Value will be set to 15\n`);
    expect(table(high.stdout)[1]).toEqual(['reset-group', TOPIC, '1', '15']);
    // --to-datetime: before every record -> the earliest offset; after every record -> the log end.
    const past = await runCli([...base, '--topic', TOPIC, '--to-datetime', '2000-01-01T00:00:00.000', '--dry-run']);
    expect(table(past.stdout).slice(1).map((r) => r[3])).toEqual(['0', '0']);
    const future = await runCli([...base, '--topic', TOPIC, '--to-datetime', '2999-01-01T00:00:00.000Z', '--dry-run']);
    expect(table(future.stdout).slice(1).map((r) => r[3])).toEqual(['15', '15']);
    const latest = await runCli([...base, '--topic', TOPIC, '--to-latest', '--dry-run']);
    expect(table(latest.stdout).slice(1).map((r) => r[3])).toEqual(['15', '15']);
    // Nothing was committed by the plans.
    expect(await committed('reset-group')).toEqual(['0:15', '1:15']);

    const exec = await runCli([...base, '--topic', `${TOPIC}:0`, '--to-offset', '3', '--execute']);
    expect(exec).toMatchObject({ code: 0, stderr: '' });
    expect(table(exec.stdout)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      ['reset-group', TOPIC, '0', '3'],
    ]);
    const shifted = await runCli([...base, '--topic', `${TOPIC}:1`, '--shift-by', '-5', '--execute']);
    expect(shifted.code).toBe(0);
    expect(await committed('reset-group')).toEqual(['0:3', '1:10']);
    const d = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'reset-group']);
    expect(table(d.stdout).slice(1).map((r) => r.slice(2, 6))).toEqual([
      ['0', '3', '15', '12'],
      ['1', '10', '15', '5'],
    ]);

    // The group comes back and resumes from the new offsets.
    const resumed: string[] = [];
    await member('reset-group', 'reset-client', resumed);
    await waitFor(() => resumed.length >= 17, '17 records after the reset', 20_000);
    const p0 = resumed.filter((s) => s.startsWith('0:'));
    const p1 = resumed.filter((s) => s.startsWith('1:'));
    expect(p0[0]).toBe('0:3');
    expect(p1[0]).toBe('1:10');
    expect(p0).toHaveLength(12);
    expect(p1).toHaveLength(5);
  });

  it('deletes an empty group and its offsets, and reports unknown groups', async () => {
    const seen: string[] = [];
    const c = await member('doomed-group', 'doomed-client', seen);
    await waitFor(async () => (await committed('doomed-group')).join() === '0:15,1:15', 'offsets committed', 20_000);
    await stop(c);

    // --delete-offsets of an inactive group's topic.
    const delOffsets = await runCli(['groups', '--bootstrap-server', B, '--delete-offsets', '--group', 'doomed-group', '--topic', `${TOPIC}:1`]);
    expect(delOffsets).toMatchObject({ code: 0, stderr: '' });
    expect(delOffsets.stdout.split('\n')[0]).toBe(`Request succeed for deleting offsets with topic ${TOPIC} group doomed-group`);
    expect(table(delOffsets.stdout).slice(1)).toEqual([
      ['TOPIC', 'PARTITION', 'STATUS'],
      [TOPIC, '1', 'Successful'],
    ]);
    expect(await committed('doomed-group')).toEqual(['0:15']);

    const del = await runCli(['groups', '--bootstrap-server', B, '--delete', '--group', 'doomed-group']);
    expect(del).toEqual({ code: 0, stdout: "Deletion of requested consumer groups ('doomed-group') was successful.\n", stderr: '' });
    const gone = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'doomed-group']);
    expect(gone).toEqual({ code: 1, stdout: '', stderr: "error: Consumer group 'doomed-group' does not exist.\n" });
    const list = await runCli(['groups', '--bootstrap-server', B, '--list', '--json']);
    expect(JSON.parse(list.stdout)).not.toContainEqual(expect.objectContaining({ group: 'doomed-group' }));

    const again = await runCli(['groups', '--bootstrap-server', B, '--delete', '--group', 'doomed-group']);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: Deletion of some consumer groups failed: Group 'doomed-group' could not be deleted due to: GroupIdNotFoundException: The group id does not exist.\n",
    });
    const members = await runCli(['groups', '--bootstrap-server', B, '--describe', '--group', 'nobody', '--members']);
    expect(members).toEqual({ code: 1, stdout: '', stderr: "error: Consumer group 'nobody' does not exist.\n" });
    const offsets = await runCli(['groups', '--bootstrap-server', B, '--delete-offsets', '--group', 'nobody', '--topic', TOPIC]);
    expect(offsets).toEqual({ code: 1, stdout: '', stderr: "error: 'nobody' does not exist.\n" });
  });

  it('fails with one line and exit code 1 on a wrong bootstrap server and bad arguments', async () => {
    const port = await closedPort();
    const r = await runCli(['groups', '--bootstrap-server', `127.0.0.1:${port}`, '--list']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
    const d = await runCli(['groups', '--bootstrap-server', `127.0.0.1:${port}`, '--describe', '--group', 'g']);
    expect(d).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });

    const cases: [string[], string][] = [
      [['--describe'], 'Option "--describe" takes one of these options: --all-groups, --group'],
      [['--list', '--describe'], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'],
      [['--reset-offsets', '--group', 'g', '--to-earliest'], 'One of the reset scopes should be defined: --all-topics, --topic.'],
      [['--reset-offsets', '--group', 'g', '--all-topics'], 'One of the reset specifications should be defined: --to-datetime, --by-duration, --to-earliest, --to-latest, --to-current, --to-offset, --shift-by.'],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--to-latest', '--dry-run', '--execute'], 'Option "--dry-run" can\'t be used with option "--execute"'],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--to-offset', 'x'], "--to-offset must be an integer, not 'x'."],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--to-datetime', 'yesterday'], "Error parsing datetime 'yesterday': expected format yyyy-MM-dd'T'HH:mm:ss.SSS, optionally followed by a time zone (Z, +HH:mm)"],
      [['--list', '--state', 'Sleeping'], "Invalid state list 'Sleeping'. Valid states are: Unknown, PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling"],
      [['--list', '--to-earliest'], 'Option "--to-earliest" can\'t be used with option "--list"'],
      [['--reset-offsets', '--group', 'g', '--topic', 'ghost', '--to-earliest'], "Topic 'ghost' does not exist."],
    ];
    const results = await Promise.all(cases.map(async ([args]) => ({ args, ...(await runCli(['groups', '--bootstrap-server', B, ...args])) })));
    expect(results).toEqual(cases.map(([args, message]) => ({ args, code: 1, stdout: '', stderr: `error: ${message}\n` })));
  });
});
