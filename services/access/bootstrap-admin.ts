import type { ApiTokens } from './api-tokens.ts';

/**
 * The first admin token. BOOTSTRAP_ADMIN_TOKEN (a secret from a deployment's secret store) is
 * registered once; otherwise, with access control on and no admin yet, one is made and returned
 * so the start banner can show it, once. Open mode needs none until access control is turned on.
 */
export async function bootstrapAdmin(
  tokens: ApiTokens,
  options: { open: boolean; bootstrapAdminToken: string | undefined },
): Promise<{ adopted: boolean; generated: string | undefined }> {
  if (options.bootstrapAdminToken !== undefined) {
    const adopted = await tokens.adopt(options.bootstrapAdminToken, 'bootstrap admin');
    return { adopted: adopted !== undefined, generated: undefined };
  }
  if (options.open || tokens.hasActiveAdmin()) return { adopted: false, generated: undefined };
  const { token } = await tokens.create(
    { name: 'first admin', role: 'admin', branchIds: [], unitIds: [], crewIds: [] },
    'start',
  );
  return { adopted: false, generated: token };
}
