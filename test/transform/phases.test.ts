import { describe, expect, it } from 'vitest';
import { phaseDisplay, projectPhases } from '../../src/transform/phases.ts';
import type { DesignModule, StatusModule } from '../../src/validate/study-schema.ts';
import { loadStudyFixture, loadStudyFixtures } from './study-fixtures.ts';

describe('phaseDisplay', () => {
  it.each([
    // Every phases list present in the fixtures.
    [['NA'], 'NA'],
    [['EARLY_PHASE1'], 'EARLY_PHASE1'],
    [['PHASE1'], 'PHASE1'],
    [['PHASE1', 'PHASE2'], 'PHASE1/PHASE2'],
    [['PHASE2'], 'PHASE2'],
    [['PHASE2', 'PHASE3'], 'PHASE2/PHASE3'],
    [['PHASE3'], 'PHASE3'],
    [['PHASE4'], 'PHASE4'],
    [[], null],
    [['PHASE5'], 'PHASE5'],
  ])('shows %j as %j', (phases, display) => {
    expect(phaseDisplay(phases)).toBe(display);
  });

  it('covers every phases list found in the fixtures', () => {
    const lists = new Set(
      loadStudyFixtures().map((f) => JSON.stringify(f.document.protocolSection.designModule?.phases ?? [])),
    );
    expect([...lists].sort()).toEqual(
      [
        '[]',
        '["EARLY_PHASE1"]',
        '["NA"]',
        '["PHASE1"]',
        '["PHASE1","PHASE2"]',
        '["PHASE2"]',
        '["PHASE2","PHASE3"]',
        '["PHASE3"]',
        '["PHASE4"]',
      ].sort(),
    );
  });
});

describe('projectPhases', () => {
  function fieldsOf(nctId: string) {
    const protocol = loadStudyFixture(nctId).document.protocolSection;
    return projectPhases(protocol.designModule as DesignModule, protocol.statusModule as StatusModule);
  }

  it('reads an UNKNOWN study with its last known status (NCT00399243)', () => {
    expect(fieldsOf('NCT00399243')).toEqual({
      study_type: 'INTERVENTIONAL',
      phases: ['PHASE4'],
      phase: 'PHASE4',
      enrollment: 20,
      enrollment_type: 'ESTIMATED',
      overall_status: 'UNKNOWN',
      last_known_status: 'RECRUITING',
    });
  });

  it('reads a combined phase with an actual enrollment (NCT04431453)', () => {
    expect(fieldsOf('NCT04431453')).toMatchObject({
      phases: ['PHASE2', 'PHASE3'],
      phase: 'PHASE2/PHASE3',
      enrollment: 59,
      enrollment_type: 'ACTUAL',
      overall_status: 'COMPLETED',
      last_known_status: null,
    });
  });

  it('gives an observational study no phase (NCT00258583)', () => {
    expect(fieldsOf('NCT00258583')).toMatchObject({ study_type: 'OBSERVATIONAL', phases: [], phase: null });
  });

  it('leaves enrollment_type null when the count comes without a type (NCT00033839)', () => {
    expect(fieldsOf('NCT00033839')).toMatchObject({ enrollment: 60, enrollment_type: null });
  });

  it('gives nulls for a study without design and status modules', () => {
    expect(projectPhases(undefined, undefined)).toEqual({
      study_type: null,
      phases: [],
      phase: null,
      enrollment: null,
      enrollment_type: null,
      overall_status: null,
      last_known_status: null,
    });
  });
});
