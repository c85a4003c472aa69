import { Radio, Space, TreeSelect, Typography } from 'antd';
import type { Org } from '../../../../schemas/org.schema.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { CompetitionForm } from '../model/definition-form.ts';

type Participants = CompetitionForm['participants'];

/**
 * Who takes part: every crew, or chosen branches, units and crews from one tree of the registry.
 * A branch organiser may only choose inside its branches; the rest of the tree is shown, disabled.
 */
export function ParticipantsPicker(props: {
  value?: Participants;
  onChange?: (next: Participants) => void;
  org: Org | undefined;
  allowedBranchIds: readonly string[];
}) {
  const { t } = useI18n();
  const value = props.value ?? { scope: 'all', branchIds: [], unitIds: [], crewIds: [] };
  const limited = props.allowedBranchIds.length > 0;
  const allowed = (branchId: string) => !limited || props.allowedBranchIds.includes(branchId);
  const org = props.org;
  const unitsOf = (branchId: string) => org?.units.filter((u) => u.branchId === branchId) ?? [];
  const crewsOf = (unitId: string) => org?.crews.filter((c) => c.unitId === unitId && !c.retired) ?? [];
  const treeData =
    org?.branches.map((b) => ({
      title: b.name,
      value: `b:${b.id}`,
      disabled: !allowed(b.id),
      children: unitsOf(b.id).map((u) => ({
        title: u.name,
        value: `u:${u.id}`,
        disabled: !allowed(b.id),
        children: crewsOf(u.id).map((c) => ({ title: c.name, value: `c:${c.id}`, disabled: !allowed(b.id) })),
      })),
    })) ?? [];
  const selected = [
    ...value.branchIds.map((id) => `b:${id}`),
    ...value.unitIds.map((id) => `u:${id}`),
    ...value.crewIds.map((id) => `c:${id}`),
  ];
  const pick = (keys: string[]) => {
    const of = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(2));
    props.onChange?.({ scope: 'selected', branchIds: of('b:'), unitIds: of('u:'), crewIds: of('c:') });
  };
  return (
    <Space orientation="vertical" className="full-width">
      <Radio.Group
        value={value.scope}
        onChange={(event) => props.onChange?.({ ...value, scope: event.target.value as Participants['scope'] })}
        options={[
          { value: 'all', label: t('participants.all'), disabled: limited },
          { value: 'selected', label: t('participants.selected') },
        ]}
      />
      {value.scope === 'selected' ? (
        <TreeSelect
          className="full-width"
          treeData={treeData}
          value={selected}
          onChange={(keys: string[]) => pick(keys)}
          treeCheckable
          showCheckedStrategy={TreeSelect.SHOW_PARENT}
          placeholder={t('participants.placeholder')}
          treeDefaultExpandAll={false}
          maxTagCount={12}
          data-testid="participants-tree"
        />
      ) : (
        <Typography.Text type="secondary">
          {t('participants.allHelp', { crews: org?.crews.filter((c) => !c.retired).length ?? 0 })}
        </Typography.Text>
      )}
    </Space>
  );
}
