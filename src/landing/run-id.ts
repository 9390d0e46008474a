import { randomBytes } from 'node:crypto';

/**
 * A landing run id: the UTC start time to the second, sortable as text, and 4 random hex digits so two runs
 * started in the same second do not collide: `20261129T150300Z-a1b2`.
 */
export function newRunId(now: Date, random: () => string = () => randomBytes(2).toString('hex')): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${random()}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;
