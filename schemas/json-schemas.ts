import { z } from 'zod';
import { Competition } from './competition.schema.ts';
import {
  AssessmentEvent,
  HazardFoundEvent,
  HazardRectifiedEvent,
  IncidentEvent,
  InnovationEvent,
  NamedMetricEvent,
  MetricEventSchema,
  SalesEvent,
  ViolationEvent,
} from './event.schema.ts';
import { ChannelRequest, SubscriptionsRequest } from './notify.schema.ts';
import { Org } from './org.schema.ts';
import { ScreenData, ScreenSet } from './screen.schema.ts';

/** File name -> schema: what `npm run schemas` writes into schemas/json/. */
export const JSON_SCHEMAS: Record<string, z.ZodType> = {
  'event.schema.json': MetricEventSchema,
  'event-sales.schema.json': SalesEvent,
  'event-incident.schema.json': IncidentEvent,
  'event-hazard-found.schema.json': HazardFoundEvent,
  'event-hazard-rectified.schema.json': HazardRectifiedEvent,
  'event-violation.schema.json': ViolationEvent,
  'event-innovation.schema.json': InnovationEvent,
  'event-metric.schema.json': NamedMetricEvent,
  'event-assessment.schema.json': AssessmentEvent,
  'org.schema.json': Org,
  'competition.schema.json': Competition,
  'screen-set.schema.json': ScreenSet,
  'screen-data.schema.json': ScreenData,
  'notify-channel.schema.json': ChannelRequest,
  'notify-subscriptions.schema.json': SubscriptionsRequest,
};

/** The JSON Schema text of one contract, as it is committed (stable, 2-space indented). */
export function jsonSchemaText(name: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ $id: `urn:labour-leaderboard:schema:${name.replace('.schema.json', '')}`, ...json }, null, 2)}\n`;
}
