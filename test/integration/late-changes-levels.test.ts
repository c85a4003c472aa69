import { describeLateChangesByLevel } from '../support/late-changes-by-level.ts';

// The HTTP path: events stored by the API's own pipeline into embedded chdb.
describeLateChangesByLevel('HTTP', {});
