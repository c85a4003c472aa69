import { Competition } from '../../schemas/competition.schema.ts';
import type { Org } from '../../schemas/org.schema.ts';
import { InvalidInputError, formatPath, zodIssuesToFieldErrors, type FieldError } from '../shared/errors.ts';

/**
 * Participants named in a definition that the registry does not have. Read from the raw input,
 * so they are reported beside the schema's problems rather than after they are fixed.
 */
function unknownParticipants(raw: unknown, org: Org): FieldError[] {
  const participants = (raw as { participants?: unknown } | null)?.participants as
    { scope?: unknown; branchIds?: unknown; unitIds?: unknown; crewIds?: unknown } | undefined;
  if (participants?.scope !== 'selected') return [];
  const lists = [
    ['branchIds', new Set(org.branches.map((b) => b.id)), '分公司 branch'],
    ['unitIds', new Set(org.units.map((u) => u.id)), '单位 unit'],
    ['crewIds', new Set(org.crews.map((c) => c.id)), '班组 crew'],
  ] as const;
  const problems: FieldError[] = [];
  for (const [key, known, what] of lists) {
    const ids = participants[key];
    if (!Array.isArray(ids)) continue;
    ids.forEach((id: unknown, index) => {
      if (typeof id === 'string' && !known.has(id)) {
        problems.push({
          path: formatPath(['participants', key, index]),
          message: `${what} "${id}" 不在组织架构中 / is not in the registry`,
        });
      }
    });
  }
  return problems;
}

/**
 * A competition definition checked against the schema and the registry, every problem at once
 * with its path; throws InvalidInputError (422, code invalid_competition) listing them.
 */
export function validateDefinition(raw: unknown, org: Org): Competition {
  const parsed = Competition.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : zodIssuesToFieldErrors(parsed.error.issues)),
    ...unknownParticipants(raw, org),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new InvalidInputError(
      'invalid_competition',
      `竞赛定义有 ${problems.length} 处问题 / the competition definition has ${problems.length} problem(s): ${problems
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}`,
      problems,
    );
  }
  return parsed.data;
}
