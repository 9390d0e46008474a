/** Small choices the study generator makes per study: which donor, which sentences, which site status. */
import type { Donor } from './fixture-pool.ts';
import type { Rng } from './rng.ts';

export const WHY_STOPPED = [
  'Slow accrual',
  'Sponsor decision',
  'Funding ended',
  'Study drug no longer available',
  'Business reasons, not related to safety',
  'PI left the institution',
  'Futility at interim analysis',
  'COVID-19 pandemic restrictions',
];

/** A donor of the study's type; for text and sites, one on the same side of oncology when there is one. */
export function donorFor(rng: Rng, donors: readonly Donor[], oncology?: boolean): Donor {
  if (oncology === undefined) return rng.pick(donors);
  const matching = donors.filter((d) => d.oncology === oncology);
  return rng.pick(matching.length > 0 ? matching : donors);
}

/** Sentences (the first one given, if any) until the text reaches the length a real record of this kind has. */
export function sentencesUpTo(
  rng: Rng,
  sentences: readonly string[],
  lead: string | undefined,
  target: number,
): string {
  const parts: string[] = lead === undefined ? [] : [lead];
  let length = lead?.length ?? 0;
  while (length < target && sentences.length > 0) {
    const sentence = rng.pick(sentences);
    parts.push(sentence);
    length += sentence.length + 1;
  }
  // Paragraph breaks every few sentences, as in real markdown descriptions.
  return parts
    .map((s, i) => (i > 0 && i % 4 === 0 ? `\n\n${s}` : s))
    .join(' ')
    .replace(/ \n\n/g, '\n\n');
}

/** A site's own recruitment status follows the study's while it recruits; otherwise sites carry none. */
export function siteStatus(status: string): string | undefined {
  if (status === 'RECRUITING') return 'RECRUITING';
  if (status === 'NOT_YET_RECRUITING') return 'NOT_YET_RECRUITING';
  if (status === 'ENROLLING_BY_INVITATION') return 'ENROLLING_BY_INVITATION';
  return undefined;
}
