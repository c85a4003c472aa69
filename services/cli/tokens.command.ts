import { z } from 'zod';
import { TokenCreated, TokenInfo, TokenList, WhoAmI, type Role } from '../../schemas/access.schema.ts';
import { paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { CLI_NAME } from './cli-name.ts';
import { call, seg } from './http-client.ts';
import { formatTime, renderTable } from './table.ts';

const ROLE = {
  admin: '管理员',
  organiser: '组织者',
  ingest: '数据上报',
  viewer: '只读',
  reporter: '上报人',
} as const satisfies Record<Role, string>;

function scope(token: z.infer<typeof TokenInfo>): string {
  const parts = [
    ...(token.branchIds.length > 0 ? [`分公司 branches ${token.branchIds.join(',')}`] : []),
    ...(token.unitIds.length > 0 ? [`单位 units ${token.unitIds.join(',')}`] : []),
    ...(token.crewIds.length > 0 ? [`班组 crews ${token.crewIds.join(',')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : '全部 all';
}

export async function runTokensCreate(
  deps: CommandDeps,
  options: { name: string; role: Role; branchIds: string[]; unitIds: string[] },
): Promise<void> {
  const { out, http } = deps;
  const p = paint(out.color);
  const created = await call(http, TokenCreated, {
    method: 'POST',
    path: '/v1/tokens',
    json: { name: options.name, role: options.role, branchIds: options.branchIds, unitIds: options.unitIds },
  });
  out.out(
    `已创建令牌 / token created: ${created.id}  ${created.name}  ${ROLE[created.role]} ${created.role}  ${scope(created)}`,
  );
  out.out('');
  out.out(`    ${p.bold(created.token)}`);
  out.out('');
  out.out(p.yellow('只显示这一次，请立即保存 / shown once: store it now'));
  out.out(`使用 / use: LEADERBOARD_TOKEN=<令牌 token> ${CLI_NAME} whoami`);
}

export async function runTokensList(deps: CommandDeps): Promise<void> {
  const { out, http } = deps;
  const list = await call(http, TokenList, { method: 'GET', path: '/v1/tokens' });
  const table = renderTable(
    [
      { header: '编号 ID' },
      { header: '名称 Name' },
      { header: '角色 Role' },
      { header: '范围 Scope' },
      { header: '创建 Created' },
      { header: '状态 Status' },
    ],
    list.tokens.map((t) => [
      t.id,
      t.name,
      `${ROLE[t.role]} ${t.role}`,
      scope(t),
      `${formatTime(t.createdAt)}${t.createdBy ? ` ${t.createdBy}` : ''}`,
      t.revokedAt === null ? '有效 active' : `已吊销 revoked ${formatTime(t.revokedAt)}`,
    ]),
  );
  for (const line of table) out.out(line);
}

export async function runTokensRevoke(deps: CommandDeps, options: { id: string }): Promise<void> {
  const { out, http } = deps;
  const token = await call(http, TokenInfo, { method: 'DELETE', path: `/v1/tokens/${seg(options.id)}` });
  out.out(
    `已吊销令牌 / token revoked: ${token.id} ${token.name}（${formatTime(token.revokedAt)}）；持有者此后会被拒绝 / its holder is refused from now on`,
  );
}

export async function runWhoAmI(deps: CommandDeps): Promise<void> {
  const { out, http } = deps;
  const who = await call(http, WhoAmI, { method: 'GET', path: '/v1/whoami' });
  out.out(`服务器 / server: ${http.serverUrl}`);
  if (who.open) out.out('服务器未启用访问控制（开放模式）/ the server runs without access control (open mode)');
  if (who.token === null) {
    out.out(
      who.authenticated
        ? '已认证 / authenticated'
        : '未认证：没有令牌 / not authenticated: no token (--token or LEADERBOARD_TOKEN)',
    );
    return;
  }
  out.out(`令牌 / token: ${who.token.id}  ${who.token.name}`);
  out.out(`角色 / role: ${ROLE[who.token.role]} ${who.token.role}；范围 / scope: ${scope(who.token)}`);
}
