import { describe, expect, it } from 'vitest';
import { newRunId, RUN_ID_PATTERN } from '../../src/landing/run-id.ts';

describe('newRunId', () => {
  it('is the UTC start second and a short random suffix, sortable as text', () => {
    expect(newRunId(new Date('2026-11-29T15:03:00.987Z'), () => 'a1b2')).toBe('20261129T150300Z-a1b2');
    const earlier = newRunId(new Date('2026-11-29T09:59:59Z'));
    const later = newRunId(new Date('2026-11-29T10:00:00Z'));
    expect(earlier < later).toBe(true);
    expect(later).toMatch(RUN_ID_PATTERN);
  });
});
