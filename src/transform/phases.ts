/**
 * Study type, phases, enrollment and status: the design facts people filter on.
 *
 * Phases are kept as given (order and values): `["PHASE1","PHASE2"]` is shown as "PHASE1/PHASE2" (the
 * API's combined phases are only PHASE1+PHASE2 and PHASE2+PHASE3); observational studies have none, so
 * phases [] and phase null. Values outside the documented enums (a new phase, a new status) are kept
 * here; validateStudy has already reported them as `unknown_enum`, so nothing is reported twice.
 */
import type { DesignModule, StatusModule } from '../validate/study-schema.ts';

export interface PhaseFields {
  study_type: string | null;
  phases: string[];
  phase: string | null;
  enrollment: number | null;
  enrollment_type: string | null;
  overall_status: string | null;
  last_known_status: string | null;
}

export function projectPhases(
  design: DesignModule | undefined,
  status: StatusModule | undefined,
): PhaseFields {
  const phases = design?.phases === undefined ? [] : [...design.phases];
  return {
    study_type: design?.studyType ?? null,
    phases,
    phase: phaseDisplay(phases),
    enrollment: design?.enrollmentInfo?.count ?? null,
    enrollment_type: design?.enrollmentInfo?.type ?? null,
    overall_status: status?.overallStatus ?? null,
    last_known_status: status?.lastKnownStatus ?? null,
  };
}

/** `['PHASE1','PHASE2']` → "PHASE1/PHASE2"; `[]` → null. */
export function phaseDisplay(phases: readonly string[]): string | null {
  return phases.length === 0 ? null : phases.join('/');
}
