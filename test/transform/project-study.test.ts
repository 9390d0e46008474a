import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/canonical-json.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import type { ProjectionOutcome, StudyProjection } from '../../src/transform/study-projection.ts';
import { loadStudyFixture, loadStudyFixtures, type StudyDocument } from './study-fixtures.ts';

const fixtures = loadStudyFixtures();

function project(json: string, source = 'test'): ProjectionOutcome {
  return projectStudy({ json, source });
}

function projected(document: StudyDocument): StudyProjection {
  const outcome = project(JSON.stringify(document));
  if (!outcome.ok) throw new Error(outcome.quarantine.message);
  return outcome.study;
}

function variant(nctId: string, edit: (document: StudyDocument) => void): StudyDocument {
  const { document } = loadStudyFixture(nctId);
  edit(document);
  return document;
}

const length = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

describe('projectStudy on all 206 fixtures', () => {
  const outcomes = fixtures.map((fixture) => ({ fixture, outcome: project(fixture.text, fixture.file) }));

  it('projects every record, keyed by the NCT id of its file name, with every row field defined', () => {
    for (const { fixture, outcome } of outcomes) {
      if (!outcome.ok) throw new Error(`${fixture.file}: ${outcome.quarantine.message}`);
      expect(outcome.study.nctId).toBe(fixture.file.replace('.json', ''));
      expect(outcome.study.row.nct_id).toBe(outcome.study.nctId);
      expect(outcome.study.document).toEqual(fixture.document);
      expect(outcome.study.contentHash).toMatch(/^[0-9a-f]{64}$/);
      const undefinedFields = Object.entries(outcome.study.row).filter(([, value]) => value === undefined);
      expect(undefinedFields).toEqual([]);
    }
  });

  it('warns about nothing but the unknown keys of 2023 records (no bad dates, ages or control characters)', () => {
    const codes = new Set(
      outcomes.flatMap(({ outcome }) => (outcome.ok ? outcome.study.warnings : [])).map((w) => w.code),
    );
    expect([...codes]).toEqual(['unknown_field']);
  });

  it('has as many child rows as the document has array elements, for every table', () => {
    for (const { fixture, outcome } of outcomes) {
      if (!outcome.ok) throw new Error(fixture.file);
      const p = fixture.document.protocolSection;
      const d = fixture.document.derivedSection ?? {};
      const browse = (m: StudyDocument | undefined) =>
        length(m?.meshes) + length(m?.ancestors) + length(m?.browseLeaves) + length(m?.browseBranches);
      const expected = {
        conditions: length(p.conditionsModule?.conditions),
        keywords: length(p.conditionsModule?.keywords),
        mesh: browse(d.conditionBrowseModule) + browse(d.interventionBrowseModule),
        interventions: length(p.armsInterventionsModule?.interventions),
        arms: length(p.armsInterventionsModule?.armGroups),
        outcomes:
          length(p.outcomesModule?.primaryOutcomes) +
          length(p.outcomesModule?.secondaryOutcomes) +
          length(p.outcomesModule?.otherOutcomes),
        sponsors:
          (p.sponsorCollaboratorsModule?.leadSponsor ? 1 : 0) +
          length(p.sponsorCollaboratorsModule?.collaborators),
        locations: length(p.contactsLocationsModule?.locations),
        references: length(p.referencesModule?.references),
      };
      const children = outcome.study.children;
      const actual = Object.fromEntries(
        Object.entries(children).map(([table, rows]) => [table, rows.length]),
      );
      expect({ file: fixture.file, ...actual }).toEqual({ file: fixture.file, ...expected });
      // ord is unique per table (the key is (nct_id, ord)) and runs 0, 1, 2, …
      for (const rows of Object.values(children)) {
        expect(rows.map((row: { ord: number }) => row.ord)).toEqual(rows.map((_: unknown, i: number) => i));
      }
    }
  });

  it('fills the study row from a real record (NCT02300909, merged from alias NCT02380456)', () => {
    const outcome = outcomes.find(({ fixture }) => fixture.file === 'NCT02300909.json')?.outcome;
    if (!outcome?.ok) throw new Error('NCT02300909');
    expect(outcome.study.row).toMatchObject({
      nct_id_aliases: ['NCT02380456'],
      org_study_id: 'AFLUD001',
      organization: 'MiMedx Group, Inc.',
      organization_class: 'INDUSTRY',
      status_verified_date: '2018-08-01',
      start_date: '2014-11-01',
      start_date_end: '2014-11-30',
      start_date_precision: 'month',
      start_date_type: null,
      start_date_raw: '2014-11',
      primary_completion_date_type: 'ACTUAL',
      study_first_submit_date: '2014-11-18',
      study_first_post_date: '2014-11-25',
      last_update_post_date: '2018-08-23',
      lead_sponsor: 'MiMedx Group, Inc.',
      lead_sponsor_class: 'INDUSTRY',
      collaborators: ['Hospital for Special Surgery, New York'],
      countries: ['United States'],
      conditions: ['Scarring', 'Spinal Stenosis', 'Herniated Disc'],
      condition_mesh_terms: ['Spinal Stenosis', 'Intervertebral Disc Displacement'],
      intervention_types: ['PROCEDURE', 'OTHER'],
      allocation: 'RANDOMIZED',
      masking: 'SINGLE',
      has_results: false,
    });
  });

  it('builds the weighted search texts and the outcome text (NCT04431453)', () => {
    const { document } = loadStudyFixture('NCT04431453');
    const { search } = projected(document);
    const outcomesModule = (document as { protocolSection: { outcomesModule: object } }).protocolSection
      .outcomesModule;
    expect(search.a.split('\n')).toEqual([
      'NCT04431453',
      'CARAVAN',
      'Study of Remdesivir in Participants Below 18 Years Old With COVID-19',
      'A Phase 2/3 Single-Arm, Open-Label Study to Evaluate the Safety, Tolerability, Pharmacokinetics, and Efficacy of Remdesivir (GS-5734™) in Participants From Birth to < 18 Years of Age With COVID-19',
    ]);
    const b = search.b.split('\n');
    expect(b.slice(0, 3)).toEqual(['COVID-19', 'COVID-19', 'Pneumonia, Viral']);
    expect(b).toEqual(expect.arrayContaining(['Remdesivir', 'GS-5734™', 'Veklury®', 'Antimetabolites']));
    // C: the summary and the sponsors; the outcomes are a text of their own, in the document's order.
    expect(search.c.split('\n').at(-1)).toBe('Gilead Sciences');
    expect(search.c).not.toContain('Treatment-Emergent Adverse Events');
    const outcomes = search.outcomes.split('\n');
    expect(outcomes[0]).toBe('Percentage of Participants With Treatment-Emergent Adverse Events (TEAEs)');
    type Outcome = { measure: string; description?: string };
    const registered = ['primaryOutcomes', 'secondaryOutcomes', 'otherOutcomes'].flatMap(
      (k) => (outcomesModule as Record<string, Outcome[] | undefined>)[k] ?? [],
    );
    expect(registered.length).toBeGreaterThan(5);
    // Each outcome's measure and description, the empty ones left out.
    expect(outcomes).toHaveLength(
      registered.flatMap((o) => [o.measure, o.description]).filter(Boolean).length,
    );
    expect(search.d).toContain('* Aged < 18 years of age');
    expect(search.d).not.toContain('\\<');
    // The location text: each site's facility, city, state and country, in the document's order.
    const doc = loadStudyFixture('NCT04431453').document as {
      protocolSection: { contactsLocationsModule: { locations: Record<string, string>[] } };
    };
    const sites = doc.protocolSection.contactsLocationsModule.locations;
    expect(sites.length).toBeGreaterThan(1);
    expect(search.location.split('\n')).toEqual(
      sites.flatMap((l) => [l.facility, l.city, l.state, l.country].filter((v) => v !== undefined)),
    );
  });
});

