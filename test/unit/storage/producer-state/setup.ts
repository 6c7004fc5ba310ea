import { expect } from 'vitest';
import {
  ProducerAppendInfo,
  ProducerStateManager,
  type PrepareAppendOptions,
  type PrepareAppendResult,
} from '../../../../src/storage/producer-state/index.js';
import { FakeClock, MemFs, batch, type BatchSpec } from './helpers.js';

export const DIR = '/data/topic-0';

export function newManager(fs = new MemFs(), clock = new FakeClock(), expirationMs?: number) {
  fs.mkdir(DIR);
  const psm = new ProducerStateManager({ dir: DIR, fs, time: clock.time, producerIdExpirationMs: expirationMs, partitionName: 'topic-0' });
  return { fs, clock, psm };
}

/** A tiny log: assigns offsets like a leader and commits producer state after "appending". */
export class FakeLog {
  nextOffset = 0n;
  readonly appended: { spec: BatchSpec; baseOffset: bigint }[] = [];
  constructor(readonly psm: ProducerStateManager) {}

  produce(spec: BatchSpec, options?: PrepareAppendOptions): PrepareAppendResult {
    const header = batch(spec);
    const r = this.psm.prepareAppend(header, options);
    if (r.kind === 'append') {
      const first = this.nextOffset;
      const last = first + BigInt(header.lastOffsetDelta);
      this.appended.push({ spec, baseOffset: first });
      this.psm.commitAppend(r, first, last, spec.maxTimestamp ?? 1000n);
      this.nextOffset = last + 1n;
    }
    return r;
  }

  ok(spec: BatchSpec, options?: PrepareAppendOptions): void {
    const r = this.produce(spec, options);
    expect(r.kind, r.kind === 'error' ? r.message : '').toBe('append');
  }
}

export function expectError(r: PrepareAppendResult, code: number): void {
  expect(r.kind).toBe('error');
  if (r.kind === 'error') expect(r.errorCode).toBe(code);
}

export function expectAppend(r: PrepareAppendResult): ProducerAppendInfo {
  expect(r.kind, r.kind === 'error' ? r.message : '').toBe('append');
  return r as ProducerAppendInfo;
}
