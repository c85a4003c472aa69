import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { Competition } from '../../../../schemas/competition.schema.ts';
import { api, type StandingsRow } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { groupsOf } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { CrewDrawer } from './crew-drawer.tsx';
import { ResultsActions } from './results-actions.tsx';
import { standingsColumns } from './standings-columns.tsx';
import { useOrg } from '../org-context.tsx';

/** The live standings of a competition, by ranking group and day, with each crew's breakdown. */
/** The line above the table counts and names the competition's entrants. */
const META_KEY = {
  crew: 'standings.meta',
  unit: 'standings.metaUnits',
  branch: 'standings.metaBranches',
  person: 'standings.metaPersons',
} as const;

export function StandingsTab(props: { competitionId: string; definition: Competition }) {
  const { t, name, lang } = useI18n();
  const [group, setGroup] = useState('overall');
  const [asOf, setAsOf] = useState<string>();
  const [crewId, setCrewId] = useState<string>();
  const org = useOrg();
  const standings = useApi(
    () => api.standings(props.competitionId, { group, asOf, limit: 500 }),
    [props.competitionId, group, asOf],
  );
  const groups = groupsOf(props.definition.rankingGroups, org.data);
  const data = standings.data;
  return (
    <>
      <Space className="section-card" wrap>
        <Select
          value={group}
          onChange={setGroup}
          className="group-select"
          options={groups.map((g) => ({
            value: g.value,
            label:
              g.kind === 'overall'
                ? t('group.overall')
                : `${t(`group.${g.kind}`)}：${g.kind === 'unit_type' ? t(`unitType.${g.key}` as 'unitType.station') : g.key}`,
          }))}
        />
        <DatePicker
          value={asOf ? dayjs(asOf) : null}
          onChange={(d) => setAsOf(d ? d.format('YYYY-MM-DD') : undefined)}
          placeholder={t('standings.today')}
          allowClear
        />
        <Button icon={<ReloadOutlined />} onClick={() => void standings.reload()} data-testid="refresh-standings">
          {t('common.refresh')}
        </Button>
        <ResultsActions competitionId={props.competitionId} group={group} {...(asOf ? { asOf } : {})} />
        {data ? (
          <Typography.Text type="secondary">
            {t(META_KEY[props.definition.entrants], {
              asOf: data.asOf,
              version: data.definitionVersion,
              total: data.total,
            })}
          </Typography.Text>
        ) : null}
      </Space>
      {standings.error ? <Alert type="error" showIcon title={apiMessage(standings.error.message, lang)} /> : null}
      <Table<StandingsRow>
        rowKey="crewId"
        loading={standings.loading}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(row) => ({ onClick: () => setCrewId(row.crewId), className: 'clickable-row' })}
        data-testid="standings-table"
        scroll={{ x: 'max-content' }}
        columns={standingsColumns(props.definition, data?.rows ?? [], { t, name, lang })}
      />
      <CrewDrawer
        competitionId={props.competitionId}
        definition={props.definition}
        crewId={crewId}
        {...(asOf ? { asOf } : {})}
        onClose={() => setCrewId(undefined)}
      />
    </>
  );
}
