import type { Mailbox } from '../model.ts';
import type { SandboxStore } from '../store-api.ts';

/**
 * Finds the mailbox a login names and checks its password. A login is the SMTP address (or UPN),
 * `DOMAIN\user` (the domain's first label or the whole domain), or the part before `@` when
 * it names one mailbox only. Returns undefined when the login is unknown or the password wrong.
 */
export function checkPassword(store: SandboxStore, login: string, password: string): Mailbox | undefined {
  const mailbox = findMailboxByLogin(store, login);
  if (!mailbox || typeof password !== 'string' || mailbox.password !== password) return undefined;
  return mailbox;
}

export function findMailboxByLogin(store: SandboxStore, login: string): Mailbox | undefined {
  if (typeof login !== 'string') return undefined;
  const text = login.trim().toLowerCase();
  if (!text) return undefined;
  if (text.includes('@')) return store.mailbox(text);
  const slash = text.indexOf('\\');
  if (slash >= 0) {
    const domain = text.slice(0, slash);
    const user = text.slice(slash + 1);
    return store.mailboxes().find((m) => {
      const [local, mailDomain] = m.address.split('@');
      return local === user && (mailDomain === domain || mailDomain.split('.')[0] === domain);
    });
  }
  const matches = store.mailboxes().filter((m) => m.address.split('@')[0] === text);
  return matches.length === 1 ? matches[0] : undefined;
}