describe('projectStudy quarantines what cannot be stored', () => {
  it('quarantines broken JSON with the parser message, the text, its source and the id it could still read', () => {
    const text = loadStudyFixture('NCT00033839').text.slice(0, 500);
    const outcome = project(text, 'pages/000003.json#17');
    if (outcome.ok) throw new Error('expected quarantine');
    expect(outcome.quarantine).toMatchObject({
      nctId: 'NCT00033839',
      path: '',
      json: text,
      source: 'pages/000003.json#17',
    });
    expect(outcome.quarantine.message).toMatch(/^JSON does not parse: /);
  });

  it('quarantines a record without nctId', () => {
    const text = JSON.stringify(
      variant('NCT00033839', (d) => delete d.protocolSection.identificationModule.nctId),
    );
    expect(project(text, 'x.json')).toEqual({
      ok: false,
      quarantine: {
        nctId: null,
        path: 'protocolSection.identificationModule.nctId',
        message: 'the record has no nctId',
        json: text,
        source: 'x.json',
      },
    });
  });

  it('quarantines a record with a malformed nctId', () => {
    const text = JSON.stringify(
      variant('NCT00033839', (d) => {
        d.protocolSection.identificationModule.nctId = 'NCT0003383';
      }),
    );
    const outcome = project(text);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok || outcome.quarantine).toMatchObject({
      path: 'protocolSection.identificationModule.nctId',
      message: 'malformed nctId "NCT0003383": expected NCT followed by 8 digits',
    });
  });

  it('quarantines JSON that is not an object', () => {
    expect(project('[1, 2]')).toMatchObject({ ok: false, quarantine: { path: '', nctId: null } });
  });
});

