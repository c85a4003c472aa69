import { describe, expect, it } from 'vitest';
import { createPartitionProgress } from '../../services/scoring/consumer/partition-progress.ts';

describe('partition progress', () => {
  it('calls a partition stalled once it has failed for the threshold since its first failure', () => {
    const progress = createPartitionProgress(30_000);
    progress.failed(2, 1_000, 40, 'UNKNOWN_TABLE');
    progress.failed(2, 16_000, 45, 'UNKNOWN_TABLE');
    expect(progress.stalled(30_999)).toEqual([]);
    expect(progress.stalled(31_000)).toEqual([{ partition: 2, since: 1_000, behind: 45, lastError: 'UNKNOWN_TABLE' }]);
    progress.progressed(2);
    expect(progress.stalled(60_000)).toEqual([]);
    expect(progress.failing()).toEqual([]);
  });
});
