import { breakRecord } from './broken-record.ts';
import { buildConditionCatalog, type ConditionCatalog } from './condition-catalog.ts';
import { type Donor, type FixturePool, loadFixturePool } from './fixture-pool.ts';
import { fillTokens, j, jsonObject, withKeys } from './json-text.ts';
import {
  EXPANDED_ACCESS_STATUS_SHARE,
  PHASES_SHARE,
  RESULTS_SHARE,
  STATUS_SHARE,
  STUDY_TYPE_SHARE,
} from './registry-mix.ts';
import { rngFor } from './rng.ts';
import { drawInterventions, interventionBrowseFor } from './study-interventions.ts';
import { donorFor, sentencesUpTo, siteStatus, WHY_STOPPED } from './study-parts.ts';
import { drawAges, drawEnrollment, drawTimeline } from './study-timeline.ts';
import { drawTopic } from './study-topic.ts';
import { syntheticIntervention } from './synthetic-words.ts';

export interface CorpusOptions {
  /** Number of studies (records) in the snapshot. */
  count: number;
  /** PRNG seed; same seed and options → byte-identical output. Default 42. */
  seed?: number;
  /** Share of deliberately broken records (no nctId, malformed nctId, invalid JSON). Default 0.001; 0 disables. */
  brokenShare?: number;
  /** Share of ~3.5 MB studies (thousands of sites, long results). Default 1/50,000 (~12 in 606,000). */
  largeShare?: number;
  /** The snapshot day (yyyy-MM-dd): versionHolder, and no date is posted after it. Default 2026-10-02. */
  snapshotDate?: string;
  /** Fixture parts to recombine; load once with loadFixturePool() and pass it to share between calls. */
  pool?: FixturePool;
}

export interface CorpusContext {
  seed: number;
  brokenShare: number;
  largeShare: number;
  snapshotDate: string;
  pool: FixturePool;
  catalog: ConditionCatalog;
  /** Donors whose arms can be borrowed (they list interventions), by study type. */
  donorsWithArms: { INTERVENTIONAL: readonly Donor[]; OBSERVATIONAL: readonly Donor[] };
}

/** One generated record as it would be landed: its text, and what the generator knows about it. */
export interface GeneratedRecord {
  index: number;
  /** The NCT id the record was generated for (also its file name), even if the record is broken. */
  nctId: string;
  json: string;
  broken?: 'missing-nct-id' | 'malformed-nct-id' | 'invalid-json';
}

export const DEFAULT_SEED = 42;
/**
 * Bumped whenever the same seed and options generate other records: cached corpora carry it in their file
 * names, so a benchmark never mixes a cached base with a day N+1 derived by newer code.
 */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SNAPSHOT_DATE = '2026-10-02';

function withArms(donors: readonly Donor[]): readonly Donor[] {
  const found = donors.filter((d) => d.arms !== undefined);
  return found.length > 0 ? found : donors;
}

export function createCorpusContext(options: Omit<CorpusOptions, 'count'>): CorpusContext {
  const pool = options.pool ?? loadFixturePool();
  return {
    seed: options.seed ?? DEFAULT_SEED,
    brokenShare: options.brokenShare ?? 0.001,
    largeShare: options.largeShare ?? 1 / 50_000,
    snapshotDate: options.snapshotDate ?? DEFAULT_SNAPSHOT_DATE,
    pool,
    catalog: buildConditionCatalog(pool.raw),
    donorsWithArms: {
      INTERVENTIONAL: withArms(pool.donors.INTERVENTIONAL),
      OBSERVATIONAL: withArms(pool.donors.OBSERVATIONAL),
    },
  };
}

/**
 * NCT id of study `index`: increasing, unique (index × 11 + a jitter below 11) and spread over NCT00100000…
 * NCT06766000 at 606,000 studies — the registry's range — so every shard directory (last two digits) is used.
 */
export function nctIdFor(seed: number, index: number): string {
  const jitter = rngFor(seed, 'id', index).int(0, 10);
  return `NCT${String(100_000 + index * 11 + jitter).padStart(8, '0')}`;
}

