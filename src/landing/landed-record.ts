/**
 * One study record as read back from the landing area (or any file given to `cds load`), before parsing.
 * `json` is the exact text of the study object as received (a page's `studies[]` element, a zip entry,
 * an NDJSON line, a JSON array element), so parse errors are caught by validation and quarantined with
 * the text that caused them.
 */
export interface LandedRecord {
  /** The record's text, exactly as received. */
  json: string;
  /** Where it came from, for messages and quarantine: `pages/000003.json#17`, `ctg-studies.json.zip:35/NCT02252835.json`. */
  source: string;
}
