/**
 * `gregor groups`: kafka-consumer-groups over the wire. One action per call:
 * --list (optionally with --state [filter]), --describe (offsets and lag by default, or --members,
 * --state), --reset-offsets (a plan with --dry-run, the default, or committed with --execute),
 * --delete and --delete-offsets. Messages follow kafka-consumer-groups; --json prints
 * machine-readable results. Every failure is one `error: ...` line and exit code 1.
 */
import type { Command } from 'commander';
import { Admin, listOffsets, OffsetSpec, type GroupDescription, type GroupOffset, type KafkaClient, type TopicPartition } from '../client/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { action, clientProperties, collect, createClient, renderTable, toJson, unknownTopicMessage, UsageError, withClient, writeOut } from './common.js';

interface GroupsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  list?: boolean;
  describe?: boolean;
  resetOffsets?: boolean;
  delete?: boolean;
  deleteOffsets?: boolean;
  group: string[];
  allGroups?: boolean;
  members?: boolean;
  offsets?: boolean;
  state?: boolean | string;
  verbose?: boolean;
  topic: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  toDatetime?: string;
  byDuration?: string;
  shiftBy?: string;
  dryRun?: boolean;
  execute?: boolean;
  json?: boolean;
}

/** ConsumerGroupState names, matched without regard to case as Kafka does. */
const GROUP_STATES = ['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];

const ACTIONS = ['list', 'describe', 'resetOffsets', 'delete', 'deleteOffsets'] as const;
type Act = (typeof ACTIONS)[number];
const FLAG: Record<Act, string> = { list: '--list', describe: '--describe', resetOffsets: '--reset-offsets', delete: '--delete', deleteOffsets: '--delete-offsets' };

export function registerGroupsCommand(program: Command): void {
  program
    .command('groups')
    .description('list, describe, reset offsets of and delete consumer groups (like kafka-consumer-groups)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--command-config <file>', 'client properties file')
    .option('--list', 'list consumer groups')
    .option('--describe', 'describe consumer groups: offsets and lag (default), --members or --state')
    .option('--reset-offsets', "reset a group's committed offsets (a plan unless --execute)")
    .option('--delete', 'delete consumer groups')
    .option('--delete-offsets', "delete a group's committed offsets of topics")
    .option('--group <group>', 'consumer group (repeatable)', collect, [])
    .option('--all-groups', 'every consumer group')
    .option('--members', 'with --describe: the members')
    .option('--offsets', 'with --describe: offsets and lag (the default view)')
    .option('--state [states]', 'with --describe: the group state; with --list: show states, or only groups in these (comma-separated) states')
    .option('--verbose', 'with --describe --members: assignments and group instance ids')
    .option('--topic <topic[:p,...]>', 'with --reset-offsets/--delete-offsets: a topic, optionally only some partitions (repeatable)', collect, [])
    .option('--all-topics', 'with --reset-offsets: every topic the group has offsets for')
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-current', 'reset to the current offset')
    .option('--to-offset <n>', 'reset to this offset')
    .option('--to-datetime <datetime>', 'reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss (local time, or with Z / +HH:mm)')
    .option('--by-duration <duration>', 'reset to the first offset at or after now minus PnDTnHnMnS')
    .option('--shift-by <n>', 'move the current offset by n (may be negative)')
    .option('--dry-run', 'only print the new offsets (the default)')
    .option('--execute', 'commit the new offsets')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: GroupsOptions) => {
        const acts = ACTIONS.filter((a) => opts[a]);
        if (acts.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
        const act = acts[0]!;
        checkArgs(opts, act);
        const client = createClient(opts.bootstrapServer!, clientProperties(opts.commandConfig, [], 'client property'), 'gregor-groups');
        await withClient(client, async () => {
          switch (act) {
            case 'list':
              return listGroups(client, opts);
            case 'describe':
              return describeGroups(client, opts);
            case 'resetOffsets':
              return resetOffsets(client, opts);
            case 'delete':
              return deleteGroups(client, opts);
            case 'deleteOffsets':
              return deleteOffsets(client, opts);
          }
        });
      }),
    );
}

// ---- arguments

