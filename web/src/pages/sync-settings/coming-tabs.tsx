// The Email and the Meetings and tasks tabs: their sync is not built yet, so these tabs say what
// it will do (SPEC C1–C5, C8, D1, D2, E1, E3) and offer no controls that would do nothing.
import { Notice } from '../../components/notice.tsx';

export function EmailTab(props: { serviceName: string | null }) {
  return (
    <div class="coming">
      <Notice kind="info" title="Email sync is coming">
        Exsync does not sync email yet. Its settings will appear on this tab once it does; nothing here needs
        setting up now.
      </Notice>
      <section class="card" aria-labelledby="email-what">
        <h2 id="email-what">What email sync will do</h2>
        <ul class="plain-list">
          <li>
            <strong>Download emails</strong> from the folders you choose (Inbox and Sent Items unless you
            change it), starting from a date you set. Each message is kept once, however many mailboxes it is
            in.
          </li>
          <li>
            <strong>Link them</strong> to contacts, leads, accounts and deals by the sender’s and recipients’
            addresses, and list them under “Emails” on each of those records. Message bodies are cleaned of
            anything unsafe before they are shown; attachments are listed and fetched when opened.
          </li>
          <li>
            <strong>Send emails</strong> written in Exsync through this mailbox, saved in its Sent Items and
            linked the same way.
          </li>
          <li>
            <strong>Choose the direction</strong> (off, download only, send only or both) and whether to sync
            automatically at an interval, as for contacts.
          </li>
        </ul>
        <p class="muted">
          Downloading and sending each need the mail service
          {props.serviceName ? ` (${props.serviceName})` : ''} to allow it: an administrator turns on “load
          emails” and “send emails” in the mail service’s settings.
        </p>
      </section>
    </div>
  );
}

export function MeetingsTab() {
  return (
    <div class="coming">
      <Notice kind="info" title="Meetings and tasks sync is coming">
        Exsync does not sync meetings and tasks yet. Their settings will appear on this tab once it does.
      </Notice>
      <section class="card" aria-labelledby="meetings-what">
        <h2 id="meetings-what">What meetings and tasks sync will do</h2>
        <ul class="plain-list">
          <li>
            <strong>Import meetings</strong> from all of the mailbox’s calendars or the ones you choose.
          </li>
          <li>
            <strong>Import tasks</strong> from all task lists or the ones you choose; only tasks owned by the
            mailbox’s user are imported.
          </li>
          <li>
            <strong>Export activities</strong>: all activities you have access to, or only those in chosen
            activity groups. An activity marked “show in calendar” becomes a meeting or appointment in
            Exchange; without the mark it becomes a task.
          </li>
          <li>
            <strong>Import activities starting from</strong> a date you choose; older items are left alone.
          </li>
          <li>
            Attendees are matched to contacts and users by email address, and a meeting seen in several synced
            mailboxes stays one activity.
          </li>
          <li>
            <strong>Direction, conflicts and timing</strong> as for contacts: off, import only, export only or
            two-way; “CRM wins” or “Exchange wins”; and automatic sync at an interval.
          </li>
        </ul>
      </section>
    </div>
  );
}
