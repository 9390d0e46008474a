/**
 * The registry's mix of statuses, study types and phases (ctgov-api.md §6, /stats/field/values of 2026-08-10:
 * 597,913 studies). Shares are of all studies unless said otherwise.
 */

/** overallStatus: COMPLETED 326,411 (54.6 %), UNKNOWN 95,839 (16.0 %), RECRUITING 64,874 (10.8 %), … */
export const STATUS_SHARE = {
  COMPLETED: 0.546,
  UNKNOWN: 0.16,
  RECRUITING: 0.108,
  TERMINATED: 0.057,
  NOT_YET_RECRUITING: 0.049,
  ACTIVE_NOT_RECRUITING: 0.037,
  WITHDRAWN: 0.027,
  ENROLLING_BY_INVITATION: 0.011,
  SUSPENDED: 0.003,
  WITHHELD: 0.0002,
} as const;
export type OverallStatus = keyof typeof STATUS_SHARE;

/** studyType: INTERVENTIONAL 456,305 (76.3 %), OBSERVATIONAL 139,562 (23.3 %), EXPANDED_ACCESS 1,062 (0.18 %). */
export const STUDY_TYPE_SHARE = {
  INTERVENTIONAL: 0.763,
  OBSERVATIONAL: 0.2332,
  EXPANDED_ACCESS: 0.0018,
} as const;
export type StudyType = keyof typeof STUDY_TYPE_SHARE;

/**
 * phases of interventional studies: NA 234,000, PHASE2 89,682, PHASE1 65,343, PHASE3 49,625, PHASE4 35,631,
 * EARLY_PHASE1 6,433 — counts include the two combinations, which the fixtures show at ~8 % and ~7 %.
 */
export const PHASES_SHARE = {
  NA: 0.5,
  PHASE2: 0.15,
  PHASE1: 0.11,
  PHASE3: 0.085,
  PHASE4: 0.078,
  EARLY_PHASE1: 0.014,
  'PHASE1+PHASE2': 0.045,
  'PHASE2+PHASE3': 0.018,
} as const;

/** Expanded-access records have their own statuses. */
export const EXPANDED_ACCESS_STATUS_SHARE = {
  AVAILABLE: 0.3,
  NO_LONGER_AVAILABLE: 0.45,
  APPROVED_FOR_MARKETING: 0.2,
  TEMPORARILY_NOT_AVAILABLE: 0.05,
} as const;

/** Share of studies with posted results: 79,594 of 597,913 (13.3 %), all of them completed or terminated. */
export const RESULTS_SHARE = 0.133;

/** NormalizedTime units as they appear in minimumAge/maximumAge (singular and plural, all six units). */
export const AGE_FORMS = {
  Years: 0.9,
  Year: 0.03,
  Months: 0.03,
  Month: 0.005,
  Weeks: 0.01,
  Week: 0.002,
  Days: 0.015,
  Day: 0.003,
  Hours: 0.002,
  Hour: 0.001,
  Minutes: 0.001,
  Minute: 0.0005,
} as const;
