/** The console's words in Chinese, the language of the union offices; en.ts has the same keys. */
export const zhCN = {
  'app.title': '工会工作台',
  'app.subtitle': '劳动竞赛 · 安康杯 · 排行榜管理',
  'app.unreachable': '无法连接服务器',
  'menu.dashboard': '工作台',
  'menu.competitions': '竞赛管理',
  'menu.registry': '组织架构',
  'menu.screens': '大屏管理',
  'menu.tokens': '访问令牌',
  'menu.settings': '集团设置',
  'notFound.title': '页面不存在',
  'notFound.body': '地址有误，或此页已移动。',
  'role.admin': '管理员',
  'role.organiser': '组织者',
  'role.ingest': '数据上报',
  'role.viewer': '查看者',
  'role.open': '开放模式（无令牌）',
  'role.branches': '限 {list}',
  'open.tag': '开放模式',
  'open.banner':
    '开放模式：服务器未启用访问控制，本机上任何人无需令牌即可修改竞赛、组织架构和数据。正式使用前请以 AUTH_MODE=tokens 启动。',
  'signIn.token': 'API 令牌',
  'signIn.tokenRequired': '请粘贴 API 令牌',
  'signIn.help':
    '首次启动时，服务器会在终端里打印第一个管理员令牌（只显示一次）；其他人的令牌由管理员在“访问令牌”页创建。令牌只保存在本浏览器标签页中，关闭即忘记。',
  'signIn.submit': '登录',
  'signIn.refused': '令牌未通过：{reason}',
  'signIn.signOut': '退出登录',
  'signIn.useToken': '使用令牌登录',
} as const;

export type MessageKey = keyof typeof zhCN;
export type Messages = Record<MessageKey, string>;
