import { describe, expect, it } from '@jest/globals';
import { RecentIds } from '../../../src/writeback/recent-ids.ts';

describe('RecentIds', () => {
  it('remembers ids up to its capacity, dropping the oldest first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.add(id);
    ids.add('a'); // seen again: now the newest
    ids.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});
