/** A confluent-kafka (Python, librdkafka) group member in a child process: python/groups_consumer.py. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HERE, PYTHON, waitFor } from './groups-helpers.js';

export interface MemberEvent {
  event: 'ready' | 'assign' | 'revoke' | 'message' | 'error' | 'closed';
  partitions?: number[];
  partition?: number;
  offset?: number;
  value?: string | null;
  error?: string;
  /** Index in the member's event list. */
  seq: number;
}

export class PythonMember {
  readonly events: MemberEvent[] = [];
  readonly owned = new Set<number>();
  readonly stderr: string[] = [];
  private readonly proc: ChildProcessWithoutNullStreams;
  private exited: Promise<number | null>;

  constructor(bootstrap: string, group: string, topic: string, readonly clientId: string, config: Record<string, string | number | boolean> = {}) {
    this.proc = spawn(PYTHON, [join(HERE, 'python', 'groups_consumer.py'), bootstrap, group, topic, clientId, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let e: MemberEvent;
      try {
        e = { ...JSON.parse(line), seq: this.events.length };
      } catch {
        this.stderr.push(line);
        return;
      }
      this.events.push(e);
      if (e.event === 'assign') for (const p of e.partitions!) this.owned.add(p);
      if (e.event === 'revoke') for (const p of e.partitions!) this.owned.delete(p);
    });
    createInterface({ input: this.proc.stderr }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  ready(): Promise<unknown> {
    return waitFor(() => this.events.some((e) => e.event === 'ready'), `${this.clientId} ready (stderr: ${this.stderr.slice(-3).join(' | ')})`);
  }

  ownedSorted(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Partitions assigned or revoked in events after `seq`. */
  changesSince(seq: number, kind: 'assign' | 'revoke'): number[] {
    return this.events.filter((e) => e.seq >= seq && e.event === kind).flatMap((e) => e.partitions!).sort((a, b) => a - b);
  }

  get nextSeq(): number {
    return this.events.length;
  }

  /** Commits, leaves the group (dynamic members) and exits. */
  async close(): Promise<void> {
    this.proc.stdin.write('close\n');
    await this.exited;
  }

  /** Dies at once: no LeaveGroup, no commit. */
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the process whatever state it is in (test cleanup). */
  async dispose(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}
