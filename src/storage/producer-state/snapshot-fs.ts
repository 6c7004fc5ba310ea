/**
 * The file operations producer-state snapshots need, and an adapter from the project's StorageFs
 * (src/storage/fs/storage-fs.ts) so either shape can be injected.
 */
import type { StorageFs } from '../fs/storage-fs.js';
import type { ProducerSnapshotFs } from './types.js';

function isSnapshotFs(fs: ProducerSnapshotFs | StorageFs): fs is ProducerSnapshotFs {
  return typeof (fs as Partial<ProducerSnapshotFs>).writeFileSync === 'function';
}

/** Use a minimal synchronous fs as is, or wrap a StorageFs. */
export function toProducerSnapshotFs(fs: ProducerSnapshotFs | StorageFs): ProducerSnapshotFs {
  if (isSnapshotFs(fs)) return fs;
  return {
    writeFileSync: (path, data) => fs.writeFile(path, data),
    readFileSync: (path) => fs.readFile(path),
    readdirSync: (dir) => fs.readdir(dir),
    unlinkSync: (path) => fs.unlink(path),
    renameSync: (from, to) => fs.rename(from, to),
    existsSync: (path) => fs.exists(path),
    fsyncFileSync: (path) => {
      const fd = fs.open(path, 'read');
      try {
        fs.fsync(fd);
      } finally {
        fs.close(fd);
      }
    },
  };
}
