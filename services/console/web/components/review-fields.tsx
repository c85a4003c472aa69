import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Select, Space, Typography, type FormInstance } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import type { CompetitionForm, ReviewForm } from '../model/definition-form.ts';
import type { RemoveListItem } from '../use-api-field-errors.ts';

const REPORTABLE = ['hazard_found', 'hazard_rectified', 'violation', 'incident', 'innovation'] as const;

/**
 * 审核设置: which reported types count only once reviewed, and at which levels in order (e.g.
 * 单位安全员, then 分公司工会). None by default: reports then count at once like system events.
 */
export function ReviewCard(props: { form: FormInstance<CompetitionForm>; removeListItem: RemoveListItem }) {
  const { t } = useI18n();
  return (
    <Card title={t('editor.review')} className="section-card" data-testid="review-card">
      <Typography.Paragraph type="secondary">{t('editor.reviewHelp')}</Typography.Paragraph>
      <Form.List name="review">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Space key={field.key} align="baseline" wrap data-testid="review-rule">
                <Form.Item name={[field.name, 'type']} label={t('editor.reviewType')} rules={[{ required: true }]}>
                  <Select
                    style={{ width: 150 }}
                    options={REPORTABLE.map((type) => ({ value: type, label: t(`eventType.${type}` as MessageKey) }))}
                  />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'levels']}
                  label={t('editor.reviewLevels')}
                  rules={[{ required: true, type: 'array', min: 1, message: t('editor.reviewLevelsNeeded') }]}
                >
                  <Select
                    mode="tags"
                    style={{ minWidth: 320 }}
                    open={false}
                    tokenSeparators={[',', '，', '、']}
                    placeholder={t('editor.reviewLevelsPlaceholder')}
                    data-testid="review-levels"
                  />
                </Form.Item>
                <Button icon={<DeleteOutlined />} onClick={() => props.removeListItem(['review'], field.name, remove)}>
                  {t('common.remove')}
                </Button>
              </Space>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              data-testid="add-review"
              onClick={() => {
                const taken = new Set(((props.form.getFieldValue('review') ?? []) as ReviewForm[]).map((r) => r.type));
                const type = REPORTABLE.find((x) => !taken.has(x));
                if (type)
                  add({ type, levels: [t('editor.reviewLevel1'), t('editor.reviewLevel2')] } satisfies ReviewForm);
              }}
            >
              {t('editor.addReview')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
