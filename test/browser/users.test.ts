// User administration and a user's own page in a browser: create a user with a role, deactivate
// and reactivate (sign-in refused, then allowed), reset a password; change one's own password
// with the current one, and personal API tokens shown once, copied, used and revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, screenshot, sidewaysOverflow, startBrowserWorld } from './support.ts';

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
});

afterAll(async () => {
  await world?.close();
});

/** Whether a sign-in with these credentials succeeds, from a browser context of its own. */
async function canSignIn(email: string, password: string): Promise<boolean> {
  const probe = await world.newPage();
  const answer = await probe.request.post('/api/v1/auth/login', { data: { email, password } });
  return answer.ok();
}

describe('user administration', { timeout: 90_000 }, () => {
  it('creates a user with a role, deactivates, reactivates and resets the password', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Sam Sales' }).waitFor();
    await screenshot(page, 'users-list');

    await page.getByRole('link', { name: 'New user' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Email').fill('grace@exsync.test');
    await page.getByLabel('First password').fill('grace-first-password');
    await page.getByRole('checkbox', { name: 'Sales' }).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByText('Sales', { exact: true }).waitFor();
    expect(await canSignIn('grace@exsync.test', 'grace-first-password')).toBe(true);

    await page.getByRole('button', { name: 'Deactivate' }).click();
    const question = page.getByRole('group', { name: 'Deactivate Grace Hopper?' });
    await question
      .getByText(/every session of theirs ends and every API token of theirs is revoked/)
      .waitFor();
    await question.getByRole('button', { name: 'Deactivate user' }).click();
    await page.getByText('Grace Hopper is deactivated.').waitFor();
    await page.getByText('Deactivated', { exact: true }).waitFor();
    expect(await canSignIn('grace@exsync.test', 'grace-first-password')).toBe(false);

    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByRole('button', { name: 'Reactivate user' }).click();
    await page.getByText('Grace Hopper is active again.').waitFor();
    expect(await canSignIn('grace@exsync.test', 'grace-first-password')).toBe(true);

    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page
      .getByText(/at least 8 characters/)
      .first()
      .waitFor();
    await page.getByLabel('New password', { exact: true }).fill('grace-second-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText(/The password of Grace Hopper is reset: \d+ sessions? ended/).waitFor();
    expect(await canSignIn('grace@exsync.test', 'grace-first-password')).toBe(false);
    expect(await canSignIn('grace@exsync.test', 'grace-second-password')).toBe(true);

    // Roles can be changed later.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('checkbox', { name: 'Administrators' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Administrators, Sales').or(page.getByText('Sales, Administrators')).waitFor();
    await screenshot(page, 'user-record');
  });

  it('tells a sales user that managing users is not theirs to do', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
    ).resolves.toBe(0);
    await page.goto('/settings/users');
    await page.getByText('Managing users needs the right to manage users.').waitFor();
  });
});

describe('your own account', { timeout: 90_000 }, () => {
  it('changes the password with the current one and manages personal API tokens', async () => {
    const page = await world.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await world.signIn(page, world.sales);
    await page.getByRole('banner').getByRole('link', { name: 'Sam Sales' }).click();
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();

    // A token: shown once, copied, usable, then revoked.
    await page.getByLabel('Name of a new token').fill('nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(token);
    const withToken = async () =>
      (await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status();
    expect(await withToken()).toBe(200);
    await page.getByRole('list', { name: 'Personal API tokens' }).getByText('nightly export').waitFor();
    await screenshot(page, 'my-account');
    await page.getByRole('button', { name: 'Hide the token' }).click();
    await expect(shown.count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Revoke token nightly export' }).click();
    await page.getByRole('button', { name: 'Revoke', exact: true }).last().click();
    await page.getByText('You have no API tokens.').waitFor();
    expect(await withToken()).toBe(401);

    // The password: the current one is checked, the repeat must match.
    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByLabel('New password', { exact: true }).fill('sam-new-password-1');
    await page.getByLabel('New password again').fill('sam-new-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('does not match the new password; type it again').waitFor();
    await page.getByLabel('New password again').fill('sam-new-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('.field-error', { hasText: 'is wrong' }).waitFor();
    await page.getByLabel('Current password').fill(world.sales.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Your password is changed/).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await canSignIn(world.sales.email, 'sam-new-password-1')).toBe(true);
    expect(await canSignIn(world.sales.email, world.sales.password)).toBe(false);
    world.sales.password = 'sam-new-password-1';
  });
});
