/**
 * Sponsors: the lead sponsor (ord 0, role 'lead') then the collaborators in source order (ord 1, 2, …,
 * role 'collaborator'), with their agency class (NIH, INDUSTRY, OTHER, …). The table's key is
 * (nct_id, ord), so ord runs over both; rows = 1 (when there is a lead sponsor) + collaborators.
 */
import type { SponsorCollaboratorsModule } from '../validate/study-schema.ts';
import type { FieldWarning, SponsorRow } from './study-projection.ts';
import { cleanText } from './text.ts';

const PATH = 'protocolSection.sponsorCollaboratorsModule';

export function projectSponsors(
  module: SponsorCollaboratorsModule | undefined,
  warnings: FieldWarning[],
): SponsorRow[] {
  const rows: SponsorRow[] = [];
  const lead = module?.leadSponsor;
  if (lead !== undefined) {
    const name = cleanText(lead.name, `${PATH}.leadSponsor.name`, warnings) ?? '';
    rows.push({ ord: 0, role: 'lead', name, class: lead.class ?? null });
  }
  module?.collaborators?.forEach((sponsor, i) => {
    const name = cleanText(sponsor.name, `${PATH}.collaborators[${i}].name`, warnings) ?? '';
    rows.push({ ord: rows.length, role: 'collaborator', name, class: sponsor.class ?? null });
  });
  return rows;
}
