import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/canonical-json.ts';
import { studyDocumentSchema } from '../../src/domain/study-document.ts';
import { studyFromProjection } from '../../src/domain/study-from-projection.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import type { StudyProjection } from '../../src/transform/study-projection.ts';
import { fixtureStudies, nctIdOf, type StudyJson, variant } from '../store/support/fixture-records.ts';

function project(study: StudyJson): StudyProjection {
  const outcome = projectStudy({ json: JSON.stringify(study), source: 'test' });
  if (!outcome.ok) throw new Error(outcome.quarantine.message);
  return outcome.study;
}

const studies = fixtureStudies();
const byId = (id: string) => studies.find((s) => nctIdOf(s) === id)!;

describe('the canonical Study document from a ClinicalTrials.gov projection', () => {
  it('maps every one of the 206 fixture studies into a document its schema accepts', () => {
    const failures = studies
      .map((study) => ({
        id: nctIdOf(study),
        parsed: studyDocumentSchema.safeParse(studyFromProjection(project(study))),
      }))
      .filter((r) => !r.parsed.success)
      .map((r) => `${r.id}: ${r.parsed.error?.message}`);
    expect(failures).toEqual([]);
  });

  it('carries the values of the record, read independently from its JSON', () => {
    const json = byId('NCT06863285') as unknown as {
      protocolSection: {
        statusModule: { overallStatus: string };
        designModule: { enrollmentInfo: { count: number }; phases?: string[] };
        conditionsModule: { conditions: string[] };
        contactsLocationsModule?: { locations?: { country?: string }[] };
        sponsorCollaboratorsModule: { leadSponsor: { name: string } };
      };
    };
    const doc = studyFromProjection(project(byId('NCT06863285')));
    const p = json.protocolSection;
    expect(doc).toMatchObject({
      schemaVersion: 1,
      registry: 'ctgov',
      id: 'NCT06863285',
      status: { overall: p.statusModule.overallStatus },
      enrollment: { count: p.designModule.enrollmentInfo.count },
      conditions: { listed: p.conditionsModule.conditions },
      sponsors: { lead: { name: p.sponsorCollaboratorsModule.leadSponsor.name } },
      design: { phases: p.designModule.phases ?? [] },
    });
    expect(doc.sites).toHaveLength(p.contactsLocationsModule?.locations?.length ?? 0);
  });

  it('keeps MeSH ids and terms of the conditions with their ancestors', () => {
    const doc = studyFromProjection(project(byId('NCT03103880')));
    expect(doc.conditions.mesh).toContainEqual({ id: 'D001249', term: 'Asthma' });
    expect(doc.conditions.meshAncestors.length).toBeGreaterThan(0);
  });

  it('gives the same document when only the volatile versionHolder differs', () => {
    const study = byId('NCT05086315');
    const refreshed = variant(study, (copy) => {
      copy.derivedSection!.miscInfoModule!.versionHolder = '2030-01-01';
    });
    const a = project(study);
    const outcome = projectStudy(refreshed);
    if (!outcome.ok) throw new Error('projects');
    expect(outcome.study.contentHash).toBe(a.contentHash);
    expect(canonicalJson(studyFromProjection(outcome.study))).toBe(canonicalJson(studyFromProjection(a)));
  });

  it('spells partial dates as the period they name', () => {
    const doc = studyFromProjection(project(byId('NCT01958125')));
    expect(doc.dates.completion).toEqual({
      date: '2015-01-01',
      end: '2015-01-31',
      precision: 'month',
      type: expect.any(String),
      raw: '2015-01',
    });
  });
});
