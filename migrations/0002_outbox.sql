CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`instance_id` text NOT NULL,
	`sender` text NOT NULL,
	`message_id` text,
	`campaign_id` text,
	`contact_id` text,
	`number` text NOT NULL,
	`type` text NOT NULL,
	`content` text,
	`media_key` text,
	`mime_type` text,
	`file_name` text,
	`content_hash` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`external_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`uncertain` integer DEFAULT false NOT NULL,
	`first_attempt_at` integer,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`deadline_at` integer NOT NULL,
	`error` text,
	`retryable` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_uq` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_instance_idx` ON `outbox` (`instance_id`,`state`);--> statement-breakpoint
CREATE INDEX `outbox_match_idx` ON `outbox` (`instance_id`,`number`,`content_hash`);--> statement-breakpoint
CREATE INDEX `outbox_message_idx` ON `outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `outbox_external_idx` ON `outbox` (`instance_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `outbox_campaign_idx` ON `outbox` (`campaign_id`,`state`);--> statement-breakpoint
ALTER TABLE `campaign_messages` ADD `attachment_key` text;--> statement-breakpoint
ALTER TABLE `campaign_recipients` ADD `outbox_id` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `paused_by` text;--> statement-breakpoint
ALTER TABLE `instances` ADD `breaker_open_since` integer;--> statement-breakpoint
ALTER TABLE `instances` ADD `breaker_error` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `outbox_id` text;--> statement-breakpoint
-- Campaigns paused before this migration: a user's pause stays a user's, any other was the instance's.
UPDATE `campaigns` SET `paused_by` = CASE WHEN `pause_reason` = 'Paused by a user' THEN 'user' ELSE 'disconnected' END WHERE `status` = 'paused';
