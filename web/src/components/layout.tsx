// Header (product, navigation, the signed-in user and sign out) around every screen. On narrow
// screens the navigation folds into a menu button.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { messageOf } from '../api.ts';
import { isLocale, LANGUAGE_NAMES, LOCALES, language, t } from '../i18n.ts';
import { navigation } from '../routes.tsx';
import { useSession } from '../session.tsx';

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function Layout(props: { children: ComponentChildren }) {
  const { me, signOut, changeLocale } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [languageError, setLanguageError] = useState<string | null>(null);
  useEffect(() => {
    setMenuOpen(false);
    // Move focus to the new screen's title so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus({ preventScroll: true }));
  }, [path]);
  const entries = navigation.filter((n) => !n.adminOnly || me.isAdmin);
  return (
    <>
      <a class="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          Exsync
        </a>
        <button
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('layout.menu')}
        </button>
        <nav id="main-nav" class={menuOpen ? 'main-nav open' : 'main-nav'} aria-label={t('layout.mainNav')}>
          {entries.map((n) => (
            <a key={n.href} href={n.href} aria-current={isCurrent(n.href, path) ? 'page' : undefined}>
              {t(n.label)}
            </a>
          ))}
        </nav>
        <div class="user">
          <a
            class="user-name"
            href="/me"
            title={me.user.email}
            aria-current={path === '/me' ? 'page' : undefined}
          >
            {me.user.displayName || me.user.email}
          </a>
          <select
            class="language small"
            aria-label={t('layout.language')}
            value={language()}
            onChange={(event) => {
              const next = event.currentTarget.value;
              if (!isLocale(next)) return;
              setLanguageError(null);
              changeLocale(next).catch((error: unknown) =>
                setLanguageError(t('layout.languageFailed', { reason: messageOf(error) })),
              );
            }}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
          <button type="button" class="secondary small" onClick={() => void signOut()}>
            {t('layout.signOut')}
          </button>
        </div>
      </header>
      {languageError && (
        <p class="inline-error" role="alert">
          {languageError}
        </p>
      )}
      <main id="main">{props.children}</main>
    </>
  );
}
