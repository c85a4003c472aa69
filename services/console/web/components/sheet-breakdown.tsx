import { Descriptions, Table, Tag, Typography } from 'antd';
import type { Competition } from '../../../../schemas/competition.schema.ts';
import type { SheetOutcome } from '../../../../schemas/sheet.schema.ts';
import type { CrewBreakdown } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { points } from '../model/format.ts';

type Category = SheetOutcome['categories'][number];
type Veto = CrewBreakdown['crew']['vetoes'][number];

/**
 * 考核细则 in an entrant's breakdown: total and grade, every gate passed or failed with what it
 * saw, each category's points and rate (a click lists its items' findings and deductions and its
 * indicators' points), the bonus within its cap, and the veto items with their findings.
 */
export function SheetBreakdown(props: { definition: Competition; sheet: SheetOutcome; vetoes: readonly Veto[] }) {
  const { t, name, lang } = useI18n();
  const { sheet, definition } = props;
  const spec = definition.sheet;
  const itemName = (categoryId: string, itemId: string) =>
    name(spec?.categories.find((c) => c.id === categoryId)?.items.find((i) => i.id === itemId)?.name) || itemId;
  const indicatorName = (id: string) => name(definition.indicators.find((i) => i.id === id)?.name) || id;
  const failed = sheet.gates.filter((g) => !g.passed);
  const reason = (r: { zh: string; en: string }) => (lang === 'en' ? r.en : r.zh);
  return (
    <div className="section-card" data-testid="sheet-breakdown">
      <Typography.Title level={5}>{t('sheetView.title')}</Typography.Title>
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t('sheetView.total')}>
          <strong>{points(sheet.total)}</strong>
        </Descriptions.Item>
        <Descriptions.Item label={t('sheetView.grade')}>
          <span data-testid="sheet-grade">
            {sheet.grade ? (
              <Tag color="gold">
                {name(sheet.grade.name)}
                {sheet.gradeRank === null ? '' : ` · ${t('sheetView.gradeRank', { n: sheet.gradeRank })}`}
              </Tag>
            ) : failed.length > 0 || !sheet.eligible ? (
              <Tag color="red">{t('sheetView.notEligible')}</Tag>
            ) : (
              '—'
            )}
          </span>
        </Descriptions.Item>
      </Descriptions>
      {sheet.gates.length > 0 ? (
        <Table
          rowKey="gateId"
          size="small"
          pagination={false}
          className="sheet-table"
          data-testid="sheet-gates"
          dataSource={sheet.gates}
          onRow={(g) => ({ 'data-gate-id': g.gateId }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('sheetView.gate'), render: (_, g) => name(g.name) },
            {
              title: t('sheetView.gateResult'),
              width: 90,
              render: (_, g) =>
                g.passed ? (
                  <Tag color="green">{t('sheetView.passed')}</Tag>
                ) : (
                  <Tag color="red">{t('sheetView.failed')}</Tag>
                ),
            },
            { title: t('sheetView.reason'), render: (_, g) => reason(g.reason) },
          ]}
        />
      ) : null}
      {sheet.categories.length > 0 ? (
        <Table<Category>
          rowKey="categoryId"
          size="small"
          pagination={false}
          className="sheet-table"
          data-testid="sheet-categories"
          dataSource={sheet.categories}
          onRow={(c) => ({ 'data-category-id': c.categoryId }) as React.HTMLAttributes<HTMLElement>}
          expandable={{
            expandRowByClick: true,
            rowExpandable: (c) => c.items.length + c.indicators.length > 0,
            expandedRowRender: (c) => (
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                data-testid={`sheet-items-${c.categoryId}`}
                dataSource={[
                  ...c.items.map((i) => ({
                    id: `item:${i.itemId}`,
                    name: itemName(c.categoryId, i.itemId),
                    findings: String(i.findings),
                    change: i.deducted > 0 ? `−${points(i.deducted)}` : '0',
                    points: points(i.points),
                  })),
                  ...c.indicators.map((i) => ({
                    id: `indicator:${i.indicatorId}`,
                    name: `${indicatorName(i.indicatorId)}（${t('sheetView.indicator')}）`,
                    findings: '—',
                    change: `+${points(i.points)}`,
                    points: points(i.points),
                  })),
                ]}
                columns={[
                  { title: t('sheetView.item'), dataIndex: 'name' },
                  { title: t('sheetView.findings'), dataIndex: 'findings', width: 80 },
                  { title: t('sheetView.change'), dataIndex: 'change', width: 80 },
                ]}
              />
            ),
          }}
          columns={[
            {
              title: t('sheetView.category'),
              render: (_, c) => name(spec?.categories.find((x) => x.id === c.categoryId)?.name) || c.categoryId,
            },
            {
              title: t('sheetView.points'),
              width: 110,
              render: (_, c) => `${points(c.points)} / ${points(c.maxPoints)}`,
            },
            {
              title: t('sheetView.rate'),
              width: 90,
              render: (_, c) => <span className={c.rate < 80 ? 'rate-low' : undefined}>{points(c.rate)}%</span>,
            },
          ]}
        />
      ) : null}
      {sheet.bonus && spec?.bonus ? (
        <Descriptions column={1} size="small" bordered className="sheet-table" data-testid="sheet-bonus">
          <Descriptions.Item label={t('sheetView.bonus')}>
            {t('sheetView.bonusValue', {
              points: points(sheet.bonus.points),
              cap: points(spec.bonus.cap),
              uncapped: points(sheet.bonus.uncapped),
            })}
          </Descriptions.Item>
          {sheet.bonus.items
            .filter((i) => i.findings > 0 || i.points > 0)
            .map((i) => (
              <Descriptions.Item key={i.itemId} label={name(spec.bonus?.items.find((b) => b.id === i.itemId)?.name)}>
                +{points(i.points)}（{t('sheetView.findingsN', { n: i.findings })}）
              </Descriptions.Item>
            ))}
        </Descriptions>
      ) : null}
      {spec && spec.vetoItems.length > 0 ? (
        <Descriptions column={1} size="small" bordered className="sheet-table" data-testid="sheet-veto-items">
          {spec.vetoItems.map((item) => {
            const hit = props.vetoes.find((v) => v.vetoId === item.id);
            return (
              <Descriptions.Item key={item.id} label={`${t('sheetView.vetoItem')}：${name(item.name)}`}>
                {hit ? <Tag color="red">{reason(hit.reason)}</Tag> : t('sheetView.vetoClear')}
              </Descriptions.Item>
            );
          })}
        </Descriptions>
      ) : null}
    </div>
  );
}
