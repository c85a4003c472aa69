import { runLeaderboard } from '../api/run-leaderboard.ts';

// The scoring service: consumes the events topic into ClickHouse, keeps the standings, and
// serves the read API (standings, registry, competitions). Events come in through npm run ingest.
await runLeaderboard({
  ingest: false,
  requireKafka: true,
  title: '计分服务已启动 / Scoring service is running',
});
