// The body of one CAMPAIGN_QUEUE message: one recipient of one campaign. The recipient's
// primary key (campaign_id, contact_id) is the idempotency key the consumer claims in D1.
import { z } from "zod";

export const campaignSendMessage = z.object({
  v: z.literal(1),
  campaign_id: z.string().min(1).max(64),
  contact_id: z.string().min(1).max(64),
  /** The send slot the clock handed out (epoch ms); absent when the campaign is unpaced. */
  slot_at: z.number().int().optional(),
});
export type CampaignSendMessage = z.infer<typeof campaignSendMessage>;
