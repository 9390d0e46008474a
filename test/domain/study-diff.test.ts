import { describe, expect, it } from 'vitest';
import { diffStudies } from '../../src/domain/study-diff.ts';
import type { StudyDocument } from '../../src/domain/study-document.ts';
import { studyFromProjection } from '../../src/domain/study-from-projection.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { fixtureStudies, nctIdOf } from '../store/support/fixture-records.ts';

function documentOf(nctId: string): StudyDocument {
  const study = fixtureStudies().find((s) => nctIdOf(s) === nctId)!;
  const outcome = projectStudy({ json: JSON.stringify(study), source: 'test' });
  if (!outcome.ok) throw new Error(outcome.quarantine.message);
  return studyFromProjection(outcome.study);
}

describe('field-level differences between Study versions', () => {
  const base = documentOf('NCT05086315');

  it('reports nothing for the same content', () => {
    expect(diffStudies(base, structuredClone(base))).toEqual([]);
  });

  it('reports changed values by dotted path with before and after, in document order', () => {
    const after = structuredClone(base);
    after.enrollment.count = 999;
    after.status.overall = 'COMPLETED';
    after.design.phases = ['PHASE3'];
    expect(diffStudies(base, after)).toEqual([
      { path: 'status.overall', before: 'RECRUITING', after: 'COMPLETED' },
      { path: 'design.phases', before: base.design.phases, after: ['PHASE3'] },
      { path: 'enrollment.count', before: base.enrollment.count, after: 999 },
    ]);
  });

  it('reports a list of objects as the elements added and removed, ignoring moves', () => {
    expect(base.sites.length).toBeGreaterThan(1);
    const after = structuredClone(base);
    const [first, ...rest] = after.sites;
    const added = { ...first!, facility: 'New Site', city: 'Lyon' };
    after.sites = [...rest.slice(1), first!, added];
    expect(diffStudies(base, after)).toEqual([{ path: 'sites', added: [added], removed: [base.sites[1]] }]);
  });

  it('reports a date that appears as the whole new value', () => {
    const before = structuredClone(base);
    before.dates.completion = null;
    expect(diffStudies(before, base)).toEqual([
      { path: 'dates.completion', before: null, after: base.dates.completion },
    ]);
  });
});
