import Button from 'antd-mobile/es/components/button';
import Card from 'antd-mobile/es/components/card';
import Input from 'antd-mobile/es/components/input';
import List from 'antd-mobile/es/components/list';
import Selector from 'antd-mobile/es/components/selector';
import Tag from 'antd-mobile/es/components/tag';
import TextArea from 'antd-mobile/es/components/text-area';
import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { ApiRefusal, type ReporterApi } from './api.ts';
import type { MessageKey } from './i18n/i18n.ts';
import { openNotices, type NoticeObjection, type OpenNotice } from './notices.ts';
import type { Crew, Org } from './org-scope.ts';
import type { DraftPhoto } from './outbox.ts';
import { FormRow } from './form-row.tsx';
import { PhotoPicker } from './photo-picker.tsx';
import { newId } from './report-forms.ts';
import type { Reporter } from './session.ts';
import { lang, t } from './words.ts';

interface ObjectionState {
  entrantId: string;
  realName: string;
  what: string;
}
const EMPTY: ObjectionState = { entrantId: '', realName: '', what: '' };

const STATUS_COLOR: Record<NoticeObjection['status'], 'warning' | 'success' | 'danger'> = {
  open: 'warning',
  upheld: 'success',
  rejected: 'danger',
};

const refusal = (err: unknown) => (err instanceof ApiRefusal ? err.message : t('error.network'));

interface ObjectionFormProps {
  api: ReporterApi;
  notice: OpenNotice;
  crews: readonly Crew[];
  /** Photos as evidence: reporters upload them; a viewer may not upload, and objects in words. */
  photos: boolean;
  /** Told after an objection was taken, to read the notice again. */
  onSent: () => void;
}

/**
 * 异议 under a real name: which entrant, what, photos as evidence. The photos go up first through
 * the reporters' evidence upload (for the entrant's crew where it is the reporter's own, else for
 * the reporter's first crew: a reporter may only upload for crews in scope), then the objection.
 * Not kept in the outbox: the answer (taken, or why not) is shown at once. Sent again after an
 * answer that did not arrive, the same objection goes under the same id with the same photos' ids,
 * so the server answers the one it took instead of taking it twice.
 */
