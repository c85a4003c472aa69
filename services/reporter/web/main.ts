import type { OpenHazardList, ReportList } from '../../../schemas/report.schema.ts';
import type { z } from 'zod';
import { ApiRefusal, createReporterApi } from './api.ts';
import { h, show } from './dom.ts';
import { openDraftStore } from './draft-store.ts';
import { translator, type MessageKey } from './i18n/i18n.ts';
import { createOutbox, type Draft, type DraftPhoto, type Outbox } from './outbox.ts';
import { resizePhoto } from './photo.ts';
import {
  FORM_FIELDS,
  MAX_PHOTOS,
  REPORT_KINDS,
  newId,
  reportBody,
  withOffset,
  type Field,
  type ReportKind,
} from './report-forms.ts';
import { signOut, takeTokenFromLink, whoAmI, type Reporter } from './session.ts';

interface Crew {
  id: string;
  unitId: string;
  name: string;
  retired?: boolean;
}
interface Org {
  branches: { id: string; name: string }[];
  units: { id: string; branchId: string; name: string }[];
  crews: Crew[];
  persons: { id: string; crewId: string; name: string }[];
}
// Types only (erased): the contract's zod schemas stay out of the phone's bundle.
type OpenHazard = z.infer<typeof OpenHazardList>['hazards'][number];

const ORG_KEY = 'reporter-org';
const { t } = translator(location.search);
const root = document.getElementById('root') as HTMLElement;
const token = takeTokenFromLink(location, history, localStorage);
const api = createReporterApi(() => localStorage.getItem('reporter-token') ?? token);

/** The crews a reporter may report for: their scope, read from the registry. */
function crewsInScope(org: Org, reporter: Reporter): Crew[] {
  const unitBranch = new Map(org.units.map((u) => [u.id, u.branchId]));
  const unscoped = reporter.branchIds.length + reporter.unitIds.length + reporter.crewIds.length === 0;
  return org.crews.filter(
    (c) =>
      !c.retired &&
      (unscoped ||
        reporter.crewIds.includes(c.id) ||
        reporter.unitIds.includes(c.unitId) ||
        reporter.branchIds.includes(unitBranch.get(c.unitId) ?? '')),
  );
}

async function loadOrg(): Promise<Org> {
  try {
    const org = await api.get<Org>('/v1/org');
    localStorage.setItem(ORG_KEY, JSON.stringify(org));
    return org;
  } catch (err) {
    const kept = localStorage.getItem(ORG_KEY);
    if (kept) return JSON.parse(kept) as Org;
    throw err;
  }
}

function signedOutPage(reason: 'none' | 'revoked' | 'unknown' | 'not-reporter'): void {
  const words: Record<typeof reason, MessageKey> = {
    none: 'signIn.body',
    revoked: 'signIn.revoked',
    unknown: 'signIn.unknown',
    'not-reporter': 'signIn.notReporter',
  };
  document.body.dataset['signIn'] = reason;
  show(
    root,
    h(
      'main',
      { class: 'signed-out', role: reason === 'none' ? undefined : 'alert' },
      h('h1', {}, t(reason === 'none' ? 'signIn.title' : 'app.title')),
      h('p', { 'data-testid': 'sign-in-message' }, t(words[reason])),
    ),
  );
}

function label(text: string, required: boolean, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: required ? 'required' : '' }, text), control);
}

function fieldControl(field: Field, crewId: () => string, org: Org, hazards: OpenHazard[]): HTMLElement {
  switch (field.kind) {
    case 'text':
      return h('input', {
        name: field.name,
        type: 'text',
        maxlength: 200,
        required: field.required,
        autocomplete: 'off',
      });
    case 'textarea':
      return h('textarea', { name: field.name, rows: 3, maxlength: 2000, required: field.required });
    case 'number':
      return h('input', { name: field.name, type: 'number', inputmode: 'decimal', min: field.min, step: 'any' });
    case 'choice':
      return h(
        'select',
        { name: field.name, required: true },
        h('option', { value: '' }, t('form.pick')),
        field.options.map((o) => h('option', { value: o.value }, t(o.label))),
      );
    case 'hazard':
      return hazards.length === 0
        ? h('p', { class: 'hint', 'data-testid': 'no-hazards' }, t('form.noHazards'))
        : h(
            'select',
            { name: field.name, required: true },
            h('option', { value: '' }, t('form.pick')),
            hazards.map((x) =>
              h(
                'option',
                { value: x.hazardId },
                [x.foundAt.slice(0, 10), x.location, x.description].filter(Boolean).join(' · '),
              ),
            ),
          );
    case 'persons':
      return h(
        'div',
        { class: 'persons' },
        org.persons
          .filter((p) => p.crewId === crewId())
          .map((p) =>
            h(
              'label',
              { class: 'chip' },
              h('input', { type: 'checkbox', name: 'personIds', value: p.id, 'data-name': p.name }),
              p.name,
            ),
          ),
      );
  }
}

function stateWord(draft: Draft): string {
  return t(`outbox.${draft.state}`);
}

