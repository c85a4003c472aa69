import type { FormInstance } from 'antd';
import { useMemo, useRef, useState } from 'react';
import {
  afterListRemoval,
  byField,
  correctedFields,
  type ApiFieldError,
  type FieldErrors,
  type FieldName,
} from './model/api-field-errors.ts';

export interface ApiFieldErrors {
  /** Puts the API's errors under their fields and remembers the values they were about. */
  show: (problems: readonly FieldErrors[]) => void;
  /** Takes every error the last answer put under a field away (a new answer replaces them). */
  clear: () => void;
  /** For the Form's onValuesChange: a field whose value changed loses the API's word on the old one. */
  onValuesChange: () => void;
  /**
   * Removes item `index` of the Form.List named `list` (its full name in the form) with the list's
   * own remove; the marks of the items after it move up with them (afterListRemoval).
   */
  removeListItem: RemoveListItem;
  /** How many fields still carry an error of the API's. */
  count: number;
}

/**
 * The API's errors on a form's fields, taken away when the organiser changes the field's value.
 * antd re-checks a field only by its own rules, and the fields the API checks have none, so an
 * error set with setFields would otherwise stay under a corrected value until the page is left.
 * show, clear and onValuesChange keep their identity across renders (safe in effects' deps).
 */
export function useApiFieldErrors<Values>(form: FormInstance<Values>): ApiFieldErrors {
  // A ref, not state: an answer arriving after an await must see the marks a clear() just took away.
  const marked = useRef<Mark[]>([]);
  const [count, setCount] = useState(0);
  const actions = useMemo(() => {
    // Names come from the API at run time; the form's typed paths cannot know them.
    const setErrors = (fields: FieldErrors[]) => form.setFields(fields as Parameters<typeof form.setFields>[0]);
    const valueOf = (name: FieldName) => form.getFieldValue(name as never) as unknown;
    const onScreen = (name: FieldName) => form.getFieldError(name as never).length > 0;
    const remember = (next: Mark[]) => {
      marked.current = next;
      setCount(next.length);
    };
    const unmark = (names: readonly FieldName[]) => {
      if (names.length === 0) return;
      setErrors(names.map((name) => ({ name, errors: [] })));
      remember(marked.current.filter((m) => !names.includes(m.name)));
    };
    /**
     * Once React has rendered what a change did: a mark whose error was on screen and is no longer
     * goes, its field gone (another deduction kind chosen, a sheet imported over it), so the count
     * says what the form shows. A mark whose field was never on screen stays counted: the count is
     * then the only sign of it.
     */
    const recheck = () =>
      setTimeout(() => {
        const next = marked.current.flatMap((m): Mark[] => {
          const shown = onScreen(m.name);
          if (m.shown === true && !shown) return [];
          return shown && m.shown !== true ? [{ ...m, shown }] : [m];
        });
        if (next.length !== marked.current.length || next.some((m, i) => m !== marked.current[i])) remember(next);
      }, 0);
    return {
      show(problems: readonly FieldErrors[]) {
        const fields = byField(problems);
        setErrors(fields);
        const keys = new Set(fields.map((f) => JSON.stringify(f.name)));
        remember([
          ...marked.current.filter((m) => !keys.has(JSON.stringify(m.name))),
          ...fields.map(({ name }) => ({ name, value: valueOf(name) })),
        ]);
        recheck();
      },
      clear: () => unmark(marked.current.map((m) => m.name)),
      onValuesChange: () => {
        unmark(correctedFields(marked.current, valueOf));
        recheck();
      },
      removeListItem: (list: FieldName, index: number, remove: (index: number) => void) => {
        remember(afterListRemoval(marked.current, list, index));
        remove(index);
      },
    };
  }, [form]);
  return { ...actions, count };
}

/** A mark, and whether its error has been seen on screen (recheck). */
type Mark = ApiFieldError & { shown?: boolean };

export type RemoveListItem = (list: FieldName, index: number, remove: (index: number) => void) => void;