function checkArgs(opts: GroupsOptions, act: Act): void {
  const only = (flag: string, set: unknown, allowed: Act[]) => {
    if (set !== undefined && set !== false && !(Array.isArray(set) && set.length === 0) && !allowed.includes(act)) {
      throw new UsageError(`Option "${flag}" can't be used with option "${FLAG[act]}"`);
    }
  };
  only('--group', opts.group, ['describe', 'resetOffsets', 'delete', 'deleteOffsets']);
  only('--all-groups', opts.allGroups, ['describe', 'resetOffsets', 'delete']);
  only('--members', opts.members, ['describe']);
  only('--offsets', opts.offsets, ['describe']);
  only('--state', opts.state, ['describe', 'list']);
  only('--verbose', opts.verbose, ['describe']);
  only('--topic', opts.topic, ['resetOffsets', 'deleteOffsets']);
  only('--all-topics', opts.allTopics, ['resetOffsets']);
  for (const [flag, v] of [
    ['--to-earliest', opts.toEarliest],
    ['--to-latest', opts.toLatest],
    ['--to-current', opts.toCurrent],
    ['--to-offset', opts.toOffset],
    ['--to-datetime', opts.toDatetime],
    ['--by-duration', opts.byDuration],
    ['--shift-by', opts.shiftBy],
    ['--dry-run', opts.dryRun],
    ['--execute', opts.execute],
  ] as const) {
    only(flag, v, ['resetOffsets']);
  }
  if (['describe', 'resetOffsets', 'delete'].includes(act)) {
    if (opts.group.length === 0 && !opts.allGroups) throw new UsageError(`Option "${FLAG[act]}" takes one of these options: --all-groups, --group`);
    if (opts.group.length > 0 && opts.allGroups) throw new UsageError('Option "--all-groups" can\'t be used with option "--group"');
  }
  if (act === 'describe' && [opts.members, opts.offsets, opts.state].filter((x) => x !== undefined && x !== false).length > 1) {
    throw new UsageError('Option "--describe" takes at most one of these options: --members, --offsets, --state');
  }
  if (act === 'describe' && typeof opts.state === 'string') throw new UsageError('Option "--state" takes no value with "--describe"');
  if (act === 'deleteOffsets') {
    if (opts.group.length !== 1) throw new UsageError('Option "--delete-offsets" takes exactly one --group');
    if (opts.topic.length === 0) throw new UsageError('Option "--delete-offsets" takes the following options: --topic');
  }
  if (act === 'resetOffsets') {
    if (opts.topic.length === 0 && !opts.allTopics) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
    if (opts.topic.length > 0 && opts.allTopics) throw new UsageError('Option "--all-topics" can\'t be used with option "--topic"');
    const specs = [opts.toEarliest, opts.toLatest, opts.toCurrent, opts.toOffset, opts.toDatetime, opts.byDuration, opts.shiftBy].filter((x) => x !== undefined && x !== false);
    if (specs.length !== 1) {
      throw new UsageError('One of the reset specifications should be defined: --to-datetime, --by-duration, --to-earliest, --to-latest, --to-current, --to-offset, --shift-by.');
    }
    if (opts.dryRun && opts.execute) throw new UsageError('Option "--dry-run" can\'t be used with option "--execute"');
    if (opts.toOffset !== undefined) parseLong(opts.toOffset, '--to-offset', 0n);
    if (opts.shiftBy !== undefined) parseLong(opts.shiftBy, '--shift-by');
    if (opts.toDatetime !== undefined) parseDateTime(opts.toDatetime);
    if (opts.byDuration !== undefined) parseDuration(opts.byDuration);
  }
  for (const t of opts.topic) parseTopicSpec(t);
}

