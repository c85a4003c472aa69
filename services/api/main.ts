import { runLeaderboard } from './run-leaderboard.ts';

await runLeaderboard({
  ingest: true,
  requireKafka: false,
  title: '劳动竞赛排行榜已启动 / Labour-competition leaderboard is running',
});
