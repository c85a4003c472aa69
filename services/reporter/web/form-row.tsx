import 'antd-mobile/es/components/form/index.css';
import type { ReactNode } from 'react';

export interface FormRowProps {
  /** The id of the control the label names (getByLabel, screen readers, a tap on the label). */
  htmlFor?: string;
  /** None: the control says what it is (the photo picker). */
  label?: string;
  required?: boolean;
  /** What is missing, from the catalogue (form.required). */
  error?: string | undefined;
  children: ReactNode;
}

/**
 * One field of a phone form, laid out like antd-mobile's vertical Form.Item (its class names, so
 * its stylesheet draws it) without its Form: rc-field-form, async-validator and the help popover
 * were a fifth of the page's script for what a few lines of React state do here.
 */
export function FormRow({ htmlFor, label, required, error, children }: FormRowProps) {
  return (
    <div className="adm-list-item adm-form-item adm-form-item-vertical">
      <div className="adm-list-item-content">
        <div className="adm-list-item-content-main">
          {label === undefined ? null : (
            <div className="adm-list-item-title">
              <label className="adm-form-item-label" htmlFor={htmlFor}>
                {label}
                {required ? <span className="adm-form-item-required-asterisk">*</span> : null}
              </label>
            </div>
          )}
          <div className="adm-form-item-child">{children}</div>
          {error ? (
            <div className="adm-list-item-description">
              <div className="adm-form-item-feedback-error" role="alert">
                {error}
              </div>
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