function ObjectionForm({ api, notice, crews, photos: withPhotos, onSent }: ObjectionFormProps) {
  const [state, setState] = useState<ObjectionState>(EMPTY);
  const [missing, setMissing] = useState<ReadonlySet<keyof ObjectionState>>(new Set());
  const [photos, setPhotos] = useState<DraftPhoto[]>([]);
  const [resizing, setResizing] = useState(false);
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  /** Each photo's evidence id once uploaded, by the crew it went up for (evidence is shown by crew). */
  const uploaded = useRef(new WeakMap<Blob, Map<string, string>>());
  /** The id of each body sent without an answer yet: any of them may have been taken. */
  const unanswered = useRef(new Map<string, string>());
  const nameOf = (id: string) => notice.rows.find((r) => r.crewId === id)?.crewName ?? id;
  const id = (name: string) => `objection-${notice.competitionId}-${notice.periodId}-${name}`;
  const set = (name: keyof ObjectionState) => (value: string) => {
    // A field filled in is no longer named as missing (the rest stay until the next try).
    setMissing((m) => (m.has(name) ? new Set([...m].filter((x) => x !== name)) : m));
    setState((s) => ({ ...s, [name]: value }));
  };
  const error = (name: keyof ObjectionState, label: MessageKey) =>
    missing.has(name) ? t('form.required', { field: t(label) }) : undefined;

  async function send(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    const filled = { entrantId: state.entrantId, realName: state.realName.trim(), what: state.what.trim() };
    const empty = new Set((Object.keys(filled) as (keyof ObjectionState)[]).filter((k) => !filled[k]));
    setMissing(empty);
    if (empty.size > 0) return;
    const crewId = crews.some((c) => c.id === filled.entrantId) ? filled.entrantId : (crews[0]?.id ?? '');
    setSending(true);
    setAnswer(undefined);
    try {
      const evidence: string[] = [];
      for (const p of photos) {
        const forPhoto = uploaded.current.get(p.jpeg) ?? new Map<string, string>();
        uploaded.current.set(p.jpeg, forPhoto);
        const known = forPhoto.get(crewId);
        const stored =
          known ??
          (
            await api.send<{ id: string }>(
              'POST',
              `/v1/evidence?crewId=${encodeURIComponent(crewId)}`,
              p.jpeg,
              'image/jpeg',
            )
          ).id;
        forPhoto.set(crewId, stored);
        evidence.push(stored);
      }
      // The same words and photos as an attempt that got no answer: its id (it may have been taken).
      const sent = JSON.stringify({ ...filled, evidence });
      const objectionId = unanswered.current.get(sent) ?? newId('objection');
      unanswered.current.set(sent, objectionId);
      await api.send(
        'POST',
        `/v1/competitions/${encodeURIComponent(notice.competitionId)}/periods/${encodeURIComponent(notice.periodId)}/objections`,
        JSON.stringify({ objectionId, ...filled, evidence }),
        'application/json',
      );
      unanswered.current.clear();
      setAnswer({ ok: true, text: t('objection.sent', { entrant: nameOf(filled.entrantId) }) });
      setState(EMPTY);
      setPhotos([]);
      onSent();
    } catch (err) {
      // What was typed stays: the reporter can send it again once connected.
      setAnswer({ ok: false, text: refusal(err) });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="adm-form adm-form-vertical" noValidate onSubmit={(event) => void send(event)}>
      <List header={t('objection.title')}>
        <FormRow label={t('objection.entrant')} required error={error('entrantId', 'objection.entrant')}>
          <Selector
            aria-label={t('objection.entrant')}
            columns={2}
            value={state.entrantId ? [state.entrantId] : []}
            onChange={(chosen) => set('entrantId')(chosen[0] ?? '')}
            options={notice.rows.map((r) => ({ value: r.crewId, label: r.crewName }))}
          />
        </FormRow>
        <FormRow
          htmlFor={id('realName')}
          label={t('objection.realName')}
          required
          error={error('realName', 'objection.realName')}
        >
          <Input
            id={id('realName')}
            name="realName"
            maxLength={64}
            autoComplete="name"
            clearable
            value={state.realName}
            onChange={set('realName')}
          />
        </FormRow>
        <FormRow htmlFor={id('what')} label={t('objection.what')} required error={error('what', 'objection.what')}>
          <TextArea
            id={id('what')}
            name="what"
            maxLength={2000}
            autoSize={{ minRows: 3, maxRows: 8 }}
            value={state.what}
            onChange={set('what')}
          />
        </FormRow>
        {withPhotos ? (
          <FormRow>
            <PhotoPicker photos={photos} setPhotos={setPhotos} onBusy={setResizing} label={t('objection.photos')} />
          </FormRow>
        ) : null}
      </List>
      <div className="adm-form-footer">
        {answer ? (
          <p className={answer.ok ? 'answer' : 'problem'} role={answer.ok ? 'status' : 'alert'}>
            {answer.text}
          </p>
        ) : null}
        <Button
          block
          type="submit"
          color="primary"
          size="large"
          loading={sending}
          disabled={resizing || sending}
          data-testid="send-objection"
        >
          {t('objection.submit')}
        </Button>
      </div>
    </form>
  );
}

function Results({ notice }: { notice: OpenNotice }) {
  return (
    <List header={t('notice.results')} data-testid="notice-results">
      {notice.rows.map((r) => (
        <List.Item
          key={r.crewId}
          data-entrant-id={r.crewId}
          prefix={<b className="rank">{r.rank === null ? '—' : String(r.rank)}</b>}
          extra={t('notice.score', { score: r.score })}
          description={r.rank === null ? t('notice.vetoed') : undefined}
        >
          {r.crewName}
        </List.Item>
      ))}
    </List>
  );
}

function MyObjections({ notice, reporter }: { notice: OpenNotice; reporter: Reporter }) {
  const mine = notice.objections.filter((o) => o.by === reporter.name);
  if (mine.length === 0) return null;
  const nameOf = (id: string) => notice.rows.find((r) => r.crewId === id)?.crewName ?? id;
  return (
    <List header={t('objection.mine')} data-testid="my-objections">
      {mine.map((o) => (
        <List.Item
          key={o.objectionId}
          data-objection-id={o.objectionId}
          data-status={o.status}
          extra={<Tag color={STATUS_COLOR[o.status]}>{t(`objection.${o.status}`)}</Tag>}
          description={
            <>
              <span>{o.what}</span>
              {o.decision ? (
                <span className="reason">{t('objection.reason', { reason: o.decision.reason })}</span>
              ) : null}
            </>
          }
        >
          {nameOf(o.entrantId)}
        </List.Item>
      ))}
    </List>
  );
}

export interface NoticeViewProps {
  api: ReporterApi;
  reporter: Reporter;
  crews: readonly Crew[];
  org: Org;
  /** Whether objections may carry photos (reporters; not viewers, who may not upload). */
  photos: boolean;
}

/** 公示 / 异议: the periods of the reporter's competitions in 公示, their frozen results, and objecting to them. */
export function NoticeView({ api, reporter, crews, org, photos }: NoticeViewProps) {
  const [notices, setNotices] = useState<OpenNotice[] | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const load = useCallback(() => {
    setProblem(undefined);
    openNotices(api, crews, org).then(setNotices, (err: unknown) => setProblem(refusal(err)));
  }, [api, crews, org]);
  useEffect(load, [load]);
  const name = (n: { zh: string; en: string }) => (lang === 'en' ? n.en : n.zh);

  return (
    <section className="notices" data-testid="notices">
      <Button fill="none" color="primary" size="small" onClick={load}>
        {t('mine.refresh')}
      </Button>
      {problem ? (
        <p className="problem" role="alert">
          {problem}
        </p>
      ) : null}
      {notices?.length === 0 ? <p className="hint">{t('notice.none')}</p> : null}
      {(notices ?? []).map((n) => (
        <Card
          key={`${n.competitionId}/${n.periodId}`}
          title={<h2>{`${name(n.competitionName)} · ${name(n.periodName)}`}</h2>}
          data-notice={`${n.competitionId}/${n.periodId}`}
        >
          <p className="until">{t('notice.until', { endsOn: n.endsOn })}</p>
          <Results notice={n} />
          <MyObjections notice={n} reporter={reporter} />
          <ObjectionForm api={api} notice={n} crews={crews} photos={photos} onSent={load} />
        </Card>
      ))}
    </section>
  );
}
