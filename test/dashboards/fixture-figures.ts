/**
 * The dashboards' figures computed straight from fixture JSON, independently of the transform, the
 * warehouse and the dashboards' SQL: what the tests expect the dashboards to show.
 */
import type { LandedRecord } from '../../src/landing/landed-record.ts';

interface StudyFields {
  nctId: string;
  status: string;
  phases: string[];
  studyType: string | null;
  enrollment: number | null;
  firstPosted: string | null;
  start: string | null;
  primaryCompletion: string | null;
  leadSponsor: string | null;
  meshTerms: string[];
  siteCountries: string[];
  hasResults: boolean;
}

type Json = {
  hasResults?: boolean;
  protocolSection: {
    identificationModule: { nctId: string };
    statusModule: {
      overallStatus: string;
      studyFirstPostDateStruct?: { date: string };
      startDateStruct?: { date: string };
      primaryCompletionDateStruct?: { date: string };
    };
    designModule?: { phases?: string[]; studyType?: string; enrollmentInfo?: { count?: number } };
    sponsorCollaboratorsModule?: { leadSponsor?: { name: string } };
    contactsLocationsModule?: { locations?: { country?: string }[] };
  };
  derivedSection?: { conditionBrowseModule?: { meshes?: { term: string }[] } };
};

export function studyFields(records: readonly LandedRecord[]): StudyFields[] {
  return records.map(({ json }) => {
    const study = JSON.parse(json) as Json;
    const p = study.protocolSection;
    return {
      nctId: p.identificationModule.nctId,
      status: p.statusModule.overallStatus,
      phases: p.designModule?.phases ?? [],
      studyType: p.designModule?.studyType ?? null,
      enrollment: p.designModule?.enrollmentInfo?.count ?? null,
      firstPosted: p.statusModule.studyFirstPostDateStruct?.date ?? null,
      start: p.statusModule.startDateStruct?.date ?? null,
      primaryCompletion: p.statusModule.primaryCompletionDateStruct?.date ?? null,
      leadSponsor: p.sponsorCollaboratorsModule?.leadSponsor?.name.trim() ?? null,
      meshTerms: [...new Set((study.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term))],
      siteCountries: (p.contactsLocationsModule?.locations ?? []).flatMap((l) =>
        l.country ? [l.country.trim()] : [],
      ),
      hasResults: study.hasResults === true,
    };
  });
}

/** A study's phases as the dashboards count them: each phase, or NO_PHASE. */
export const phasesOf = (s: StudyFields) => (s.phases.length === 0 ? ['NO_PHASE'] : s.phases);

/** Counts by key, as [key, count] sorted by count (descending), then key (code point order). */
export function ranked(keys: Iterable<string>): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
}

/** Code point order, as `collate "C"` sorts. */
export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "2019", "2019-03" or "2019-03-15" → days since 1970-01-01 of the period's first day. */
export function dayNumber(partial: string): number {
  const [y, m = '01', d = '01'] = partial.split('-');
  return Date.UTC(Number(y), Number(m) - 1, Number(d)) / 86_400_000;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Months yyyy-MM from `first` through `last`, inclusive. */
export function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let month = first; month <= last; month = `${y}-${String(m).padStart(2, '0')}`) {
    months.push(month);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return months;
}
