/** Child-row transforms on real records: locations, sponsors, conditions, arms, interventions, outcomes, references, eligibility. */
import { describe, expect, it } from 'vitest';
import { projectArms } from '../../src/transform/arms.ts';
import { projectConditions } from '../../src/transform/conditions.ts';
import { projectEligibility } from '../../src/transform/eligibility.ts';
import { projectInterventions } from '../../src/transform/interventions.ts';
import { projectLocations } from '../../src/transform/locations.ts';
import { projectOutcomes } from '../../src/transform/outcomes.ts';
import { projectReferences } from '../../src/transform/references.ts';
import { projectSponsors } from '../../src/transform/sponsors.ts';
import type { FieldWarning } from '../../src/transform/study-projection.ts';
import type { ProtocolSection } from '../../src/validate/study-schema.ts';
import { loadStudyFixture } from './study-fixtures.ts';

const protocol = (nctId: string) => loadStudyFixture(nctId).document.protocolSection as ProtocolSection;

describe('projectLocations', () => {
  it('reads site, status and coordinates of a recruiting site (NCT00258583)', () => {
    const { rows, countries } = projectLocations(
      protocol('NCT00258583').contactsLocationsModule?.locations,
      [],
    );
    expect(rows).toEqual([
      {
        ord: 0,
        facility: 'Michelle F MacPherson',
        city: 'Pittsburgh',
        state: 'Pennsylvania',
        zip: '15213',
        country: 'United States',
        status: 'RECRUITING',
        lat: 40.44062,
        lon: -79.99589,
      },
    ]);
    expect(countries).toEqual(['United States']);
  });

  it('keeps one row per site in source order and collects distinct countries (NCT00033839: 26 US sites)', () => {
    const { rows, countries } = projectLocations(
      protocol('NCT00033839').contactsLocationsModule?.locations,
      [],
    );
    expect(rows).toHaveLength(26);
    expect(rows.map((r) => r.ord)).toEqual(rows.map((_, i) => i));
    expect(rows[25]).toMatchObject({ city: 'Alexandria', state: 'Virginia', status: null, lat: 38.80484 });
    expect(countries).toEqual(['United States']);
  });

  it('leaves coordinates null for a site without geoPoint', () => {
    const { rows } = projectLocations([{ facility: 'Research Site', city: 'Oslo', country: 'Norway' }], []);
    expect(rows[0]).toMatchObject({ state: null, zip: null, lat: null, lon: null });
  });
});

describe('projectSponsors', () => {
  it('puts the lead sponsor first, then collaborators, with their class (NCT02300909)', () => {
    expect(projectSponsors(protocol('NCT02300909').sponsorCollaboratorsModule, [])).toEqual([
      { ord: 0, role: 'lead', name: 'MiMedx Group, Inc.', class: 'INDUSTRY' },
      { ord: 1, role: 'collaborator', name: 'Hospital for Special Surgery, New York', class: 'OTHER' },
    ]);
  });

  it('gives one row for a study without collaborators (NCT00353704)', () => {
    expect(projectSponsors(protocol('NCT00353704').sponsorCollaboratorsModule, [])).toEqual([
      { ord: 0, role: 'lead', name: 'Asker & Baerum Hospital', class: 'OTHER' },
    ]);
  });
});

describe('projectConditions', () => {
  it('keeps conditions and keywords as given, ord = index (NCT00033839)', () => {
    expect(projectConditions(protocol('NCT00033839').conditionsModule, [])).toEqual({
      conditions: [{ ord: 0, name: 'Episodic Cluster Headache' }],
      keywords: [
        { ord: 0, keyword: 'Headache' },
        { ord: 1, keyword: 'Cluster' },
        { ord: 2, keyword: 'EC' },
        { ord: 3, keyword: 'Episodic Cluster' },
      ],
    });
  });
});