function parseLong(text: string, flag: string, min?: bigint): bigint {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} must be an integer, not '${text}'.`);
  const n = BigInt(text.trim());
  if (min !== undefined && n < min) throw new UsageError(`${flag} must be >= ${min}.`);
  return n;
}

/** Kafka's --to-datetime: yyyy-MM-dd'T'HH:mm:ss.SSS, local time unless a zone (Z, +HH:mm, +HHmm) follows. */
export function parseDateTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  const bad = () => new UsageError(`Error parsing datetime '${text}': expected format yyyy-MM-dd'T'HH:mm:ss.SSS, optionally followed by a time zone (Z, +HH:mm)`);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const millis = Number((ms ?? '0').padEnd(3, '0'));
  let t: number;
  if (zone === undefined) {
    t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis).getTime();
  } else {
    t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
    if (zone !== 'Z') {
      const z = zone.replace(':', '');
      const offsetMin = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * (z[0] === '-' ? -1 : 1);
      t -= offsetMin * 60_000;
    }
  }
  const dayExists = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() === Number(d);
  if (!Number.isFinite(t) || !dayExists || Number(mo) > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad();
  return t;
}

/** ISO-8601 duration PnDTnHnMnS (Kafka's --by-duration) in milliseconds. */
function parseDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) throw new UsageError(`Error parsing duration '${text}': expected PnDTnHnMnS`);
  const [, d, h, mi, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

/** "topic" or "topic:0,1,2". */
function parseTopicSpec(spec: string): { topic: string; partitions: number[] | null } {
  const i = spec.indexOf(':');
  if (i < 0) {
    if (spec === '') throw new UsageError('--topic needs a topic name');
    return { topic: spec, partitions: null };
  }
  const topic = spec.slice(0, i);
  const parts = spec.slice(i + 1).split(',').map((s) => s.trim());
  if (topic === '' || parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`Invalid --topic '${spec}': expected TOPIC or TOPIC:PARTITION[,PARTITION...]`);
  return { topic, partitions: parts.map(Number) };
}

/** The partitions named by --topic options (all of a topic's partitions when none are listed). */
async function topicPartitions(client: KafkaClient, specs: readonly string[]): Promise<TopicPartition[]> {
  const out: TopicPartition[] = [];
  for (const spec of specs) {
    const { topic, partitions } = parseTopicSpec(spec);
    let md;
    try {
      md = await client.topicMetadata(topic);
    } catch (err) {
      throw new UsageError(unknownTopicMessage(err, topic));
    }
    const existing = md.partitions.map((p) => p.partition);
    for (const p of partitions ?? existing) {
      if (!existing.includes(p)) throw new UsageError(`Partition ${p} of topic '${topic}' does not exist (the topic has ${existing.length} partitions).`);
      if (!out.some((x) => x.topic === topic && x.partition === p)) out.push({ topic, partition: p });
    }
  }
  return out;
}

const tpKey = (t: TopicPartition) => `${t.topic}\u0000${t.partition}`;
const byTopicPartition = (a: TopicPartition, b: TopicPartition) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);

/** The groups named by --group, or all consumer groups (--all-groups). */
async function targetGroups(admin: Admin, opts: GroupsOptions): Promise<string[]> {
  if (!opts.allGroups) return [...new Set(opts.group)];
  return (await consumerGroups(admin)).map((g) => g.groupId);
}

/** Like kafka-consumer-groups: groups of the consumer protocol, and offsets-only ("simple") groups. */
async function consumerGroups(admin: Admin, states?: string[]) {
  return (await admin.listGroups({ states })).filter((g) => g.protocolType === 'consumer' || g.protocolType === '');
}

// ---- --list

async function listGroups(client: KafkaClient, opts: GroupsOptions): Promise<void> {
  const admin = new Admin(client);
  let states: string[] | undefined;
  if (typeof opts.state === 'string') {
    states = opts.state.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const canonical = GROUP_STATES.find((x) => x.toLowerCase() === s.toLowerCase());
      if (!canonical) throw new UsageError(`Invalid state list '${opts.state}'. Valid states are: ${GROUP_STATES.join(', ')}`);
      return canonical;
    });
  }
  const groups = await consumerGroups(admin, states);
  if (opts.json) {
    await writeOut(toJson(groups.map((g) => ({ group: g.groupId, state: g.state || null }))) + '\n');
  } else if (opts.state !== undefined && opts.state !== false) {
    await writeOut(renderTable(['GROUP', 'STATE'], groups.map((g) => [g.groupId, g.state || 'Unknown'])));
  } else {
    await writeOut(groups.map((g) => g.groupId + '\n').join(''));
  }
}

// ---- --describe

interface OffsetRow {
  group: string;
  topic: string | null;
  partition: number | null;
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

/** Latest offsets of partitions; a partition whose log end cannot be read (topic deleted) is left out. */
async function logEndOffsets(client: KafkaClient, partitions: readonly TopicPartition[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (partitions.length === 0) return out;
  try {
    for (const l of await listOffsets(client, partitions.map((p) => ({ ...p, timestamp: OffsetSpec.Latest })))) out.set(tpKey(l), l.offset);
  } catch {
    // One at a time, so that one missing topic does not hide the others.
    for (const p of partitions) {
      const r = await listOffsets(client, [{ ...p, timestamp: OffsetSpec.Latest }]).catch(() => null);
      if (r?.[0]) out.set(tpKey(p), r[0].offset);
    }
  }
  return out;
}

/** The default view's rows: assigned partitions with their member, then partitions with offsets but no member, then members without partitions. */
async function offsetRows(client: KafkaClient, admin: Admin, d: GroupDescription): Promise<OffsetRow[]> {
  const committed = await admin.listGroupOffsets(d.groupId);
  const committedBy = new Map(committed.map((c) => [tpKey(c), c.offset]));
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of d.members) for (const tp of m.assignment) owner.set(tpKey(tp), m);
  const all = new Map<string, TopicPartition>();
  for (const m of d.members) for (const tp of m.assignment) all.set(tpKey(tp), tp);
  for (const c of committed) all.set(tpKey(c), { topic: c.topic, partition: c.partition });
  const partitions = [...all.values()].sort(byTopicPartition);
  const ends = await logEndOffsets(client, partitions);
  const rows: OffsetRow[] = partitions.map((tp) => {
    const k = tpKey(tp);
    const current = committedBy.get(k) ?? null;
    const end = ends.get(k) ?? null;
    const m = owner.get(k);
    return {
      group: d.groupId,
      topic: tp.topic,
      partition: tp.partition,
      currentOffset: current,
      logEndOffset: end,
      lag: current !== null && end !== null ? (end > current ? end - current : 0n) : null,
      consumerId: m?.memberId ?? null,
      host: m?.clientHost ?? null,
      clientId: m?.clientId ?? null,
    };
  });
  for (const m of d.members) {
    if (m.assignment.length === 0) rows.push({ group: d.groupId, topic: null, partition: null, currentOffset: null, logEndOffset: null, lag: null, consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
  }
  return rows;
}

function coordinatorText(d: GroupDescription): string {
  return `${d.coordinator.host}:${d.coordinator.port} (${d.coordinator.nodeId})`;
}

async function describeGroups(client: KafkaClient, opts: GroupsOptions): Promise<void> {
  const admin = new Admin(client);
  const ids = await targetGroups(admin, opts);
  const described = await admin.describeGroups(ids);
  const view = opts.members ? 'members' : opts.state ? 'state' : 'offsets';
  const missing = described.find((d) => d.state === 'Dead');
  if (missing && !opts.allGroups) throw new UsageError(`Consumer group '${missing.groupId}' does not exist.`);
  const groups = described.filter((d) => d.state !== 'Dead');

  const notes = (d: GroupDescription) => {
    if (view === 'state') return;
    if (d.state === 'Empty') process.stderr.write(`Consumer group '${d.groupId}' has no active members.\n`);
    else if (d.state === 'PreparingRebalance' || d.state === 'CompletingRebalance') process.stderr.write(`Warning: Consumer group '${d.groupId}' is rebalancing.\n`);
  };

  const tables: string[] = [];
  const json: unknown[] = [];
  for (const d of groups) {
    notes(d);
    const summary = {
      group: d.groupId,
      state: d.state,
      coordinator: { id: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port },
      assignmentStrategy: d.protocol,
      members: d.members.map((m) => ({
        consumerId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        host: m.clientHost,
        clientId: m.clientId,
        partitions: [...m.assignment].sort(byTopicPartition),
      })),
    };
    if (view === 'state') {
      if (opts.json) json.push(summary);
      else tables.push(renderTable(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[d.groupId, coordinatorText(d), d.protocol || '', d.state, d.members.length]]));
    } else if (view === 'members') {
      if (opts.json) json.push(summary);
      else if (d.members.length > 0) {
        const assignmentText = (ps: TopicPartition[]) => {
          if (ps.length === 0) return '-';
          const by = new Map<string, number[]>();
          for (const p of [...ps].sort(byTopicPartition)) by.set(p.topic, [...(by.get(p.topic) ?? []), p.partition]);
          return [...by].map(([t, list]) => `${t}(${list.join(',')})`).join(', ');
        };
        tables.push(
          opts.verbose
            ? renderTable(
                ['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
                d.members.map((m) => [d.groupId, m.memberId, m.groupInstanceId ?? '-', m.clientHost, m.clientId, m.assignment.length, assignmentText(m.assignment)]),
              )
            : renderTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], d.members.map((m) => [d.groupId, m.memberId, m.clientHost, m.clientId, m.assignment.length])),
        );
      }
    } else {
      const rows = await offsetRows(client, admin, d);
      if (opts.json) json.push({ ...summary, offsets: rows });
      else if (rows.length > 0) {
        tables.push(
          renderTable(
            ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
            rows.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]),
          ),
        );
      }
    }
  }
  await writeOut(opts.json ? toJson(json) + '\n' : tables.join('\n'));
}

// ---- --reset-offsets

interface PlannedOffset extends TopicPartition {
  group: string;
  newOffset: bigint;
}

async function listAt(client: KafkaClient, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
  if (partitions.length === 0) return new Map();
  const listed = await listOffsets(client, partitions.map((p) => ({ ...p, timestamp })));
  return new Map(listed.map((l) => [tpKey(l), l.offset]));
}

/** Kafka's checkOffsetRange: an offset outside [earliest, latest] moves to the nearest end, with a warning. */
function clamp(tp: TopicPartition, offset: bigint, earliest: bigint, latest: bigint): bigint {
  if (offset > latest) {
    process.stderr.write(`New offset (${offset}) is higher than latest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${latest}\n`);
    return latest;
  }
  if (offset < earliest) {
    process.stderr.write(`New offset (${offset}) is lower than earliest offset for topic partition ${tp.topic}-${tp.partition}. Value will be set to ${earliest}\n`);
    return earliest;
  }
  return offset;
}

async function planReset(client: KafkaClient, admin: Admin, groupId: string, opts: GroupsOptions): Promise<PlannedOffset[]> {
  const committed: GroupOffset[] = await admin.listGroupOffsets(groupId);
  const committedBy = new Map(committed.map((c) => [tpKey(c), c.offset]));
  const partitions = (opts.allTopics ? committed.map((c) => ({ topic: c.topic, partition: c.partition })) : await topicPartitions(client, opts.topic)).sort(byTopicPartition);
  const plan = (f: (tp: TopicPartition) => bigint) => partitions.map((tp) => ({ group: groupId, topic: tp.topic, partition: tp.partition, newOffset: f(tp) }));
  if (partitions.length === 0) return [];

  if (opts.toEarliest) {
    const e = await listAt(client, partitions, OffsetSpec.Earliest);
    return plan((tp) => e.get(tpKey(tp))!);
  }
  if (opts.toLatest) {
    const l = await listAt(client, partitions, OffsetSpec.Latest);
    return plan((tp) => l.get(tpKey(tp))!);
  }
  if (opts.toDatetime !== undefined || opts.byDuration !== undefined) {
    const ts = opts.toDatetime !== undefined ? parseDateTime(opts.toDatetime) : Date.now() - parseDuration(opts.byDuration!);
    const at = await listAt(client, partitions, BigInt(ts));
    const missing = partitions.filter((tp) => (at.get(tpKey(tp)) ?? -1n) < 0n);
    // No record at or after that time: the log end, as Kafka does.
    const l = await listAt(client, missing, OffsetSpec.Latest);
    return plan((tp) => {
      const o = at.get(tpKey(tp)) ?? -1n;
      return o >= 0n ? o : l.get(tpKey(tp))!;
    });
  }
  const e = await listAt(client, partitions, OffsetSpec.Earliest);
  const l = await listAt(client, partitions, OffsetSpec.Latest);
  if (opts.toCurrent) {
    return plan((tp) => committedBy.get(tpKey(tp)) ?? l.get(tpKey(tp))!);
  }
  if (opts.toOffset !== undefined) {
    const target = parseLong(opts.toOffset, '--to-offset', 0n);
    return plan((tp) => clamp(tp, target, e.get(tpKey(tp))!, l.get(tpKey(tp))!));
  }
  const shift = parseLong(opts.shiftBy!, '--shift-by');
  return plan((tp) => {
    const current = committedBy.get(tpKey(tp));
    if (current === undefined) throw new UsageError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`);
    return clamp(tp, current + shift, e.get(tpKey(tp))!, l.get(tpKey(tp))!);
  });
}

