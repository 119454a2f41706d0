// Activities in a browser: the list with its filters and sort, a recurring meeting's page (times
// in the viewer's and the meeting's zone, the rule in words, participants linked to their
// records, a changed occurrence's own show-as and reminder), create, edit and delete with a
// refusal shown at its field, the week and month calendar, and the activities on a contact's and
// an account's page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, screenshot, sidewaysOverflow, startBrowserWorld } from './support.ts';

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
});

afterAll(async () => {
  await world?.close();
});

const admin = () => world.crm.users.principalFor(world.admin.user.id);
const subjects = (page: import('playwright-core').Page) => page.locator('main tbody th a').allTextContents();

describe('activities', { timeout: 120_000 }, () => {
  it('are listed by kind, date range, owner, group and subject, and sorted', async () => {
    const me = await admin();
    const sam = await world.crm.users.principalFor(world.sales.user.id);
    const group = await world.crm.activityGroups.create(me, { name: 'Board' });
    await world.crm.activities.create(me, {
      kind: 'meeting',
      subject: 'Board review',
      startsAt: '2027-01-12T09:00:00Z',
      endsAt: '2027-01-12T10:00:00Z',
      timeZone: 'Europe/Berlin',
      groupIds: [group.id],
    });
    await world.crm.activities.create(me, {
      kind: 'task',
      subject: 'Send the minutes',
      endsAt: '2027-01-20T16:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    await world.crm.activities.create(sam, {
      kind: 'meeting',
      subject: 'Customer visit',
      startsAt: '2027-02-03T13:00:00Z',
      endsAt: '2027-02-03T14:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activities' }).click();
    await page.getByRole('heading', { name: 'Activities', level: 1 }).waitFor();
    await page.getByText('3 activities', { exact: true }).waitFor();

    await page.getByLabel('Sort by').selectOption({ label: 'Earliest start first' });
    await expect.poll(() => subjects(page)).toEqual(['Send the minutes', 'Board review', 'Customer visit']);
    await page.getByLabel('Sort by').selectOption({ label: 'Subject A–Z' });
    await expect.poll(() => subjects(page)).toEqual(['Board review', 'Customer visit', 'Send the minutes']);

    await page.getByLabel('Kind').selectOption({ label: 'Task' });
    await page.waitForURL(/kind=task/);
    await expect.poll(() => subjects(page)).toEqual(['Send the minutes']);
    await page.getByLabel('Kind').selectOption({ label: 'Meetings and tasks' });

    await page.getByLabel('From', { exact: true }).fill('2027-02-01');
    await page.getByLabel('To', { exact: true }).fill('2027-02-28');
    await page.getByLabel('To', { exact: true }).blur();
    await page.waitForURL(/to=2027-02-28/);
    await expect.poll(() => subjects(page)).toEqual(['Customer visit']);
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByLabel('To', { exact: true }).blur();

    await page.getByLabel('Owner').selectOption({ label: 'Sam Sales' });
    await expect.poll(() => subjects(page)).toEqual(['Customer visit']);
    await page.getByLabel('Owner').selectOption({ label: 'All owners' });
    await page.getByLabel('Groups').selectOption({ label: 'Board' });
    await expect.poll(() => subjects(page)).toEqual(['Board review']);
    await page.getByLabel('Groups').selectOption({ label: 'All groups' });

    await page.getByLabel('Search').fill('minutes');
    await page.waitForURL(/q=minutes/);
    await expect.poll(() => subjects(page)).toEqual(['Send the minutes']);
    await page.getByText('1 activity', { exact: true }).waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByText('3 activities', { exact: true }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'activities-list');
  });

  it('show a recurring meeting in both zones, its rule in words and its participants', async () => {
    const me = await admin();
    const account = await world.crm.accounts.create(me, { name: 'Difference Engines' });
    const ada = await world.crm.contacts.create(me, {
      displayName: 'Ada Lovelace',
      accountId: account.id,
      emails: [{ type: 'work', address: 'ada@engines.example' }],
    });
    const lead = await world.crm.leads.create(me, { displayName: 'Charles Babbage' });
    const meeting = await world.crm.activities.create(me, {
      kind: 'meeting',
      subject: 'Engine design review',
      // Monday 2 March 2037, 10:00 in New York: 16:00 in Berlin. Far ahead, so that the next
      // occurrences the page lists stay the same.
      startsAt: '2037-03-02T15:00:00Z',
      endsAt: '2037-03-02T16:00:00Z',
      timeZone: 'America/New_York',
      location: 'Room 3',
      recurrence: { rule: { freq: 'WEEKLY', interval: 2, byDay: ['MO', 'WE'], count: 10 } },
      participants: [
        { type: 'user', id: world.admin.user.id, role: 'organizer', response: 'accepted' },
        { type: 'contact', id: ada.id, response: 'accepted' },
        { type: 'lead', id: lead.id, response: 'tentative' },
        {
          type: 'email',
          email: 'guest@elsewhere.example',
          name: 'Guest',
          role: 'optional',
          response: 'declined',
        },
      ],
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/activities/${meeting.id}`);
    await page.getByRole('heading', { name: 'Engine design review', level: 1 }).waitFor();
    await page.getByText('Every 2 weeks on Monday and Wednesday, 10 times').waitFor();
    // Berlin is the browser's zone; the meeting was planned in New York.
    const when = page.locator('dd').filter({ hasText: 'in America/New_York' });
    await expect(when.textContent()).resolves.toBe(
      '2 Mar 2037, 16:00–17:002 Mar 2037, 10:00–11:00 in America/New_York',
    );
    const next = page.getByRole('region', { name: 'Recurrence' }).locator('li');
    await expect(next.allTextContents()).resolves.toEqual([
      '2 Mar 2037, 16:00–17:00',
      '4 Mar 2037, 16:00–17:00',
      // New York moves its clocks on 8 March, Berlin not until the 29th: 10:00 there stays.
      '16 Mar 2037, 15:00–16:00',
      '18 Mar 2037, 15:00–16:00',
      '30 Mar 2037, 16:00–17:00',
    ]);
    const participants = page.getByRole('region', { name: 'Participants' });
    await expect(participants.getByRole('link', { name: 'Ada Lovelace' }).getAttribute('href')).resolves.toBe(
      `/contacts/${ada.id}`,
    );
    await expect(
      participants.getByRole('link', { name: 'Charles Babbage' }).getAttribute('href'),
    ).resolves.toBe(`/leads/${lead.id}`);
    await expect(participants.getByRole('link', { name: 'Alex Admin' }).getAttribute('href')).resolves.toBe(
      `/settings/users/${world.admin.user.id}`,
    );
    await participants.getByRole('row', { name: /Charles Babbage.*Tentative/ }).waitFor();
    await participants.getByRole('row', { name: /Guest.*Optional.*Declined/ }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'activity-record');

    // On a phone the page and its form fit the width.
    const phone = await world.newPage({ width: 390, height: 800 });
    await world.signIn(phone, world.admin);
    await phone.goto(`/activities/${meeting.id}`);
    await phone.getByText('Every 2 weeks on Monday and Wednesday, 10 times').waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await phone.getByRole('button', { name: 'Edit' }).click();
    await phone.getByLabel('Email address of participant 4').waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await phone.goto('/activities/calendar?view=month&date=2037-03-02');
    await phone.getByRole('link', { name: '16:00 Engine design review' }).first().waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);

    // The contact's and the account's pages list the meeting.
    await page.goto(`/contacts/${ada.id}`);
    await page
      .getByRole('region', { name: 'Activities' })
      .getByRole('link', { name: 'Engine design review' })
      .waitFor();
    await page.goto(`/accounts/${account.id}`);
    await page
      .getByRole('region', { name: 'Activities' })
      .getByRole('link', { name: 'Engine design review' })
      .waitFor();
  });

  it('list a changed occurrence with its own show-as and reminder', async () => {
    const me = await admin();
    const meeting = await world.crm.activities.create(me, {
      kind: 'meeting',
      subject: 'Occurrence check',
      startsAt: '2037-06-01T08:00:00Z',
      endsAt: '2037-06-01T08:30:00Z',
      timeZone: 'Europe/Berlin',
      reminderMinutes: 15,
      recurrence: {
        rule: { freq: 'WEEKLY', byDay: ['MO'], count: 4 },
        exceptions: [
          { originalStart: '2037-06-08T08:00:00Z', showAs: 'free', reminderMinutes: null },
          { originalStart: '2037-06-15T08:00:00Z', subject: 'Review', reminderMinutes: 5 },
        ],
      },
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/activities/${meeting.id}`);
    const changed = page.getByRole('region', { name: 'Recurrence' }).locator('h3 + ul').nth(1).locator('li');
    await changed.first().waitFor();
    await expect(changed.allTextContents()).resolves.toEqual([
      '8 Jun 2037, 10:00: now 8 Jun 2037, 10:00, Occurrence check, shown as free, no reminder',
      '15 Jun 2037, 10:00: now 15 Jun 2037, 10:00, Review, reminder 5 minutes before',
    ]);
  });

  it('are created, edited with a refusal shown at its field, and deleted', async () => {
    const me = await admin();
    await world.crm.contacts.create(me, { displayName: 'Grace Hopper' });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/activities');
    await page.getByRole('link', { name: 'New activity' }).click();
    await page.getByRole('heading', { name: 'New activity', level: 1 }).waitFor();
    await page.getByLabel('Subject').fill('Compiler demo');
    await page.getByLabel('Location').fill('Lab');
    await page.getByLabel('Priority').selectOption({ label: 'High' });
    await page.getByLabel('Reminder').fill('15');
    await page.getByLabel('Start').fill('2027-04-06T14:00');
    await page.getByLabel('End or due').fill('2027-04-06T15:30');
    await page.getByLabel('Time zone').selectOption('Europe/London');
    await page.getByRole('button', { name: 'Add participant' }).click();
    await page.getByLabel('Record of participant 1').selectOption({ label: 'Grace Hopper' });
    await page.getByLabel('Response of participant 1').selectOption({ label: 'Accepted' });
    await page.getByLabel('Repeats').selectOption({ label: 'Weekly' });
    await page.getByLabel('Tuesday').check();
    await page.getByLabel('Thursday').check();
    await page.getByLabel('Ends').selectOption({ label: 'After a number of times' });
    await page.getByLabel('Number of times').fill('4');
    await page.getByRole('button', { name: 'Create activity' }).click();
    await page.getByRole('heading', { name: 'Compiler demo', level: 1 }).waitFor();
    await page.getByText('Every week on Tuesday and Thursday, 4 times').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const stored = await world.crm.activities.get(me, id);
    expect(stored).toMatchObject({
      kind: 'meeting',
      showInCalendar: true,
      priority: 'high',
      reminderMinutes: 15,
      timeZone: 'Europe/London',
      startsAt: '2027-04-06T13:00:00.000Z',
      endsAt: '2027-04-06T14:30:00.000Z',
      participants: [{ type: 'contact', name: 'Grace Hopper', response: 'accepted' }],
    });
    expect(stored.recurrence?.rule).toMatchObject({
      freq: 'WEEKLY',
      interval: 1,
      byDay: ['TU', 'TH'],
      count: 4,
    });

    await page.getByRole('button', { name: 'Edit' }).click();
    // Each refusal is named at its own field, linked to it for screen readers.
    const refusedAt = async (label: string, words: string) => {
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('alert').filter({ hasText: 'The activity was not saved' }).waitFor();
      const input = page.getByLabel(label, { exact: true });
      const error = page.locator('.field.has-error', { has: input }).locator('.field-error');
      await error.filter({ hasText: words }).waitFor();
      expect(await input.getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));
    };
    await page.getByRole('button', { name: 'Add participant' }).click();
    await refusedAt('Record of participant 2', 'required when type is contact');
    await page.getByRole('button', { name: 'Remove participant 2' }).click();
    await page.getByLabel('End or due').fill('2027-04-06T13:00');
    await refusedAt('End or due', 'must not be before startsAt');
    await page.getByLabel('End or due').fill('2027-04-06T16:00');
    await page.getByLabel('Status').selectOption({ label: 'Completed' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    const edited = await world.crm.activities.get(me, id);
    expect(edited).toMatchObject({ status: 'completed', endsAt: '2027-04-06T15:00:00.000Z' });
    expect(edited.recurrence?.rule.count).toBe(4);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('group', { name: 'Delete Compiler demo?' }).waitFor();
    await page.getByRole('button', { name: 'Delete activity' }).click();
    await page.waitForURL(/\/activities$/);
    await expect(world.crm.activities.get(me, id)).rejects.toThrow();
  });

  it('show in a week and a month calendar that moves back and forth', async () => {
    const me = await admin();
    await world.crm.activities.create(me, {
      kind: 'meeting',
      subject: 'Standup',
      startsAt: '2027-06-07T07:00:00Z',
      endsAt: '2027-06-07T07:15:00Z',
      timeZone: 'Europe/Berlin',
      recurrence: { rule: { freq: 'DAILY', byDay: ['MO', 'TU', 'WE', 'TH', 'FR'] } },
    });
    // A task with a due time only shows on the day it is due.
    await world.crm.activities.create(me, {
      kind: 'task',
      subject: 'Send the report',
      endsAt: '2027-06-10T14:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    await world.crm.activities.create(me, {
      kind: 'meeting',
      subject: 'Summer party',
      startsAt: '2027-06-18T22:00:00Z',
      endsAt: '2027-06-19T22:00:00Z',
      timeZone: 'Europe/Berlin',
      allDay: true,
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/activities');
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { name: 'My calendar', level: 1 }).waitFor();
    await page.goto('/activities/calendar?view=week&date=2027-06-09');
    const day = (label: string) => page.getByRole('listitem', { name: label, exact: true });
    await day('Monday, 7 June 2027').getByRole('link', { name: '09:00 Standup' }).waitFor();
    await expect(day('Saturday, 12 June 2027').getByRole('link').count()).resolves.toBe(0);
    await day('Thursday, 10 June 2027').getByRole('link', { name: '16:00 Send the report' }).waitFor();
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.waitForURL(/date=2027-06-16/);
    await day('Saturday, 19 June 2027').getByRole('link', { name: 'All day Summer party' }).waitFor();
    await day('Friday, 18 June 2027').getByRole('link', { name: '09:00 Standup' }).waitFor();
    await page.getByRole('button', { name: 'Previous week' }).click();
    await page.waitForURL(/date=2027-06-09/);
    await day('Monday, 7 June 2027').waitFor();
    await screenshot(page, 'activities-week');

    await page.getByRole('button', { name: 'Month' }).click();
    await page.waitForURL(/view=month/);
    await page.getByRole('heading', { name: 'June 2027' }).waitFor();
    await expect(page.getByRole('link', { name: '09:00 Standup' }).count()).resolves.toBe(20);
    await page.getByRole('button', { name: 'Next month' }).click();
    await page.getByRole('heading', { name: 'July 2027' }).waitFor();
    await day('Thursday, 1 July 2027').getByRole('link', { name: '09:00 Standup' }).waitFor();
    await page.getByRole('button', { name: 'Previous month' }).click();
    await page.getByRole('heading', { name: 'June 2027' }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'activities-month');
  });
});
