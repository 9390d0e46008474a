import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemplater, type StudyLike, type Templater, templatizeValue } from './fixture-templater.ts';

/** The real records the corpus is recombined from (never edited; read only). */
export const DEFAULT_FIXTURE_DIR = fileURLToPath(
  new URL('../../test/fixtures/ctgov/studies/', import.meta.url),
);

const ONCOLOGY =
  /cancer|neoplasm|carcinoma|leuka?emi|lymphoma|myeloma|sarcoma|melanoma|tumou?r|nsclc|malignan|macroglobulin/i;

/**
 * One fixture taken apart into topic-neutral JSON templates (strings containing {{C}}/{{I}}/{{I0}}… tokens), one per
 * part the generator recombines. Parts are kept as JSON text: filling tokens in a string and parsing it once is
 * several times faster than walking an object per study.
 */
export interface Donor {
  nctId: string;
  studyType: 'INTERVENTIONAL' | 'OBSERVATIONAL';
  oncology: boolean;
  identification: string;
  sponsor: string;
  oversight: string | undefined;
  design: string;
  /** armsInterventionsModule with the donor's own intervention names as {{I0}}, {{I1}}… (placebo/control kept). */
  arms: string | undefined;
  interventionTypes: string[];
  outcomes: string | undefined;
  eligibility: string;
  contacts: string;
  siteCount: number;
  references: string | undefined;
  ipdSharing: string | undefined;
  summaryLength: number;
  descriptionLength: number;
  conditionCount: number;
  keywordCount: number;
  results: string | undefined;
  documents: string | undefined;
  annotations: string | undefined;
}

export interface FixturePool {
  /** The raw fixtures (read by the topic catalogue for MeSH trees). */
  raw: readonly StudyLike[];
  donors: { INTERVENTIONAL: readonly Donor[]; OBSERVATIONAL: readonly Donor[] };
  /** Donors that carry a resultsSection, by study type. */
  withResults: readonly Donor[];
  /** Summary sentences that mention the condition (used to open a summary), and all the others. */
  leadSentences: readonly string[];
  summarySentences: readonly string[];
  descriptionSentences: readonly string[];
  /** Location objects (JSON, without site status: that follows the generated study's status). */
  sites: readonly string[];
  /** Intervention names by intervention type, templatized. */
  interventionNames: ReadonlyMap<string, readonly string[]>;
  /** MeSH indexing of an intervention name (lower-cased) when a fixture shows it unambiguously. */
  interventionMesh: ReadonlyMap<string, string>;
}

