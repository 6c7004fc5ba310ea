/**
 * The coordinator runtime on its own, with a toy state machine (a key-value register): records
 * are appended then replayed, responses wait for the high watermark, failed appends change
 * nothing, loading is a replay, timers run as write operations, unloading answers NOT_COORDINATOR.
 */
import { describe, expect, it } from 'vitest';
import { CoordinatorRuntime, type CoordinatorResult, type CoordinatorShard, type ShardContext } from '../../../src/coordinator/runtime/coordinator-runtime.js';
import { MemoryCoordinatorLog } from '../../../src/coordinator/runtime/memory-coordinator-log.js';
import { silentLogger } from '../../../src/logger.js';
import { ErrorCode, KafkaError } from '../../../src/protocol/error-codes.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import { flush, track } from './harness.js';

interface Put {
  key: string;
  value: string | null;
}

class Register implements CoordinatorShard<Put> {
  readonly values = new Map<string, string>();
  readonly replayed: bigint[] = [];
  loaded = false;
  unloaded = false;

  constructor(readonly ctx: ShardContext<Put>) {}

  replay(offset: bigint, _pid: bigint, _epoch: number, r: Put): void {
    this.replayed.push(offset);
    if (r.value === null) this.values.delete(r.key);
    else this.values.set(r.key, r.value);
  }

  onLoaded(): void {
    this.loaded = true;
  }

  onUnloaded(): void {
    this.unloaded = true;
  }

  put(key: string, value: string | null): CoordinatorResult<string, Put> {
    return { records: [{ key, value }], response: `ok ${key}` };
  }
}

const serde = {
  serialize: (r: Put) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value) }),
  deserialize: (key: Buffer, value: Buffer | null) => ({ key: key.toString(), value: value === null ? null : value.toString() }),
};

function runtime(scheduler = new ManualScheduler(0)) {
  return new CoordinatorRuntime<Register, Put>({
    name: 'test',
    serde,
    newShard: (ctx) => new Register(ctx),
    scheduler,
    now: () => scheduler.now(),
    log: silentLogger(),
    writeTimeoutMs: 1000,
  });
}

describe('CoordinatorRuntime', () => {
  it('appends, replays, and releases the response once the records are committed', async () => {
    const log = new MemoryCoordinatorLog(false);
    const rt = runtime();
    rt.load(0, log);
    const r = track(rt.write('put', 0, (s) => s.put('a', '1')));
    await flush();
    // Applied right after the append, answered only after the commit.
    expect(rt.shard(0).values.get('a')).toBe('1');
    expect(r.done).toBe(false);
    // A read-only operation after it also waits for that write.
    const after = track(rt.write('read', 0, (s) => ({ records: [], response: s.values.get('a') })));
    await flush();
    expect(after.done).toBe(false);
    log.commitTo(1n);
    await flush();
    expect(r.value).toBe('ok a');
    expect(after.value).toBe('1');
  });

  it('a failed append replays nothing, calls onComplete with the error and rejects', async () => {
    const log = new MemoryCoordinatorLog();
    const rt = runtime();
    rt.load(0, log);
    log.failNextAppend(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    let completed: KafkaError | null | undefined;
    await expect(rt.write('put', 0, (s) => ({ ...s.put('a', '1'), onComplete: (e) => void (completed = e) }))).rejects.toMatchObject({ code: ErrorCode.NOT_LEADER_OR_FOLLOWER });
    expect(completed?.code).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(rt.shard(0).values.size).toBe(0);
    expect(log.logEndOffset).toBe(0n);
  });

  it('replayRecords: false writes without replaying (the operation changed the state itself)', async () => {
    const log = new MemoryCoordinatorLog();
    const rt = runtime();
    rt.load(0, log);
    await rt.write('put', 0, (s) => ({ ...s.put('a', '1'), replayRecords: false }));
    expect(rt.shard(0).values.size).toBe(0);
    // ...but a reload replays them.
    rt.load(0, log);
    expect(rt.shard(0).values.get('a')).toBe('1');
  });

  it('loading replays the whole log in offset order, tombstones included, then calls onLoaded', async () => {
    const log = new MemoryCoordinatorLog();
    const first = runtime();
    first.load(0, log);
    await first.write('puts', 0, () => ({ records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], response: null }));
    await first.write('del', 0, (s) => s.put('a', null));
    const second = runtime();
    second.load(0, log);
    const shard = second.shard(0);
    expect(shard.replayed).toEqual([0n, 1n, 2n]);
    expect([...shard.values]).toEqual([['b', '2']]);
    expect(shard.loaded).toBe(true);
  });

  it('timers run as write operations; rescheduling a key replaces it; unloading cancels them', async () => {
    const scheduler = new ManualScheduler(0);
    const log = new MemoryCoordinatorLog();
    const rt = runtime(scheduler);
    rt.load(0, log);
    const shard = rt.shard(0);
    shard.ctx.timer.schedule('k', 100, () => shard.put('timer', 'first'));
    shard.ctx.timer.schedule('k', 200, () => shard.put('timer', 'second'));
    scheduler.advance(150);
    expect(shard.values.get('timer')).toBeUndefined();
    scheduler.advance(50);
    expect(shard.values.get('timer')).toBe('second');
    shard.ctx.timer.schedule('k', 100, () => shard.put('timer', 'third'));
    rt.unload(0);
    scheduler.advance(1000);
    expect(shard.values.get('timer')).toBe('second');
    expect(shard.unloaded).toBe(true);
  });

  it('waiting responses fail with NOT_COORDINATOR on unload; operations on unknown partitions too', async () => {
    const log = new MemoryCoordinatorLog(false);
    const rt = runtime();
    rt.load(0, log);
    const pending = rt.write('put', 0, (s) => s.put('a', '1'));
    rt.unload(0);
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.NOT_COORDINATOR });
    await expect(rt.write('put', 7, (s) => s.put('a', '1'))).rejects.toMatchObject({ code: ErrorCode.NOT_COORDINATOR });
    expect(() => rt.read(7, () => 1)).toThrow(KafkaError);
  });
});
