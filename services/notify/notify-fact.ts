import type { NotifyFactKind, Subscription } from '../../schemas/notify.schema.ts';

/**
 * One fact a work group hears about, as the fact sources (services/notify/facts/) produce it and the
 * notifier posts it. The text is written once, in Chinese, in the small markdown subset every
 * platform renders: "## " headings, "**bold**", "- " list lines, "[text](url)" links, "> " quotes.
 * The notifier turns it into each platform's body (企业微信 markdown, 钉钉 markdown, 飞书 card).
 */
export interface NotifyFact {
  /**
   * The fact's idempotency key, stable across restarts and instances: the same fact always gets the
   * same key, and another fact never does. E.g. "daily:<competitionId>:2026-12-05",
   * "leader:<competitionId>:<periodId>:<crewId>", "veto:<competitionId>:<day>:<crewId>:<vetoId>",
   * "notice-opened:<competitionId>:<periodId>", "overdue:<reportId>".
   */
  key: string;
  competitionId: string;
  kind: NotifyFactKind;
  /**
   * Only these channels (each still filtered by its subscription asking for the kind): the scheduler
   * posts a daily or weekly fact once per group of subscriptions sharing a time and a length, so one
   * channel's 18:00 post is not another's 20:00 post. Absent: every subscribed channel.
   */
  channelIds?: readonly string[];
  /** hazard_overdue only: the unit whose groups hear about it (channels whose unitIds hold it). */
  unitId?: string;
  /** One line, e.g. "安康杯 · 12月5日亮晒". 钉钉 shows it in the chat list, 飞书 in the card header. */
  title: string;
  /** The message body (see above), ending with a link to the screen or the result page. */
  markdown: string;
  /** When the fact happened (ISO), for the delivery log. */
  occurredAt: string;
}

/** Who posts facts: the outbox behind it keeps one delivery per (channel, fact key) and retries. */
export interface Notifier {
  /**
   * Enqueue the fact for every channel whose subscription to fact.competitionId asks for its kind
   * (hazard_overdue: only channels whose unitIds hold fact.unitId). Idempotent: a key already
   * enqueued for a channel is not enqueued again. Resolves once the outbox rows are stored.
   */
  post(fact: NotifyFact): Promise<void>;
  /** Every competition's subscriptions (the scheduler reads daily/weekly times from here). */
  subscriptions(): Promise<Map<string, Subscription[]>>;
}
