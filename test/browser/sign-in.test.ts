import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, callOk, screenshot, startBrowserWorld } from './support.ts';

describe('signing in', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startBrowserWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('refuses a wrong password with a message that says what to do, then signs in and out', async () => {
    const page = await world.newPage();
    await page.goto('/contacts');
    await page.getByLabel('Email').fill(world.admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The email or password is wrong');
    await screenshot(page, 'sign-in-error');

    await page.getByLabel('Password').fill(world.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.locator('header .user-name').textContent()).toBe('Alex Admin');
    // The address asked for before signing in is kept.
    expect(new URL(page.url()).pathname).toBe('/contacts');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Exsync' }).waitFor();
    const me = await page.request.get('/api/v1/me');
    expect(me.status()).toBe(401);
    // The next person does not start on the previous user's screen, and can type at once.
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('sign-in-email');
  });

  it('starts with the email field focused', async () => {
    const page = await world.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Exsync' }).waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('sign-in-email');
  });

  it('speaks the browser’s language until the user chooses one, and keeps the choice on the account', async () => {
    const page = await world.newPage({ locale: 'de-AT' });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Bei Exsync anmelden' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('de');
    await page.getByLabel('E-Mail').fill(world.sales.email);
    await page.getByLabel('Passwort').fill(world.sales.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).textContent()).toContain(
      'Kontakte',
    );

    await page.getByLabel('Sprache').selectOption('ru');
    await page.getByRole('button', { name: 'Выйти' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ru');
    expect((await callOk(page, 'GET', '/api/v1/me')).user.locale).toBe('ru');

    // Another browser with other languages: the account's choice wins.
    const elsewhere = await world.newPage({ locale: 'fr-FR' });
    await world.signIn(elsewhere, world.sales, {
      email: 'E-mail',
      password: 'Mot de passe',
      submit: 'Se connecter',
      signOut: 'Выйти',
    });
    expect(await elsewhere.getByLabel('Язык').inputValue()).toBe('ru');
    // One picture of the dashboard in each language, for the docs.
    const languages = [
      { code: 'ru', label: 'Язык', signOut: 'Выйти' },
      { code: 'de', label: 'Язык', signOut: 'Abmelden' },
      { code: 'fr', label: 'Sprache', signOut: 'Se déconnecter' },
      { code: 'en', label: 'Langue', signOut: 'Sign out' },
    ];
    for (const language of languages) {
      await elsewhere.getByLabel(language.label).selectOption(language.code);
      await elsewhere.getByRole('button', { name: language.signOut }).waitFor();
      await elsewhere.locator('.empty-state').waitFor();
      await screenshot(elsewhere, `language-${language.code}`);
    }
  });

  it('keeps the session across a reload and shows administrators the settings', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Main' }).textContent()).resolves.toContain(
      'Mail services',
    );
  });

  it('does not show sales users the administrators’ settings', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    const nav = await page.getByRole('navigation', { name: 'Main' }).textContent();
    expect(nav).toContain('Contacts');
    expect(nav).not.toContain('Mail services');
  });

  it('answers an unknown screen with the UI and an unknown API path with JSON', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/no/such/screen');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    const api = await page.request.get('/api/v1/no-such-thing');
    expect(api.status()).toBe(404);
    expect((await api.json()).error.code).toBe('route_not_found');
  });
});
