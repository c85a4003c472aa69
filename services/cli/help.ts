import { CLI_NAME } from './cli-name.ts';

/** Usage, in Chinese then English, with an example per command. */
const SECTIONS: Record<string, string> = {
  apply: `  apply -f <competition.yaml> [-m 说明] [--publish]
      校验并保存竞赛定义为新版本（默认草稿）/ validate and save a definition as a new version (a draft unless --publish)
      例 e.g.  ${CLI_NAME} apply -f wbyc-2026q4.yaml -m "销量权重调为 1.2"`,
  preview: `  preview -f <competition.yaml> [--as-of YYYY-MM-DD] [--limit N]
  preview <id> --version N [--as-of YYYY-MM-DD] [--limit N]
      按草稿试算排名并与当前排名对比 / rank with a draft and compare with the current standings
      例 e.g.  ${CLI_NAME} preview -f wbyc-2026q4.yaml --limit 10`,
  publish: `  publish <id> [--version N] [-m 说明]
      发布草稿（默认最新草稿）/ publish a draft (default: the latest)
      例 e.g.  ${CLI_NAME} publish wbyc-2026q4 --version 3 -m "经工会审定"`,
  close: `  close <id> [--period <阶段>] [-m 说明] [--notice-ends-on YYYY-MM-DD]
      结算一个阶段（默认 final 全程）并冻结其排名，开始公示 / close a period (default final, the whole competition), freeze its standings and open its 公示
      公示截止日按工作日历计算；日历尚无该年份时用 --notice-ends-on 指定 / the 公示's last day comes from the working-day calendar; give it for a year the calendar lacks
      例 e.g.  ${CLI_NAME} close wbyc-2026q4 --period m11`,
  periods: `  periods <id>
      列出阶段、结算与公示状态 / list periods, their closing and their 公示 (in notice, awaiting confirmation, final)
      例 e.g.  ${CLI_NAME} periods wbyc-2026q4`,
  late: `  late <id> --period <阶段>
      结算后才收到的迟到事件 / events that arrived after the period closed
      例 e.g.  ${CLI_NAME} late wbyc-2026q4 --period m11`,
  history: `  history <id>
      版本历史 / version history
      例 e.g.  ${CLI_NAME} history wbyc-2026q4`,
  show: `  show <id> [--version N]
      以 YAML 打印定义（可编辑后再 apply）/ print a definition as YAML, ready to edit and apply
      例 e.g.  ${CLI_NAME} show wbyc-2026q4 > wbyc-2026q4.yaml`,
  standings: `  standings <id> [--as-of YYYY-MM-DD] [--group overall|branch:<id>|unit_type:<type>] [--limit N] [--period <阶段>] [--json]
      排行榜；--period 为已结算阶段的最终排名 / standings; with --period the frozen final standings of a closed period
      例 e.g.  ${CLI_NAME} standings wbyc-2026q4 --group branch:B1 --limit 20`,
  import: `  import <file> [--kind org|events] [--dry-run] [--batch N] [--restart]
      导入组织架构 CSV 或历史事件（.ndjson/.jsonl/.csv，可断点续传）
      import a registry CSV or historical events (.ndjson/.jsonl/.csv, resumable)
      例 e.g.  ${CLI_NAME} import 组织架构.csv --dry-run
               ${CLI_NAME} import events-2026.ndjson --batch 5000`,
  tokens: `  tokens create --name <名称> --role admin|organiser|ingest|viewer [--branch B]… [--unit U]…
  tokens list
  tokens revoke <id>
      管理访问令牌 / manage access tokens
      例 e.g.  ${CLI_NAME} tokens create --name "杭州分公司 POS" --role ingest --branch B1`,
  whoami: `  whoami
      当前令牌的身份 / who the configured token is
      例 e.g.  ${CLI_NAME} whoami`,
};

const HEADER = `劳动竞赛排行榜命令行 / Labour-competition leaderboard CLI

用法 / usage: ${CLI_NAME} <命令 command> [选项 options]
`;

const FOOTER = `
通用选项 / common options:
  --server <URL>   服务器地址（默认 LEADERBOARD_URL 或 http://127.0.0.1:3000）/ server URL (default LEADERBOARD_URL or http://127.0.0.1:3000)
  --token <令牌>   访问令牌（默认 LEADERBOARD_TOKEN）/ access token (default LEADERBOARD_TOKEN)
  -h, --help       帮助 / help

退出码 / exit codes: 0 成功 ok · 1 服务器或输入拒绝 the server or the input said no · 2 用法错误 usage error`;

export function usage(topic?: string): string {
  if (topic !== undefined && SECTIONS[topic] !== undefined) {
    return `${HEADER}\n${SECTIONS[topic]}\n${FOOTER}`;
  }
  return `${HEADER}\n命令 / commands:\n${Object.values(SECTIONS).join('\n\n')}\n${FOOTER}`;
}
