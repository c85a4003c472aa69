import { kafkaEnv } from '../support/kafka.ts';
import { describeLateChangesByLevel } from '../support/late-changes-by-level.ts';

// Through Kafka: the scoring consumer stores the events and corrections (a correction may answer 202).
describeLateChangesByLevel('Kafka', kafkaEnv());