describe('projectStudy stores what it cannot type, with warnings', () => {
  it('keeps unknown enum values in the row and warns (overallStatus SOMETHING_NEW, phases PHASE5)', () => {
    const study = projected(
      variant('NCT00033839', (d) => {
        d.protocolSection.statusModule.overallStatus = 'SOMETHING_NEW';
        d.protocolSection.designModule.phases = ['PHASE5'];
      }),
    );
    expect(study.row).toMatchObject({ overall_status: 'SOMETHING_NEW', phases: ['PHASE5'], phase: 'PHASE5' });
    expect(study.warnings.map((w) => [w.code, w.path])).toEqual([
      ['unknown_enum', 'protocolSection.statusModule.overallStatus'],
      ['unknown_enum', 'protocolSection.designModule.phases[0]'],
    ]);
  });

  it('loads a field that changed type with the column null and a type_mismatch warning', () => {
    const study = projected(
      variant('NCT00033839', (d) => {
        d.protocolSection.designModule.enrollmentInfo.count = '60';
        d.protocolSection.eligibilityModule.healthyVolunteers = 'no';
      }),
    );
    expect(study.row.enrollment).toBeNull();
    expect(study.row.healthy_volunteers).toBeNull();
    expect(study.document.protocolSection).toMatchObject({
      designModule: { enrollmentInfo: { count: '60' } },
    });
    expect(study.warnings.map((w) => [w.code, w.path])).toEqual([
      ['type_mismatch', 'protocolSection.designModule.enrollmentInfo.count'],
      ['type_mismatch', 'protocolSection.eligibilityModule.healthyVolunteers'],
    ]);
  });

  it('keeps the raw text of a date in a new format, with the date columns null and a bad_date warning', () => {
    const study = projected(
      variant('NCT00033839', (d) => {
        d.protocolSection.statusModule.startDateStruct = { date: 'January 2002', type: 'ACTUAL' };
      }),
    );
    expect(study.row).toMatchObject({
      start_date: null,
      start_date_end: null,
      start_date_precision: null,
      start_date_type: 'ACTUAL',
      start_date_raw: 'January 2002',
      actual_duration: null,
    });
    expect(study.warnings.map((w) => [w.code, w.path])).toEqual([
      ['bad_date', 'protocolSection.statusModule.startDateStruct.date'],
    ]);
  });

  it('strips NUL from a typed column and warns; the stored document has U+FFFD in its place', () => {
    const study = projected(
      variant('NCT00033839', (d) => {
        d.protocolSection.identificationModule.briefTitle = 'Civamide\u0000 Study';
      }),
    );
    expect(study.row.brief_title).toBe('Civamide Study');
    expect(study.search.a).toContain('Civamide Study');
    expect(study.warnings.map((w) => [w.code, w.path])).toEqual([
      ['control_chars', 'protocolSection.identificationModule.briefTitle'],
      ['nul_replaced', ''],
    ]);
  });
});

describe('content hash', () => {
  const { document, text } = loadStudyFixture('NCT00033839');
  const hashOf = (doc: unknown) => projected(doc as StudyDocument).contentHash;
  const original = hashOf(document);

  it('is contentHash(document) of canonical-json.ts', () => {
    expect(original).toBe(contentHash(JSON.parse(text)));
  });

  it('ignores versionHolder, key order and whitespace', () => {
    const restamped = variant('NCT00033839', (d) => {
      d.derivedSection.miscInfoModule.versionHolder = '2026-11-29';
    });
    expect(hashOf(restamped)).toBe(original);
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const outcome = project(JSON.stringify(reversed(document), null, 2));
    expect(outcome.ok && outcome.study.contentHash).toBe(original);
  });

  it('changes when any other field changes (every leaf of NCT00033839, one at a time)', () => {
    const leaves: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(item, [...path, i]);
        });
      } else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      } else leaves.push(path);
    };
    walk(document, []);
    expect(leaves.length).toBeGreaterThan(200);
    const unchanged: string[] = [];
    for (const path of leaves) {
      const copy = structuredClone(document);
      let parent = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const key = path.at(-1)!;
      const old = parent[key];
      // The NCT id must stay well-formed (else the record is quarantined): change it to another id.
      parent[key] =
        key === 'nctId'
          ? 'NCT99999999'
          : typeof old === 'number'
            ? old + 1
            : typeof old === 'boolean'
              ? !old
              : `${String(old)}x`;
      if (hashOf(copy) === original) unchanged.push(path.join('.'));
    }
    expect(unchanged).toEqual(['derivedSection.miscInfoModule.versionHolder']);
  });
});

describe('projectStudy with NUL characters', () => {
  it('stores U+FFFD in place of NUL, keeps the content hash of the original and warns', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync('test/fixtures/ctgov/studies/NCT00007696.json', 'utf8');
    const document = JSON.parse(text);
    document.protocolSection.identificationModule.briefTitle = 'before\u0000after';
    const json = JSON.stringify(document);
    const outcome = projectStudy({ json, source: 'nul.json' });
    if (!outcome.ok) throw new Error('expected the study to load');
    const stored = outcome.study.document as typeof document;
    expect(stored.protocolSection.identificationModule.briefTitle).toBe('before\uFFFDafter');
    expect(outcome.study.contentHash).toBe(contentHash(document));
    expect(outcome.study.warnings.map((w) => w.code)).toContain('nul_replaced');
    expect(JSON.stringify(outcome.study.document)).not.toContain('\\u0000');
  });
});
