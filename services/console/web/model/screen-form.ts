/**
 * The screen-set editor's form values and the ScreenSet the API takes (PUT /v1/screens/:id), each
 * turned into the other. One flat set of view fields whatever the kind, like the rule form. Pure.
 */
import type { ScreenSetInput } from '../../../../schemas/screen.schema.ts';
import type { NameForm } from './definition-form.ts';

export type ViewKind = 'ranking' | 'branch_tops' | 'around' | 'innovations';
export const VIEW_KINDS: readonly ViewKind[] = ['ranking', 'branch_tops', 'around', 'innovations'];

type Num = number | null | undefined;

export interface ViewForm {
  kind: ViewKind;
  competitionId: string;
  /** ranking: overall, branch:<id> or unit_type:<type>. */
  group?: string;
  limit?: Num;
  /** Indicator ids shown as columns; none: the three heaviest. */
  indicators?: string[];
  title?: NameForm;
  seconds?: Num;
  top?: Num;
  around?: Num;
  /** innovations: current or YYYY-MM. */
  month?: string;
}

export interface ScreenForm {
  name: NameForm;
  title?: NameForm;
  primaryColour: string;
  accentColour: string;
  celebrate: boolean;
  staleAfterSeconds: Num;
  views: ViewForm[];
}

type ViewInput = ScreenSetInput['views'][number];

const isNumber = (value: Num): value is number => typeof value === 'number' && Number.isFinite(value);
const optional = <K extends string>(key: K, value: Num): Partial<Record<K, number>> =>
  isNumber(value) ? ({ [key]: value } as Record<K, number>) : {};

function nameOut(name: NameForm | undefined): { zh: string; en: string } | undefined {
  const zh = name?.zh.trim() ?? '';
  if (zh === '') return undefined;
  const en = name?.en?.trim() ?? '';
  return { zh, en: en === '' ? zh : en };
}

const nameIn = (name: { zh: string; en: string } | undefined): NameForm | undefined =>
  name ? { zh: name.zh, en: name.en === name.zh ? '' : name.en } : undefined;

function viewOut(view: ViewForm): ViewInput {
  const indicators = view.indicators && view.indicators.length > 0 ? { indicators: view.indicators } : {};
  const seconds = optional('seconds', view.seconds);
  switch (view.kind) {
    case 'ranking': {
      const title = nameOut(view.title);
      return {
        kind: 'ranking',
        competitionId: view.competitionId,
        group: view.group ?? 'overall',
        ...optional('limit', view.limit),
        ...indicators,
        ...(title ? { title } : {}),
        ...seconds,
      };
    }
    case 'branch_tops':
      return {
        kind: 'branch_tops',
        competitionId: view.competitionId,
        ...optional('limit', view.limit),
        ...indicators,
        ...seconds,
      };
    case 'around':
      return {
        kind: 'around',
        competitionId: view.competitionId,
        ...optional('top', view.top),
        ...optional('around', view.around),
        ...indicators,
        ...seconds,
      };
    case 'innovations':
      return {
        kind: 'innovations',
        competitionId: view.competitionId,
        month: view.month?.trim() || 'current',
        ...optional('limit', view.limit),
        ...seconds,
      };
  }
}

function viewIn(view: ViewInput): ViewForm {
  const common = { kind: view.kind, competitionId: view.competitionId, seconds: view.seconds };
  switch (view.kind) {
    case 'ranking':
      return {
        ...common,
        group: view.group ?? 'overall',
        limit: view.limit,
        indicators: view.indicators ?? [],
        ...(view.title ? { title: nameIn(view.title) } : {}),
      };
    case 'branch_tops':
      return { ...common, limit: view.limit, indicators: view.indicators ?? [] };
    case 'around':
      return { ...common, top: view.top, around: view.around, indicators: view.indicators ?? [] };
    case 'innovations':
      return { ...common, month: view.month ?? 'current', limit: view.limit };
  }
}

export function screenToForm(screen: ScreenSetInput): ScreenForm {
  return {
    name: nameIn(screen.name) ?? { zh: '' },
    ...(screen.branding?.title ? { title: nameIn(screen.branding.title) } : {}),
    primaryColour: screen.branding?.primaryColour ?? '#b71c1c',
    accentColour: screen.branding?.accentColour ?? '#ffc107',
    celebrate: screen.celebrate ?? true,
    staleAfterSeconds: screen.staleAfterSeconds ?? 30,
    views: screen.views.map(viewIn),
  };
}

export function formToScreen(form: ScreenForm): ScreenSetInput {
  const title = nameOut(form.title);
  return {
    name: nameOut(form.name) ?? { zh: '', en: '' },
    branding: { ...(title ? { title } : {}), primaryColour: form.primaryColour, accentColour: form.accentColour },
    celebrate: form.celebrate,
    ...optional('staleAfterSeconds', form.staleAfterSeconds),
    views: form.views.map(viewOut),
  };
}

/** Where the API's problem with a screen set goes on the form (views[1].seconds → ['views', 1, 'seconds']). */
export function screenFormPathOf(apiPath: string): (string | number)[] | null {
  const parts: (string | number)[] = [];
  for (const match of apiPath.replace(/^body\./, '').matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
  }
  const [head, index, field, sub] = parts;
  if (head === 'name') return ['name', sub === 'en' || index === 'en' ? 'en' : 'zh'];
  if (head === 'branding') {
    if (index === 'title') return ['title', field === 'en' ? 'en' : 'zh'];
    return index === 'accentColour' ? ['accentColour'] : ['primaryColour'];
  }
  if (head === 'celebrate' || head === 'staleAfterSeconds') return [head];
  if (head === 'views' && typeof index === 'number') {
    if (field === undefined) return ['views', index, 'kind'];
    if (field === 'title') return ['views', index, 'title', sub === 'en' ? 'en' : 'zh'];
    return ['views', index, String(field)];
  }
  return null;
}
