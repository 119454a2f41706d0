// Header (product, navigation, the signed-in user and sign out) around every screen. On narrow
// screens the navigation folds into a menu button.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { navigation } from '../routes.tsx';
import { useSession } from '../session.tsx';

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function Layout(props: { children: ComponentChildren }) {
  const { me, signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    setMenuOpen(false);
    // Move focus to the new screen's title so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus({ preventScroll: true }));
  }, [path]);
  const entries = navigation.filter((n) => !n.adminOnly || me.isAdmin);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
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
          Menu
        </button>
        <nav id="main-nav" class={menuOpen ? 'main-nav open' : 'main-nav'} aria-label="Main">
          {entries.map((n) => (
            <a key={n.href} href={n.href} aria-current={isCurrent(n.href, path) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="user">
          <span class="user-name" title={me.user.email}>
            {me.user.displayName || me.user.email}
          </span>
          <button type="button" class="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{props.children}</main>
    </>
  );
}
