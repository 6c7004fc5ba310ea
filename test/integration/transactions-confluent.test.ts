/**
 * confluent-kafka-python (librdkafka) transactional producer against Gregor: init_transactions,
 * commit, abort, send_offsets_to_transaction; read_committed consumers with assign() skip the
 * aborted records, read_uncommitted ones see them.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { HERE, PYTHON, pythonHas, startGroupBroker } from './groups-helpers.js';
import { assertSucceeded, run } from './helpers/process.js';

const SCRIPT = join(HERE, 'python', 'transactions', 'confluent_txn.py');

let broker: RunningBroker | null = null;

afterEach(async () => {
  await broker?.close();
  broker = null;
});

describe.skipIf(!pythonHas('confluent_kafka'))('confluent-kafka transactions', () => {
  it('commits, aborts and commits offsets in a transaction; read_committed skips the aborted records', async () => {
    broker = await startGroupBroker({ config: { 'transaction.state.log.num.partitions': 3 } });
    await broker.createTopic('cfk-txn', { partitions: 1 });
    const r = assertSucceeded(await run(PYTHON, [SCRIPT, broker.bootstrap, 'cfk-txn', 'cfk-txn-1', 'cfk-group'], { timeoutMs: 25_000, env: { PYTHONDONTWRITEBYTECODE: '1' } }));
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as { committed: string[]; uncommitted: string[]; group_offset: number };
    expect(result.committed).toEqual(['c1', 'c2', 'c3']);
    expect(result.uncommitted).toEqual(['c1', 'c2', 'a1', 'c3']);
    expect(result.group_offset).toBe(3);
    expect(broker.broker.transactionCoordinator.describe('cfk-txn-1').transactionState).toBe('CompleteCommit');
  }, 30_000);
});