function outboxList(outbox: Outbox): HTMLElement | null {
  const drafts = outbox.drafts();
  if (drafts.length === 0) return null;
  const offline = drafts.some((d) => d.state === 'waiting' && d.error !== undefined);
  return h(
    'section',
    { class: 'outbox', 'data-testid': 'outbox' },
    h('h2', {}, t('outbox.title')),
    offline ? h('p', { class: 'notice', role: 'status' }, t('outbox.offline')) : null,
    h(
      'ul',
      {},
      drafts.map((d) =>
        h(
          'li',
          { 'data-report-id': d.reportId, 'data-state': d.state },
          h(
            'span',
            {},
            `${t(`kind.${d.body.event.type as ReportKind}`)} · ${d.body.location ?? d.body.description ?? ''}`,
          ),
          h('b', { class: `state ${d.state}` }, stateWord(d)),
          d.state === 'failed' && d.error ? h('small', {}, d.error) : null,
        ),
      ),
    ),
  );
}

/** The form of a kind; `crewId` is the crew chosen before it was redrawn (the first crew if none). */
async function reportForm(
  kind: ReportKind,
  crews: Crew[],
  org: Org,
  outbox: Outbox,
  host: HTMLElement,
  crewId?: string,
): Promise<void> {
  const spec = FORM_FIELDS[kind];
  const photos: (DraftPhoto & { busy?: boolean })[] = [];
  const crewSelect = h(
    'select',
    { name: 'crewId', required: true },
    crews.map((c) => h('option', { value: c.id, selected: c.id === crewId }, c.name)),
  );
  let hazards: OpenHazard[] = [];
  if (kind === 'hazard_rectified') {
    try {
      hazards = (
        await api.get<z.infer<typeof OpenHazardList>>(
          `/v1/reports/open-hazards?crewId=${encodeURIComponent(crewSelect.value)}`,
        )
      ).hazards;
    } catch {
      hazards = [];
    }
  }
  const when = h('input', {
    name: 'occurredAt',
    type: 'datetime-local',
    required: true,
    value: withOffset(new Date()).slice(0, 16),
  });
  const thumbs = h('div', { class: 'thumbs', 'data-testid': 'thumbs' });
  const fileInput = h('input', {
    type: 'file',
    accept: 'image/*',
    multiple: true,
    class: 'file',
    'data-testid': 'photo-input',
  });
  const problem = h('p', { class: 'problem', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit' }, t('form.submit'));

  const drawThumbs = () =>
    show(
      thumbs,
      ...photos.map((p, i) =>
        h(
          'figure',
          {},
          h('img', { src: p.thumb, alt: '' }),
          h(
            'button',
            {
              type: 'button',
              class: 'remove',
              'aria-label': t('photos.remove'),
              onclick: () => {
                photos.splice(i, 1);
                drawThumbs();
              },
            },
            '×',
          ),
        ),
      ),
    );
  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])].slice(0, MAX_PHOTOS - photos.length);
    fileInput.value = '';
    submit.disabled = true;
    void Promise.all(files.map((f) => resizePhoto(f)))
      .then((resized) => {
        for (const r of resized) photos.push({ jpeg: r.jpeg, thumb: r.thumb });
        drawThumbs();
      })
      .finally(() => (submit.disabled = false));
  });

  const fields = h(
    'div',
    {},
    spec.fields.map((f) =>
      label(
        t(f.label),
        f.required,
        fieldControl(f, () => crewSelect.value, org, hazards),
      ),
    ),
  );
  // Redrawn for the crew's open hazards and persons, on that crew.
  crewSelect.addEventListener('change', () => void reportForm(kind, crews, org, outbox, host, crewSelect.value));
  const form = h(
    'form',
    { class: 'report', 'data-kind': kind, novalidate: true },
    crews.length > 1 ? label(t('field.crew'), true, crewSelect) : h('p', { class: 'crew' }, crews[0]?.name ?? ''),
    label(t('field.occurredAt'), true, when),
    fields,
    h(
      'div',
      { class: 'field' },
      h('span', {}, `${t(spec.photos)}（${t('photos.limit', { max: MAX_PHOTOS })}）`),
      thumbs,
      h('label', { class: 'add-photo' }, t('photos.add'), fileInput),
    ),
    problem,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const values: Record<string, string> = {};
    for (const [key, value] of data) if (typeof value === 'string' && key !== 'personIds') values[key] = value;
    const missing = [
      ...(when.value ? [] : (['field.occurredAt'] as MessageKey[])),
      ...spec.fields.filter((f) => f.required && !(values[f.name] ?? '').trim()).map((f) => f.label),
    ];
    if (missing.length > 0) {
      problem.hidden = false;
      problem.textContent = missing.map((m) => t('form.required', { field: t(m) })).join('；');
      return;
    }
    const checked = [...form.querySelectorAll<HTMLInputElement>('input[name=personIds]:checked')];
    if (checked.length > 1)
      values['description'] = [
        `${t('field.persons')}：${checked.map((c) => c.dataset['name']).join('、')}`,
        values['description'],
      ]
        .filter(Boolean)
        .join('\n');
    const reportId = newId('r');
    const body = reportBody(
      {
        kind,
        crewId: crewSelect.value || (crews[0]?.id ?? ''),
        occurredAt: withOffset(new Date(when.value)),
        values,
        personIds: checked.map((c) => c.value),
      },
      reportId,
    );
    submit.disabled = true;
    void outbox
      .add({
        reportId,
        createdAt: new Date().toISOString(),
        body: { reportId, ...body },
        photos: photos.map((p) => ({ jpeg: p.jpeg, thumb: p.thumb })),
      })
      .then(() => void reportForm(kind, crews, org, outbox, host));
  });
  show(host, form);
}

