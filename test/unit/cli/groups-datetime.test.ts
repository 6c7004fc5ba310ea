import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/common.js';
import { parseDateTime } from '../../../src/cli/groups.js';

describe('gregor groups --to-datetime parsing', () => {
  it("reads Kafka's yyyy-MM-dd'T'HH:mm:ss.SSS as local time, or with a zone", () => {
    expect(parseDateTime('2024-03-01T10:20:30.456')).toBe(new Date(2024, 2, 1, 10, 20, 30, 456).getTime());
    expect(parseDateTime('2024-03-01T10:20:30.456Z')).toBe(Date.UTC(2024, 2, 1, 10, 20, 30, 456));
    expect(parseDateTime('2024-03-01T10:20:30.456+02:00')).toBe(Date.UTC(2024, 2, 1, 8, 20, 30, 456));
    expect(parseDateTime('2024-03-01T10:20:30-0130')).toBe(Date.UTC(2024, 2, 1, 11, 50, 30));
  });

  it('rejects anything else', () => {
    for (const bad of ['2024-03-01', '2024-13-01T00:00:00.000Z', '2024-02-30T00:00:00.000Z', '2024-02-30T00:00:00.000', '2024-03-01T24:00:00.000', 'now']) {
      expect(() => parseDateTime(bad), bad).toThrow(UsageError);
    }
  });
});