async function resetOffsets(client: KafkaClient, opts: GroupsOptions): Promise<void> {
  const admin = new Admin(client);
  const ids = await targetGroups(admin, opts);
  const described = await admin.describeGroups(ids);
  const all: PlannedOffset[] = [];
  for (const d of described) {
    if (d.state !== 'Empty' && d.state !== 'Dead') {
      throw new UsageError(`Assignments can only be reset if the group '${d.groupId}' is inactive, but the current state is ${d.state}.`);
    }
    const planned = await planReset(client, admin, d.groupId, opts);
    if (opts.execute && planned.length > 0) {
      const results = await admin.alterGroupOffsets(d.groupId, planned.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.newOffset })));
      const failed = results.find((r) => r.error);
      if (failed) {
        if (failed.error!.code === ErrorCode.UNKNOWN_MEMBER_ID || failed.error!.code === ErrorCode.ILLEGAL_GENERATION) {
          throw new UsageError(`Assignments can only be reset if the group '${d.groupId}' is inactive: a member joined it (${failed.error!.message})`);
        }
        throw new UsageError(`Error setting offsets of ${failed.topic}-${failed.partition} for group '${d.groupId}': ${failed.error!.message}`);
      }
    }
    all.push(...planned);
  }
  if (!opts.dryRun && !opts.execute) {
    process.stderr.write(
      'WARN: No action will be performed as the --execute option is missing. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    );
  }
  if (opts.json) {
    await writeOut(toJson(all.map((p) => ({ group: p.group, topic: p.topic, partition: p.partition, newOffset: p.newOffset, executed: opts.execute === true }))) + '\n');
  } else {
    await writeOut(renderTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], all.map((p) => [p.group, p.topic, p.partition, p.newOffset])));
  }
}