function splitSentences(text: string): string[] {
  return text
    .split(/\n{2,}|(?<=[.!?])\s+(?=[A-Z{])/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 25 && s.length <= 700);
}

function json(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const CONTROL_ARM = /placebo|sham|control|usual care|standard of care|no intervention/i;

/** Replaces the donor's own intervention names by positional tokens, then templatizes the rest. */
function positionalArms(arms: Record<string, unknown> | undefined, templater: Templater): string | undefined {
  if (!arms) return undefined;
  const interventions = (arms.interventions ?? []) as Array<{ name: string }>;
  const names = interventions
    .map((intervention, index) => ({
      pattern: new RegExp(escapeRegExp(intervention.name), 'g'),
      index,
      name: intervention.name,
    }))
    .filter(({ name }) => name.length >= 3 && !CONTROL_ARM.test(name))
    .sort((a, b) => b.name.length - a.name.length);
  const rewritten = JSON.parse(JSON.stringify(arms), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    let text = value;
    for (const { pattern, index } of names) text = text.replace(pattern, `{{I${index}}}`);
    return templater.templatize(text);
  });
  return JSON.stringify(rewritten);
}

export function loadFixturePool(dir: string = DEFAULT_FIXTURE_DIR): FixturePool {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const raw = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StudyLike);
  const templater = createTemplater(raw);
  const donors: { INTERVENTIONAL: Donor[]; OBSERVATIONAL: Donor[] } = {
    INTERVENTIONAL: [],
    OBSERVATIONAL: [],
  };
  const withResults: Donor[] = [];
  const leadSentences = new Set<string>();
  const summarySentences = new Set<string>();
  const descriptionSentences = new Set<string>();
  const sites: string[] = [];
  const interventionNames = new Map<string, Set<string>>();
  const interventionMesh = new Map<string, string>();

  for (const study of raw) {
    const p = study.protocolSection as Record<string, Record<string, unknown> | undefined>;
    const arms = positionalArms(p.armsInterventionsModule, templater);
    const t = templatizeValue(study, templater) as Record<string, Record<string, Record<string, unknown>>>;
    const tp = t.protocolSection!;
    const ident = tp.identificationModule!;
    const design = { ...tp.designModule };
    const studyType = design.studyType === 'OBSERVATIONAL' ? 'OBSERVATIONAL' : 'INTERVENTIONAL';
    delete design.phases;
    delete design.enrollmentInfo;
    const eligibility = { ...tp.eligibilityModule };
    for (const key of ['minimumAge', 'maximumAge', 'stdAges', 'healthyVolunteers']) delete eligibility[key];
    const contacts = { ...tp.contactsLocationsModule };
    delete contacts.locations;
    // A site's place (city, state, zip, country, coordinates) is taken as the fixture has it: templatized,
    // "United States" became "United {{I}}" (the intervention STAT, plural "-es") and no generated site was
    // in the United States. Its facility's name follows the topic ("… Diabetes Center").
    const locations = (p.contactsLocationsModule?.locations ?? []) as Array<Record<string, unknown>>;
    for (const location of locations) {
      const { status: _status, ...site } = location;
      if (typeof site.facility === 'string') site.facility = templater.templatize(site.facility);
      sites.push(JSON.stringify(site));
    }
    const description = tp.descriptionModule ?? {};
    const summary = String(description.briefSummary ?? '');
    const detailed = String(description.detailedDescription ?? '');
    for (const sentence of splitSentences(summary)) {
      (sentence.includes('{{C}}') ? leadSentences : summarySentences).add(sentence);
    }
    for (const sentence of splitSentences(detailed)) descriptionSentences.add(sentence);

    const rawInterventions = (p.armsInterventionsModule?.interventions ?? []) as Array<{
      type?: string;
      name: string;
    }>;
    const templatedInterventions = (tp.armsInterventionsModule?.interventions ?? []) as Array<{
      name: string;
    }>;
    rawInterventions.forEach((intervention, index) => {
      const type = intervention.type ?? 'OTHER';
      const name = templatedInterventions[index]?.name ?? intervention.name;
      if (CONTROL_ARM.test(name) || name.length > 80) return;
      if (!interventionNames.has(type)) interventionNames.set(type, new Set());
      interventionNames.get(type)!.add(name);
    });
    const browse = study.derivedSection?.interventionBrowseModule;
    if (browse?.meshes?.length === 1) {
      const mesh = browse.meshes[0]!;
      interventionMesh.set(
        mesh.term.toLowerCase(),
        JSON.stringify({ meshes: browse.meshes, ancestors: browse.ancestors ?? [] }),
      );
    }

    const conditions =
      (p.conditionsModule as { conditions?: string[]; keywords?: string[] } | undefined) ?? {};
    const donor: Donor = {
      nctId: String((p.identificationModule as { nctId?: string }).nctId),
      studyType,
      oncology: ONCOLOGY.test((conditions.conditions ?? []).join(' ')),
      identification: JSON.stringify({
        orgStudyIdInfo: ident.orgStudyIdInfo,
        secondaryIdInfos: ident.secondaryIdInfos,
        organization: ident.organization,
        briefTitle: ident.briefTitle,
        officialTitle: ident.officialTitle,
        acronym: ident.acronym,
      }),
      sponsor: JSON.stringify(tp.sponsorCollaboratorsModule ?? {}),
      oversight: json(tp.oversightModule),
      design: JSON.stringify(design),
      arms,
      interventionTypes: rawInterventions.map((i) => i.type ?? 'OTHER'),
      outcomes: json(tp.outcomesModule),
      eligibility: JSON.stringify(eligibility),
      contacts: JSON.stringify(contacts),
      siteCount: locations.length,
      references: json(tp.referencesModule),
      ipdSharing: json(tp.ipdSharingStatementModule),
      summaryLength: summary.length,
      descriptionLength: detailed.length,
      conditionCount: Math.max(1, conditions.conditions?.length ?? 1),
      keywordCount: conditions.keywords?.length ?? 0,
      results: json(t.resultsSection),
      documents: json(t.documentSection),
      annotations: json(t.annotationSection),
    };
    donors[studyType].push(donor);
    if (donor.results !== undefined) withResults.push(donor);
  }

  return {
    raw,
    donors,
    withResults,
    leadSentences: [...leadSentences],
    summarySentences: [...summarySentences],
    descriptionSentences: [...descriptionSentences],
    sites,
    interventionNames: new Map([...interventionNames].map(([type, names]) => [type, [...names]])),
    interventionMesh,
  };
}