/** The JSON text of study `index` (before any deliberate breaking). */
export function generateStudyJson(ctx: CorpusContext, index: number): string {
  const { pool } = ctx;
  const rng = rngFor(ctx.seed, 'study', index);
  const nctId = nctIdFor(ctx.seed, index);
  const large = rngFor(ctx.seed, 'large', index).chance(ctx.largeShare);
  const studyType = rng.weighted(STUDY_TYPE_SHARE);
  const donorType = studyType === 'OBSERVATIONAL' ? 'OBSERVATIONAL' : 'INTERVENTIONAL';
  const donors = pool.donors[donorType];
  const shapeDonor = donorFor(rng, donors);
  const topic = drawTopic(rng, ctx.catalog, shapeDonor.conditionCount, shapeDonor.keywordCount);
  const oncology = topic.kind === 'oncology';
  const textDonor = donorFor(rng, donors, oncology);
  const siteDonor = donorFor(rng, donors, oncology);
  const armsDonor = donorFor(rng, ctx.donorsWithArms[donorType]);

  const status = large
    ? 'COMPLETED'
    : studyType === 'EXPANDED_ACCESS'
      ? rng.weighted(EXPANDED_ACCESS_STATUS_SHARE)
      : rng.weighted(STATUS_SHARE);
  const stopped = status === 'TERMINATED' || status === 'WITHDRAWN' || status === 'SUSPENDED';
  const timeline = drawTimeline(rng, status, ctx.snapshotDate, stopped ? rng.pick(WHY_STOPPED) : undefined);
  const healthy = topic.kind === 'healthy' || rng.chance(0.12);

  const interventionTypes = armsDonor.interventionTypes.length > 0 ? armsDonor.interventionTypes : ['DRUG'];
  const interventions = drawInterventions(rng, pool, topic, interventionTypes);
  const condition = topic.conditions[0]!;

  const phases =
    studyType !== 'INTERVENTIONAL'
      ? undefined
      : topic.kind === 'healthy'
        ? ['PHASE1']
        : rng.weighted(PHASES_SHARE).split('+');
  const designRest = JSON.parse(shapeDonor.design) as Record<string, unknown>;
  delete designRest.studyType;
  const design = jsonObject([
    ['studyType', j(studyType)],
    ['phases', j(phases)],
    ...Object.entries(studyType === 'EXPANDED_ACCESS' ? {} : designRest).map(([k, v]) => [k, j(v)] as const),
    ['enrollmentInfo', studyType === 'EXPANDED_ACCESS' ? undefined : j(drawEnrollment(rng, status))],
    [
      'expandedAccessTypes',
      studyType === 'EXPANDED_ACCESS' ? j({ individual: true, treatment: rng.chance(0.3) }) : undefined,
    ],
  ]);

  const summary = sentencesUpTo(
    rng,
    pool.summarySentences,
    pool.leadSentences.length > 0 ? rng.pick(pool.leadSentences) : undefined,
    textDonor.summaryLength,
  );
  const description =
    textDonor.descriptionLength > 0
      ? sentencesUpTo(rng, pool.descriptionSentences, undefined, textDonor.descriptionLength)
      : undefined;

  const withResults =
    large || ((status === 'COMPLETED' || status === 'TERMINATED') && rng.chance(RESULTS_SHARE / 0.603));
  const resultsDonor = large
    ? pool.withResults.reduce((a, b) => ((a.results?.length ?? 0) >= (b.results?.length ?? 0) ? a : b))
    : withResults && pool.withResults.length > 0
      ? rng.pick(pool.withResults)
      : undefined;

  const recruitingStatus = siteStatus(status);
  // The fixtures over-sample multi-site trials (15 of 206 have >100 sites); taking such a count only a third
  // of the time brings the average record to the registry's ~17 KB.
  const siteCount =
    studyType === 'EXPANDED_ACCESS'
      ? 0
      : siteDonor.siteCount > 40 && rng.chance(2 / 3)
        ? rng.int(1, 12)
        : siteDonor.siteCount;
  const sites: string[] = [];
  const addSite = () => {
    const site = rng.pick(pool.sites);
    sites.push(
      recruitingStatus && rng.chance(0.9) ? withKeys(site, [['status', j(recruitingStatus)]]) : site,
    );
  };
  for (let k = 0; k < siteCount; k++) addSite();

  const protocolSection = (siteList: string | undefined) =>
    jsonObject([
      ['identificationModule', `{"nctId":"${nctId}",${textDonor.identification.slice(1)}`],
      ['statusModule', j(timeline.statusModule)],
      ['sponsorCollaboratorsModule', siteDonor.sponsor],
      ['oversightModule', siteDonor.oversight],
      [
        'descriptionModule',
        jsonObject([
          ['briefSummary', j(summary)],
          ['detailedDescription', j(description)],
        ]),
      ],
      [
        'conditionsModule',
        jsonObject([
          ['conditions', j(topic.conditions)],
          ['keywords', topic.keywords.length > 0 ? j(topic.keywords) : undefined],
        ]),
      ],
      ['designModule', design],
      [
        'armsInterventionsModule',
        armsDonor.arms ?? j({ interventions: interventions.map((name) => ({ type: 'DRUG', name })) }),
      ],
      ['outcomesModule', studyType === 'EXPANDED_ACCESS' ? undefined : textDonor.outcomes],
      [
        'eligibilityModule',
        withKeys(siteDonor.eligibility, [
          ['healthyVolunteers', j(healthy)],
          ...Object.entries(drawAges(rng, healthy)).map(([k, v]) => [k, j(v)] as const),
        ]),
      ],
      ['contactsLocationsModule', withKeys(siteDonor.contacts, [['locations', siteList]])],
      ['referencesModule', textDonor.references],
      ['ipdSharingStatementModule', textDonor.ipdSharing],
    ]);
  const derivedSection = jsonObject([
    ['miscInfoModule', j({ versionHolder: ctx.snapshotDate })],
    ['conditionBrowseModule', j(topic.conditionBrowseModule)],
    ['interventionBrowseModule', interventionBrowseFor(pool, interventions)],
  ]);
  const assemble = () =>
    jsonObject([
      ['protocolSection', protocolSection(sites.length > 0 ? `[${sites.join(',')}]` : undefined)],
      ['resultsSection', resultsDonor?.results],
      ['documentSection', textDonor.documents],
      ['annotationSection', resultsDonor ? textDonor.annotations : undefined],
      ['derivedSection', derivedSection],
      ['hasResults', j(resultsDonor !== undefined)],
    ]);
  let text = assemble();
  if (large) {
    // The registry's largest records are ~3.6 MB: thousands of sites on top of long results.
    const target = 3_300_000 + rng.int(0, 300_000);
    let length = text.length;
    while (length < target) {
      addSite();
      length += sites[sites.length - 1]!.length + 1;
    }
    text = assemble();
  }
  const names = interventions.length > 0 ? interventions : [syntheticIntervention('DRUG', index)];
  return fillTokens(text, condition, names);
}

