import { describe, expect, it } from 'vitest';
import { validateStudy } from '../../src/validate/validate-study.ts';
import { loadStudyFixture, loadStudyFixtures } from '../transform/study-fixtures.ts';

const fixtures = loadStudyFixtures();

/** A deep copy of a real record, changed by `edit`: fixtures are never modified. */
function variant(nctId: string, edit: (document: ReturnType<typeof loadStudyFixture>['document']) => void) {
  const { document } = loadStudyFixture(nctId);
  edit(document);
  return document;
}

describe('validateStudy on the real fixtures', () => {
  it('accepts all 206 records', () => {
    const failed = fixtures
      .map((f) => ({ file: f.file, result: validateStudy(f.document) }))
      .filter((r) => !r.result.ok);
    expect(failed).toEqual([]);
  });

  it('reports only the unknown keys of 2023 records: modelPredictions (47 files) and locations_nested (9)', () => {
    const byPath = new Map<string, number>();
    for (const fixture of fixtures) {
      const result = validateStudy(fixture.document);
      if (!result.ok) throw new Error(fixture.file);
      for (const warning of result.warnings) {
        const key = `${warning.code} ${warning.path}`;
        byPath.set(key, (byPath.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(byPath)).toEqual({
      'unknown_field derivedSection.miscInfoModule.modelPredictions': 47,
      'unknown_field protocolSection.contactsLocationsModule.locations_nested': 9,
    });
  });

  it('hands back the document itself as the typed study when nothing had to be dropped', () => {
    const { document } = loadStudyFixture('NCT00763412');
    const result = validateStudy(document);
    expect(result.ok && result.study).toBe(document);
    expect(result.ok && result.nctId).toBe('NCT00763412');
  });
});

describe('validateStudy quarantines only records that cannot be stored faithfully', () => {
  it.each([
    ['an array', [], '', 'a study record must be a JSON object, got an array'],
    ['a string', 'NCT00007696', '', 'a study record must be a JSON object, got a string'],
    ['null', null, '', 'a study record must be a JSON object, got null'],
  ])('rejects %s at the root', (_name, value, path, message) => {
    expect(validateStudy(value)).toEqual({ ok: false, path, message });
  });

  it('rejects a record without nctId, naming the path', () => {
    const document = variant('NCT00007696', (d) => {
      delete d.protocolSection.identificationModule.nctId;
    });
    expect(validateStudy(document)).toEqual({
      ok: false,
      path: 'protocolSection.identificationModule.nctId',
      message: 'the record has no nctId',
    });
  });

  it('rejects a record without protocolSection as missing its nctId', () => {
    expect(validateStudy({ hasResults: false })).toMatchObject({
      ok: false,
      path: 'protocolSection.identificationModule.nctId',
    });
  });

  it.each([
    ['NCT123', 'malformed nctId "NCT123": expected NCT followed by 8 digits'],
    ['nct00007696', 'malformed nctId "nct00007696": expected NCT followed by 8 digits'],
    ['NCT000076960', 'malformed nctId "NCT000076960": expected NCT followed by 8 digits'],
    ['', 'malformed nctId "": expected NCT followed by 8 digits'],
  ])('rejects the malformed nctId %j', (nctId, message) => {
    const document = variant('NCT00007696', (d) => {
      d.protocolSection.identificationModule.nctId = nctId;
    });
    expect(validateStudy(document)).toEqual({
      ok: false,
      path: 'protocolSection.identificationModule.nctId',
      message,
    });
  });

  it('rejects an nctId that is not a string', () => {
    const document = variant('NCT00007696', (d) => {
      d.protocolSection.identificationModule.nctId = 7696;
    });
    expect(validateStudy(document)).toEqual({
      ok: false,
      path: 'protocolSection.identificationModule.nctId',
      message: 'nctId must be a string, got a number',
    });
  });

  it('accepts an nctId with surrounding whitespace and reports it trimmed', () => {
    const document = variant('NCT00007696', (d) => {
      d.protocolSection.identificationModule.nctId = ' NCT00007696\n';
    });
    expect(validateStudy(document)).toMatchObject({ ok: true, nctId: 'NCT00007696' });
  });
});

describe('validateStudy stores everything else, with warnings', () => {
  it('keeps an unknown overallStatus and reports unknown_enum', () => {
    const document = variant('NCT00007696', (d) => {
      d.protocolSection.statusModule.overallStatus = 'SOMETHING_NEW';
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    expect(result.study.protocolSection?.statusModule?.overallStatus).toBe('SOMETHING_NEW');
    expect(result.warnings).toEqual([
      {
        code: 'unknown_enum',
        path: 'protocolSection.statusModule.overallStatus',
        message: 'unknown value "SOMETHING_NEW"',
      },
    ]);
  });

  it('keeps an unknown phase inside the phases list', () => {
    const document = variant('NCT00033839', (d) => {
      d.protocolSection.designModule.phases = ['PHASE2', 'PHASE5'];
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    expect(result.study.protocolSection?.designModule?.phases).toEqual(['PHASE2', 'PHASE5']);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['unknown_enum', 'protocolSection.designModule.phases[1]'],
    ]);
  });

  it('drops an enrollment count sent as a string from the typed study, keeps it in the document', () => {
    const document = variant('NCT00033839', (d) => {
      d.protocolSection.designModule.enrollmentInfo.count = '120';
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    expect(result.study.protocolSection?.designModule?.enrollmentInfo).toEqual({});
    expect(document.protocolSection.designModule.enrollmentInfo.count).toBe('120');
    expect(result.warnings).toEqual([
      {
        code: 'type_mismatch',
        path: 'protocolSection.designModule.enrollmentInfo.count',
        message: 'Invalid input: expected number, received string; value not used',
      },
    ]);
  });

  it('drops phases that are not a list and keeps the rest of the design module', () => {
    const document = variant('NCT00033839', (d) => {
      d.protocolSection.designModule.phases = 'PHASE2';
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    const design = result.study.protocolSection?.designModule;
    expect(design?.phases).toBeUndefined();
    expect(design?.studyType).toBe('INTERVENTIONAL');
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['type_mismatch', 'protocolSection.designModule.phases'],
    ]);
  });

  it('drops a wrong-typed list element and keeps its neighbours', () => {
    const document = variant('NCT00033839', (d) => {
      d.protocolSection.conditionsModule.conditions = ['Asthma', 42, 'COPD'];
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    expect(result.study.protocolSection?.conditionsModule?.conditions).toEqual(['Asthma', 'COPD']);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['type_mismatch', 'protocolSection.conditionsModule.conditions[1]'],
    ]);
  });

  it('drops a geo point sent as text without touching the other sites', () => {
    const document = variant('NCT02300909', (d) => {
      d.protocolSection.contactsLocationsModule.locations[0].geoPoint.lat = '40.71427';
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    const site = result.study.protocolSection?.contactsLocationsModule?.locations?.[0];
    expect(site?.geoPoint).toEqual({ lon: -74.00597 });
    expect(site?.city).toBe('New York');
    expect(result.warnings.map((w) => w.path)).toEqual([
      'protocolSection.contactsLocationsModule.locations[0].geoPoint.lat',
    ]);
  });

  it('reports a new module-level field once, as unknown_field, and keeps it', () => {
    const document = variant('NCT00007696', (d) => {
      d.protocolSection.statusModule.newDateStruct = { date: '2026-01' };
      d.newSection = {};
    });
    const result = validateStudy(document);
    if (!result.ok) throw new Error(result.message);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['unknown_field', 'protocolSection.statusModule.newDateStruct'],
      ['unknown_field', 'newSection'],
    ]);
    expect((result.study as Record<string, unknown>).newSection).toEqual({});
  });
});
