import { Alert, App, Button, Empty, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { Org } from '../../../../schemas/org.schema.ts';
import { api } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { branchAllowed } from '../model/permissions.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';

/**
 * 目标: each crew's target per competition and metric, as one editable table (the metrics are those
 * the competition's target-completion indicators judge). Changed cells are saved together.
 */
export function TargetsTab(props: { org: Org; onSaved: () => void }) {
  const { t, name, lang, metric } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const list = useApi(() => api.competitions(), []);
  const [competitionId, setCompetitionId] = useState<string>();
  const chosen = competitionId ?? list.data?.competitions[0]?.id;
  const summary = list.data?.competitions.find((c) => c.id === chosen);
  const latest = useApi(async () => {
    if (!chosen) return undefined;
    const history = await api.history(chosen);
    const newest = history.versions[0];
    return newest ? (await api.version(chosen, newest.version)).definition : undefined;
  }, [chosen]);
  const [edits, setEdits] = useState(new Map<string, number>());
  const [saving, setSaving] = useState(false);

  const metrics = useMemo(
    () => [
      ...new Set((latest.data?.indicators ?? []).flatMap((i) => (i.rule.kind === 'target' ? [i.rule.metric] : []))),
    ],
    [latest.data],
  );
  const unitOf = new Map(props.org.units.map((u) => [u.id, u]));
  const current = new Map(
    props.org.targets.filter((x) => x.competitionId === chosen).map((x) => [`${x.crewId}/${x.metric}`, x.value]),
  );
  const crews = props.org.crews.filter((c) => !c.retired);
  const editable = (crewId: string) => {
    const unit = unitOf.get(props.org.crews.find((c) => c.id === crewId)?.unitId ?? '');
    return summary?.manageable === true && unit !== undefined && branchAllowed(can, unit.branchId);
  };

  async function save() {
    if (!chosen) return;
    setSaving(true);
    try {
      const targets = [...edits].map(([key, value]) => {
        const [crewId = '', m = ''] = key.split('/');
        return { competitionId: chosen, crewId, metric: m, value };
      });
      const result = await api.changeOrg({ targets });
      void message.success(t('targets.saved', { n: result.targets.created + result.targets.updated }));
      setEdits(new Map());
      props.onSaved();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Space className="section-card" wrap>
        <Select
          className="group-select"
          value={chosen}
          onChange={(id: string) => {
            setCompetitionId(id);
            setEdits(new Map());
          }}
          options={(list.data?.competitions ?? []).map((c) => ({ value: c.id, label: name(c.name) }))}
          placeholder={t('targets.pick')}
        />
        <Button type="primary" disabled={edits.size === 0} loading={saving} onClick={() => void save()}>
          {t('targets.save', { n: edits.size })}
        </Button>
        <Typography.Text type="secondary">{t('targets.help')}</Typography.Text>
      </Space>
      {latest.error ? <Alert type="error" showIcon title={apiMessage(latest.error.message, lang)} /> : null}
      {metrics.length === 0 ? (
        <Empty description={t('targets.none')} />
      ) : (
        <Table
          rowKey="id"
          size="small"
          dataSource={crews}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: t('registry.crewName'), dataIndex: 'name' },
            { title: t('registry.unit'), render: (_, c) => unitOf.get(c.unitId)?.name ?? c.unitId },
            ...metrics.map((m) => ({
              title: metric(m),
              render: (_: unknown, c: Org['crews'][number]) => {
                const key = `${c.id}/${m}`;
                const value = edits.get(key) ?? current.get(key);
                return (
                  <InputNumber
                    min={0}
                    value={value ?? null}
                    disabled={!editable(c.id)}
                    placeholder={t('targets.unset')}
                    onChange={(next) => {
                      const copy = new Map(edits);
                      if (typeof next === 'number' && next > 0 && next !== current.get(key)) copy.set(key, next);
                      else copy.delete(key);
                      setEdits(copy);
                    }}
                  />
                );
              },
            })),
          ]}
        />
      )}
    </>
  );
}
