/** Record batches v2: header view, iteration, validation, patching, building, codecs, control and legacy records. */
export * from './batch-header.js';
export * from './batch-iterator.js';
export * from './batch-patch.js';
export * from './build-batch.js';
export * from './compression/index.js';
export * from './control-records.js';
export * from './errors.js';
export * from './legacy.js';
export * from './read-records.js';
export * from './record.js';
export * from './validate.js';
export { crc32c, crc32cImplementation, type Crc32cImplementation } from '../crc32c.js';
