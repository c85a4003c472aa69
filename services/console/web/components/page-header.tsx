import { Breadcrumb, Typography } from 'antd';
import type { ReactNode } from 'react';
import { href, navigate } from '../router.ts';

export interface Crumb {
  title: string;
  path?: string;
}

/** The title row of a page, as Ant Design Pro lays it out: breadcrumb, title, subtitle, actions. */
export function PageHeader(props: { title: ReactNode; subtitle?: ReactNode; extra?: ReactNode; crumbs?: Crumb[] }) {
  return (
    <div className="page-header-wrap">
      {props.crumbs && props.crumbs.length > 0 ? (
        <Breadcrumb
          className="page-crumbs"
          items={props.crumbs.map((c) => ({
            title: c.path ? (
              <a
                href={href(c.path)}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(c.path ?? '/');
                }}
              >
                {c.title}
              </a>
            ) : (
              c.title
            ),
          }))}
        />
      ) : null}
      <div className="page-header">
        <div>
          <Typography.Title level={4}>{props.title}</Typography.Title>
          {props.subtitle ? (
            <Typography.Text type="secondary" className="page-subtitle">
              {props.subtitle}
            </Typography.Text>
          ) : null}
        </div>
        {props.extra ? <div className="page-extra">{props.extra}</div> : null}
      </div>
    </div>
  );
}