describe('projectArms and projectInterventions', () => {
  const module = protocol('NCT02300909').armsInterventionsModule;

  it('reads arm groups with their intervention names', () => {
    expect(projectArms(module, [])[1]).toEqual({
      ord: 1,
      label: 'Surgery without dHACM',
      type: 'OTHER',
      description:
        'Control Group - Lumbar Decompression Surgery or Microdiscectomy Surgery without application of dHACM',
      intervention_names: ['Procedure: Lumbar Decompression Surgery', 'Procedure: Microdiscectomy Surgery'],
    });
  });

  it('reads interventions with other names and arm group labels (NCT04431453)', () => {
    const [remdesivir] = projectInterventions(protocol('NCT04431453').armsInterventionsModule, []);
    expect(remdesivir).toMatchObject({
      ord: 0,
      type: 'DRUG',
      name: 'Remdesivir',
      description: 'Administered as an intravenous infusion',
      other_names: ['GS-5734™', 'Veklury®'],
    });
    expect(remdesivir?.arm_group_labels).toHaveLength(8);
  });

  it('gives empty lists where a study has none (NCT00033839: no arm groups, no other names)', () => {
    const module = protocol('NCT00033839').armsInterventionsModule;
    expect(projectArms(module, [])).toEqual([]);
    expect(projectInterventions(module, [])).toEqual([
      {
        ord: 0,
        type: 'DRUG',
        name: 'Civamide (Zucapsaicin)',
        description: null,
        other_names: [],
        arm_group_labels: [],
      },
    ]);
  });
});

describe('projectOutcomes', () => {
  it('numbers primary, secondary and other outcomes in one sequence (NCT01738087: 1 + 2 + 5)', () => {
    const rows = projectOutcomes(protocol('NCT01738087').outcomesModule, []);
    expect(rows.map((r) => r.kind)).toEqual([
      'primary',
      'secondary',
      'secondary',
      'other',
      'other',
      'other',
      'other',
      'other',
    ]);
    expect(rows.map((r) => r.ord)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows[3]).toEqual({
      ord: 3,
      kind: 'other',
      measure: 'Plasma glucose',
      description: 'the following parameters will be evaluated: AUC0-4h, AUC0-12h, Cmax and tmax',
      time_frame: 'from predose until 12 hours postdose',
    });
  });
});

describe('projectReferences', () => {
  it('reads PubMed id, type and citation (NCT00184587)', () => {
    const rows = projectReferences(protocol('NCT00184587').referencesModule, []);
    expect(rows[1]).toEqual({
      ord: 1,
      pmid: '23598371',
      type: 'RESULT',
      citation:
        'Tronvik E, Wienecke T, Monstad I, Dahlof C, Boe MG, Tjensvoll AB, Salvesen R, Zwart JA, Jansson SO, Stovner LJ. Randomised trial on episodic cluster headache with an angiotensin II receptor blocker. Cephalalgia. 2013 Sep;33(12):1026-34. doi: 10.1177/0333102413484989. Epub 2013 Apr 18.',
    });
  });
});

describe('projectEligibility', () => {
  it('reads a month minimum age and a year maximum age (NCT01949129)', () => {
    expect(projectEligibility(protocol('NCT01949129').eligibilityModule, [])).toMatchObject({
      min_age_raw: '1 Month',
      min_age_days: 30.4375,
      min_age_years: 0.083333,
      max_age_raw: '18 Years',
      max_age_days: 6574.5,
      max_age_years: 18,
      sex: 'ALL',
      healthy_volunteers: false,
      std_ages: ['CHILD', 'ADULT'],
    });
  });

  it('reads the "18 Minutes" quirk of NCT01809093 and no maximum age', () => {
    expect(projectEligibility(protocol('NCT01809093').eligibilityModule, [])).toMatchObject({
      min_age_raw: '18 Minutes',
      min_age_days: 0.0125,
      max_age_raw: null,
      max_age_days: null,
      std_ages: ['CHILD', 'ADULT', 'OLDER_ADULT'],
    });
  });

  it('leaves healthy_volunteers null when the registry does not say (NCT00936338)', () => {
    expect(projectEligibility(protocol('NCT00936338').eligibilityModule, []).healthy_volunteers).toBeNull();
  });

  it('resolves markdown escapes in the criteria text (NCT04431453: "\\<" in the JSON)', () => {
    const module = protocol('NCT04431453').eligibilityModule;
    expect(module?.eligibilityCriteria).toContain('Aged \\< 18 years');
    const fields = projectEligibility(module, []);
    expect(fields.eligibility_criteria).toContain('* Aged < 18 years of age');
    expect(fields.eligibility_criteria).not.toMatch(/\\[<>[\]]/);
  });

  it('keeps an unreadable age as raw text with null numbers and a bad_age warning', () => {
    const warnings: FieldWarning[] = [];
    const fields = projectEligibility({ minimumAge: '18 Decades' }, warnings);
    expect(fields).toMatchObject({ min_age_raw: '18 Decades', min_age_days: null, min_age_years: null });
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['bad_age', 'protocolSection.eligibilityModule.minimumAge'],
    ]);
  });
});
