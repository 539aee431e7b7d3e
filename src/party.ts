import type { Identity, Platform } from "./identity";

/** The three parties whose sign-off the legal process needs. */
export type Party = "customer" | "aws" | "partner";

export const parties: readonly Party[] = ["customer", "aws", "partner"];

export const partyLabel: Record<Party, string> = { customer: "Customer", aws: "AWS", partner: "Partner" };

/**
 * Who belongs to the partner: configured per platform (Slack user/user-group ids, Teams AAD object
 * ids). Each chat adapter implements it; `main.ts` routes by platform.
 */
export interface PartnerDirectory {
  isPartner(who: Identity): Promise<boolean>;
  /** The configured partner approvers on one platform (user groups resolved), to name them on the case card. */
  approvers(platform: Platform): Promise<Identity[]>;
}
