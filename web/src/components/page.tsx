import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { t } from '../i18n.ts';

export interface Crumb {
  href: string;
  label: string;
}

/** A screen: its title (also the document title), optional trail back and actions. */
export function Page(props: {
  title: string;
  crumbs?: Crumb[];
  actions?: ComponentChildren;
  children?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = t('page.documentTitle', { title: props.title });
  }, [props.title]);
  return (
    <section class="page" aria-labelledby="page-title">
      {props.crumbs && props.crumbs.length > 0 && (
        <nav class="crumbs" aria-label={t('page.breadcrumb')}>
          {props.crumbs.map((c) => (
            <span key={c.href}>
              <a href={c.href}>{c.label}</a> <span aria-hidden="true">›</span>{' '}
            </span>
          ))}
        </nav>
      )}
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}