// ---- --delete

async function deleteGroups(client: KafkaClient, opts: GroupsOptions): Promise<void> {
  const admin = new Admin(client);
  const ids = await targetGroups(admin, opts);
  const results = await admin.deleteGroups(ids);
  const ok = results.filter((r) => !r.error).map((r) => r.name);
  const failed = results.filter((r) => r.error);
  if (opts.json) {
    await writeOut(toJson(results.map((r) => ({ group: r.name, deleted: !r.error, error: r.error?.message ?? null }))) + '\n');
  } else if (ok.length > 0) {
    await writeOut(
      failed.length === 0
        ? `Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.\n`
        : `These consumer groups were deleted successfully: ${ok.map((g) => `'${g}'`).join(', ')}\n`,
    );
  }
  if (failed.length > 0) {
    throw new UsageError(`Deletion of some consumer groups failed: ${failed.map((r) => `Group '${r.name}' could not be deleted due to: ${groupErrorText(r.error!.code, r.error!.message)}`).join('; ')}`);
  }
}

function groupErrorText(code: number, message: string): string {
  if (code === ErrorCode.NON_EMPTY_GROUP) return 'GroupNotEmptyException: The group is not empty.';
  if (code === ErrorCode.GROUP_ID_NOT_FOUND) return 'GroupIdNotFoundException: The group id does not exist.';
  return message;
}

