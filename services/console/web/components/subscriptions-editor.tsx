import {
  Alert,
  App,
  Button,
  Card,
  Col,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  TimePicker,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState, type ReactNode } from 'react';
import { api, type Channel, type CompetitionSubscriptions } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { apiMessage } from '../model/api-message.ts';
import { formToSubscriptions, subscribes, subscriptionsToForm, type SubscriptionForm } from '../model/notify-form.ts';
import { PlatformTag } from './platform-tag.tsx';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** HH:mm on a fixed day, for the time picker (which holds a whole date). */
const asTime = (at: string): Dayjs => dayjs(`2000-01-03T${at}:00`);

type Flag = 'leaderChanged' | 'veto' | 'notice' | 'hazardOverdue';
const FLAGS: readonly Flag[] = ['leaderChanged', 'veto', 'notice', 'hazardOverdue'];

/** One line of a card: the switch and its name, what it does, and its settings. */
/** A time of day as the subscriptions keep it ("HH:mm"). */
function HourMinute(props: { at: string; disabled: boolean; onChange: (at: string) => void; testId: string }) {
  return (
    <TimePicker
      size="small"
      format="HH:mm"
      needConfirm={false}
      allowClear={false}
      disabled={props.disabled}
      value={asTime(props.at)}
      onChange={(v) => v && props.onChange(v.format('HH:mm'))}
      data-testid={props.testId}
    />
  );
}

function Line(props: {
  label: string;
  help: string;
  control: ReactNode;
  extra?: ReactNode;
  testId: string;
  warn?: boolean;
}) {
  return (
    <div className="notify-line" data-testid={props.testId}>
      <label className="notify-line-label">
        {props.control}
        <span>{props.label}</span>
      </label>
      <Typography.Text type={props.warn ? 'warning' : 'secondary'} className="notify-line-help">
        {props.help}
      </Typography.Text>
      {props.extra ? <span className="notify-line-extra">{props.extra}</span> : null}
    </div>
  );
}

/**
 * The competition's 群消息: one card per group robot saying what the group gets (daily standings
 * at a time, the weekly ranking on a weekday, a new leader, vetoes, 公示, overdue hazards of its
 * units) and how many rows a ranking lists; saved together with PUT /v1/competitions/:id/notify.
 */
export function SubscriptionsEditor(props: {
  competitionId: string;
  channels: readonly Channel[];
  saved: CompetitionSubscriptions;
  onSaved: (saved: CompetitionSubscriptions) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [forms, setForms] = useState(() => subscriptionsToForm(props.channels, props.saved.subscriptions));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    setForms(subscriptionsToForm(props.channels, props.saved.subscriptions));
  }, [props.channels, props.saved]);

  const change = (channelId: string, patch: Partial<SubscriptionForm>) =>
    setForms((all) => all.map((f) => (f.channelId === channelId ? { ...f, ...patch } : f)));

  async function save() {
    setSaving(true);
    setError(undefined);
    try {
      const saved = await api.saveSubscriptions(props.competitionId, formToSubscriptions(forms));
      void message.success(t('notify.subscriptionsSaved', { n: saved.subscriptions.length }));
      props.onSaved(saved);
    } catch (err) {
      setError(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div data-testid="subscriptions">
      <Row gutter={[16, 16]}>
        {props.channels.map((channel) => {
          const f = forms.find((x) => x.channelId === channel.channelId);
          if (!f) return null;
          const id = channel.channelId;
          const noUnits = channel.unitIds.length === 0;
          return (
            <Col key={id} xs={24} xl={12}>
              <Card
                size="small"
                className="notify-card"
                data-testid={`subscription-${channel.name}`}
                title={
                  <Space size={8}>
                    <span>{channel.name}</span>
                    <PlatformTag platform={channel.platform} />
                  </Space>
                }
                extra={
                  subscribes(f) ? (
                    <Tag color="green">{t('notify.tab.subscribed')}</Tag>
                  ) : (
                    <Tag>{t('notify.tab.notSubscribed')}</Tag>
                  )
                }
              >
                <Line
                  testId="sub-daily"
                  label={t('notify.daily')}
                  help={t('notify.dailyHelp')}
                  control={<Switch size="small" checked={f.dailyOn} onChange={(on) => change(id, { dailyOn: on })} />}
                  extra={
                    <HourMinute
                      disabled={!f.dailyOn}
                      at={f.dailyAt}
                      onChange={(dailyAt) => change(id, { dailyAt })}
                      testId="sub-daily-at"
                    />
                  }
                />
                <Line
                  testId="sub-weekly"
                  label={t('notify.weekly')}
                  help={t('notify.weeklyHelp')}
                  control={<Switch size="small" checked={f.weeklyOn} onChange={(on) => change(id, { weeklyOn: on })} />}
                  extra={
                    <Space size={4}>
                      <Select
                        size="small"
                        className="notify-weekday"
                        disabled={!f.weeklyOn}
                        value={f.weekday}
                        onChange={(weekday) => change(id, { weekday })}
                        options={WEEKDAYS.map((d) => ({ value: d, label: t(`notify.weekday.${d}`) }))}
                        data-testid="sub-weekday"
                      />
                      <HourMinute
                        disabled={!f.weeklyOn}
                        at={f.weeklyAt}
                        onChange={(weeklyAt) => change(id, { weeklyAt })}
                        testId="sub-weekly-at"
                      />
                    </Space>
                  }
                />
                {FLAGS.map((flag) => {
                  // A group without units never hears of an overdue hazard: say so rather than offer it.
                  const blocked = flag === 'hazardOverdue' && noUnits && !f.hazardOverdue;
                  const control = (
                    <Switch
                      size="small"
                      checked={f[flag]}
                      disabled={blocked}
                      onChange={(on) => change(id, { [flag]: on })}
                      data-testid={`sub-${flag}-switch`}
                    />
                  );
                  return (
                    <Line
                      key={flag}
                      testId={`sub-${flag}`}
                      label={t(`notify.${flag}`)}
                      help={blocked ? t('notify.hazardOverdueNoUnitsShort') : t(`notify.${flag}Help` as MessageKey)}
                      warn={blocked}
                      control={
                        blocked ? <Tooltip title={t('notify.hazardOverdueNoUnits')}>{control}</Tooltip> : control
                      }
                    />
                  );
                })}
                <div className="notify-top">
                  <Typography.Text>{t('notify.top')}</Typography.Text>
                  <InputNumber
                    size="small"
                    min={3}
                    max={30}
                    value={f.top}
                    onChange={(top) => change(id, { top: typeof top === 'number' ? top : f.top })}
                    data-testid="sub-top"
                  />
                  <Typography.Text>{t('notify.topUnit')}</Typography.Text>
                </div>
              </Card>
            </Col>
          );
        })}
      </Row>
      {error ? (
        <Alert type="error" showIcon className="form-alert" title={error} data-testid="subscriptions-error" />
      ) : null}
      <div className="notify-save">
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="save-subscriptions">
          {t('notify.saveSubscriptions')}
        </Button>
      </div>
    </div>
  );
}