/** Every record of a snapshot, in NCT id order, as landed text (broken ones included). */
export function* generateRecords(options: CorpusOptions): Generator<GeneratedRecord> {
  const ctx = createCorpusContext(options);
  for (let index = 0; index < options.count; index++) yield generateRecord(ctx, index);
}

export function generateRecord(ctx: CorpusContext, index: number): GeneratedRecord {
  const nctId = nctIdFor(ctx.seed, index);
  const json = generateStudyJson(ctx, index);
  const brokenRng = rngFor(ctx.seed, 'broken', index);
  if (ctx.brokenShare > 0 && brokenRng.chance(ctx.brokenShare)) {
    const broken = breakRecord(brokenRng, json, nctId);
    return { index, nctId, json: broken.json, broken: broken.kind };
  }
  return { index, nctId, json };
}

/** Whether record `index` is deliberately broken, without generating it (the same draw as generateRecord). */
export function isBrokenRecord(ctx: CorpusContext, index: number): boolean {
  return ctx.brokenShare > 0 && rngFor(ctx.seed, 'broken', index).chance(ctx.brokenShare);
}

/** The snapshot's studies as objects; records whose text does not parse (invalid-json) are left out. */
export function* generateStudies(options: CorpusOptions): Generator<Record<string, unknown>> {
  for (const record of generateRecords(options)) {
    if (record.broken === 'invalid-json') continue;
    yield JSON.parse(record.json) as Record<string, unknown>;
  }
}