async function myReports(host: HTMLElement): Promise<void> {
  const list = h('ul', { class: 'mine', 'data-testid': 'my-reports' });
  show(
    host,
    h('button', { type: 'button', class: 'link', onclick: () => void myReports(host) }, t('mine.refresh')),
    list,
  );
  try {
    const answer = await api.get<z.infer<typeof ReportList>>('/v1/reports?mine=true');
    if (answer.reports.length === 0) show(list, h('li', { class: 'hint' }, t('mine.empty')));
    else
      show(
        list,
        ...answer.reports.map((r) => {
          const reason = r.rejection?.reason;
          const status = r.status;
          // Two review levels: 待审核 1/2 once the unit has approved.
          const progress =
            status === 'pending' && r.levels.length > 1
              ? ` ${String(r.approvedLevels)}/${String(r.levels.length)}`
              : '';
          return h(
            'li',
            { 'data-report-id': r.reportId, 'data-status': r.status },
            h(
              'div',
              { class: 'row' },
              h('b', {}, t(`kind.${r.event.type}`)),
              h('span', { class: `status ${status}` }, t(`status.${status}`) + progress),
            ),
            h(
              'small',
              {},
              `${r.event.occurredAt.slice(0, 16).replace('T', ' ')} ${r.location ?? r.description ?? (r.event.type === 'innovation' ? (r.event.note ?? '') : '')}`,
            ),
            status === 'rejected' && reason ? h('p', { class: 'reason' }, t('mine.reason', { reason })) : null,
          );
        }),
      );
  } catch (err) {
    show(list, h('li', { class: 'problem' }, err instanceof ApiRefusal ? err.message : t('error.network')));
  }
}

async function start(): Promise<void> {
  const who = await whoAmI(api, localStorage);
  if (who.state === 'signed-out') {
    signedOutPage(who.reason);
    return;
  }
  const reporter = who.reporter;
  document.body.dataset['signIn'] = 'signed-in';
  const org = await loadOrg();
  const crews = crewsInScope(org, reporter);
  const outbox = await createOutbox({
    api,
    store: await openDraftStore(reporter.id),
    later: (run, ms) => setTimeout(run, ms),
  });
  // What was sent in an earlier visit is in 我的上报 with its review status; the list here is what is still on the phone.
  await outbox.clearSent();
  const outboxHost = h('div', {});
  const body = h('div', { class: 'body' });
  let kind: ReportKind = 'hazard_found';
  let tab: 'new' | 'mine' = 'new';

  const kinds = h('nav', { class: 'kinds' });
  const drawKinds = () =>
    show(
      kinds,
      ...REPORT_KINDS.map((k) =>
        h(
          'button',
          {
            type: 'button',
            'data-kind': k,
            class: k === kind ? 'on' : '',
            onclick: () => {
              kind = k;
              drawKinds();
              void reportForm(kind, crews, org, outbox, body);
            },
          },
          t(`kind.${k}`),
        ),
      ),
    );
  const tabs = h('nav', { class: 'tabs' });
  const drawTabs = () => {
    show(
      tabs,
      ...(['new', 'mine'] as const).map((x) =>
        h(
          'button',
          {
            type: 'button',
            'data-tab': x,
            class: x === tab ? 'on' : '',
            onclick: () => {
              tab = x;
              drawTabs();
            },
          },
          t(`tab.${x}`),
        ),
      ),
    );
    kinds.hidden = tab !== 'new';
    if (tab === 'new') void reportForm(kind, crews, org, outbox, body);
    else void myReports(body);
  };
  const drawOutbox = () => show(outboxHost, outboxList(outbox));
  outbox.onChange(drawOutbox);

  show(
    root,
    h(
      'header',
      {},
      h('h1', {}, t('app.title')),
      h('span', { 'data-testid': 'reporter-name' }, t('app.signedInAs', { name: reporter.name })),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            signOut(localStorage);
            signedOutPage('none');
          },
        },
        t('app.signOut'),
      ),
    ),
    tabs,
    kinds,
    outboxHost,
    body,
  );
  drawKinds();
  drawTabs();
  drawOutbox();
  window.addEventListener('online', () => void outbox.flush());
  await outbox.flush();
}

start().catch((err: unknown) => {
  show(
    root,
    h(
      'main',
      { class: 'signed-out', role: 'alert' },
      h('h1', {}, t('error.network')),
      h('p', {}, err instanceof Error ? err.message : String(err)),
    ),
  );
});
