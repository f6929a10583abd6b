/**
 * The workspace index and the cross-guest checks, for the server and the CLI.
 */
export { WorkspaceIndex, type GuestLookup } from './workspaceIndex';
export { summarizeGuest, sameGuest, type GuestSummary, type DiskUse, type LevelUse } from './guestSummary';
export { crossGuestFindings, type CrossGuestFinding, type CrossGuestRuleId } from './crossGuest';
export { normalizeLocalPath } from './resourceIdentity';
