import { describe, expect, it } from 'vitest';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import {
  MalformedCheckpointError,
  formatOffsetCheckpoint,
  parseOffsetCheckpoint,
  parseProperties,
  readMetaProperties,
  readOffsetCheckpoint,
  readPartitionMetadata,
  writeMetaProperties,
  writeOffsetCheckpoint,
  writePartitionMetadata,
} from '../../../src/storage/checkpoint.js';
import { deleteDirName, filenamePrefixFromOffset, offsetFromFileName, parsePartitionDirName } from '../../../src/storage/file-names.js';

describe('offset checkpoint files', () => {
  it('round-trips in Kafka format', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs');
    const entries = [
      { topic: 'orders', partition: 0, offset: 42n },
      { topic: '__consumer_offsets', partition: 17, offset: 9_007_199_254_740_993n },
    ];
    writeOffsetCheckpoint(fs, '/logs/recovery-point-offset-checkpoint', entries);
    expect(fs.readFile('/logs/recovery-point-offset-checkpoint').toString()).toBe(
      '0\n2\norders 0 42\n__consumer_offsets 17 9007199254740993\n',
    );
    expect(readOffsetCheckpoint(fs, '/logs/recovery-point-offset-checkpoint')).toEqual(entries);
    expect(fs.exists('/logs/recovery-point-offset-checkpoint.tmp')).toBe(false);
    expect(readOffsetCheckpoint(fs, '/logs/missing')).toEqual([]);
    expect(formatOffsetCheckpoint([])).toBe('0\n0\n');
  });

  it('survives a crash right after the write (atomic and fsynced)', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs');
    writeOffsetCheckpoint(fs, '/logs/cp', [{ topic: 't', partition: 0, offset: 1n }]);
    writeOffsetCheckpoint(fs, '/logs/cp', [{ topic: 't', partition: 0, offset: 2n }]);
    fs.crash();
    expect(readOffsetCheckpoint(fs, '/logs/cp')).toEqual([{ topic: 't', partition: 0, offset: 2n }]);
  });

  it('rejects malformed files like Kafka', () => {
    expect(() => parseOffsetCheckpoint('1\n0\n')).toThrow(MalformedCheckpointError);
    expect(() => parseOffsetCheckpoint('0\n2\nt 0 1\n')).toThrow(/expected 2 entries/);
    expect(() => parseOffsetCheckpoint('0\n1\nt zero 1\n')).toThrow(MalformedCheckpointError);
    expect(() => parseOffsetCheckpoint('0\nx\n')).toThrow(MalformedCheckpointError);
    expect(parseOffsetCheckpoint('')).toEqual([]);
  });
});

describe('meta.properties', () => {
  it('reads a file written by Kafka', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs');
    fs.writeFile(
      '/logs/meta.properties',
      '#\n#Tue Nov 21 10:00:00 UTC 2023\nnode.id=1\ndirectory.id=J8aAPcfLQt2bqs1JT_rMgQ\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\n',
    );
    expect(readMetaProperties(fs, '/logs')).toEqual({
      version: 1,
      nodeId: 1,
      clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
      directoryId: 'J8aAPcfLQt2bqs1JT_rMgQ',
    });
  });

  it('round-trips and writes Java properties lines', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs');
    const meta = { version: 1, nodeId: 3, clusterId: 'abc-DEF_123', directoryId: 'J8aAPcfLQt2bqs1JT_rMgQ' };
    writeMetaProperties(fs, '/logs', meta);
    const text = fs.readFile('/logs/meta.properties').toString();
    expect(text.startsWith('#\n#')).toBe(true);
    expect(text).toContain('\nversion=1\n');
    expect(text).toContain('\nnode.id=3\n');
    expect(readMetaProperties(fs, '/logs')).toEqual(meta);
    expect(readMetaProperties(fs, '/nowhere')).toBeNull();
  });

  it('parses Java properties syntax and rejects a v1 file without node.id', () => {
    expect(parseProperties('a = 1\nb:2\n! comment\nc 3\nd=x\\\n  y\ne=a\\:b')).toEqual({ a: '1', b: '2', c: '3', d: 'xy', e: 'a:b' });
    const fs = new MemoryStorageFs();
    fs.mkdir('/l');
    fs.writeFile('/l/meta.properties', 'version=1\ncluster.id=x\n');
    expect(() => readMetaProperties(fs, '/l')).toThrow(MalformedCheckpointError);
  });
});

describe('partition.metadata and names', () => {
  it('round-trips partition.metadata byte for byte', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs/t-0');
    writePartitionMetadata(fs, '/logs/t-0', 'AAAAAAAAAAAAAAAAAAAAAQ');
    expect(fs.readFile('/logs/t-0/partition.metadata').toString()).toBe('version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ');
    expect(readPartitionMetadata(fs, '/logs/t-0')).toEqual({ version: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' });
    fs.writeFile('/logs/t-0/partition.metadata', 'version: 1\ntopic_id: x');
    expect(() => readPartitionMetadata(fs, '/logs/t-0')).toThrow(MalformedCheckpointError);
  });

  it('names segment files and partition directories like Kafka', () => {
    expect(filenamePrefixFromOffset(123n)).toBe('00000000000000000123');
    expect(offsetFromFileName('00000000000000000123.timeindex')).toBe(123n);
    expect(offsetFromFileName('leader-epoch-checkpoint')).toBeNull();
    expect(parsePartitionDirName('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12, kind: 'live' });
    expect(parsePartitionDirName('t-3.0123456789abcdef0123456789abcdef-delete')).toEqual({ topic: 't', partition: 3, kind: 'delete' });
    expect(parsePartitionDirName('notapartition')).toBeNull();
    expect(parsePartitionDirName('t-x')).toBeNull();
    const d = deleteDirName({ topic: 'orders', partition: 4 });
    expect(d).toMatch(/^orders-4\.[0-9a-f]{32}-delete$/);
    expect(parsePartitionDirName(d)).toEqual({ topic: 'orders', partition: 4, kind: 'delete' });
    expect(deleteDirName({ topic: 'x'.repeat(249), partition: 1 }).length).toBe(255);
  });
});
