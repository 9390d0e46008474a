import type { Rng } from './rng.ts';

/**
 * Deliberately broken records, the ones the pipeline must quarantine (decisions.md, "Counting a run"): no
 * nctId, a malformed nctId, JSON text that does not parse. The zip entry / file keeps the intended name, as a
 * damaged record in a real bulk file would.
 */
export const BROKEN_KINDS = ['missing-nct-id', 'malformed-nct-id', 'invalid-json'] as const;
export type BrokenKind = (typeof BROKEN_KINDS)[number];

export function breakRecord(rng: Rng, json: string, nctId: string): { json: string; kind: BrokenKind } {
  const kind = rng.pick(BROKEN_KINDS);
  if (kind === 'missing-nct-id') return { kind, json: json.replace(`"nctId":"${nctId}",`, '') };
  if (kind === 'malformed-nct-id') {
    const digits = nctId.slice(3);
    const malformed = rng.pick([
      `NCT${digits.slice(1)}`,
      `NCT-${digits}`,
      `NCT${digits.slice(0, 7)}X`,
      '',
      `N${digits}`,
    ]);
    return { kind, json: json.replace(`"nctId":"${nctId}"`, `"nctId":"${malformed}"`) };
  }
  // Cut mid-document, as a truncated download or a half-written file would be.
  const cut = Math.floor(json.length * (0.1 + 0.8 * rng.next()));
  return { kind, json: json.slice(0, cut) };
}