// ---- --delete-offsets

async function deleteOffsets(client: KafkaClient, opts: GroupsOptions): Promise<void> {
  const admin = new Admin(client);
  const groupId = opts.group[0]!;
  const partitions = await topicPartitions(client, opts.topic);
  let results;
  try {
    results = await admin.deleteGroupOffsets(groupId, partitions);
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === ErrorCode.GROUP_ID_NOT_FOUND) throw new UsageError(`'${groupId}' does not exist.`);
    if (code === ErrorCode.NON_EMPTY_GROUP) throw new UsageError(`Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`);
    if (code === ErrorCode.INVALID_GROUP_ID) throw new UsageError(`'${groupId}' is not valid.`);
    throw err;
  }
  results.sort(byTopicPartition);
  const failed = results.some((r) => r.error);
  if (opts.json) {
    await writeOut(toJson(results.map((r) => ({ topic: r.topic, partition: r.partition, error: r.error?.message ?? null }))) + '\n');
  } else {
    if (!failed) await writeOut(`Request succeed for deleting offsets with topic ${[...new Set(partitions.map((p) => p.topic))].join(', ')} group ${groupId}\n\n`);
    await writeOut(renderTable(['TOPIC', 'PARTITION', 'STATUS'], results.map((r) => [r.topic, r.partition, r.error ? `Error: ${r.error.message}` : 'Successful'])));
  }
  if (failed) throw new UsageError('Encounter some partition level error, see the follow-up details above.');
}
