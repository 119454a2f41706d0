// Linking imported contacts to accounts by company name (B2).
import type { Account, AccountMatch } from '../../crm/accounts.ts';
import { normaliseAccountName } from '../../crm/accounts.ts';
import type { Crm } from '../../crm/index.ts';
import type { Principal } from '../../crm/principal.ts';

export type AccountChoice =
  | { linked: true; accountId: string }
  | { linked: false; reason: 'no_account' | 'ambiguous' | 'not_accessible' };

/**
 * Exactly one account of that name → that account; several → none, unless the importing user
 * can see exactly one of them → that one; none → none. The sync writes with the user's rights,
 * so a single account the user cannot see is not linked either.
 */
export function chooseAccount(match: AccountMatch): AccountChoice {
  const visible = (a: Account) => match.visible.some((v) => v.id === a.id);
  if (match.all.length === 0) return { linked: false, reason: 'no_account' };
  if (match.all.length === 1)
    return visible(match.all[0])
      ? { linked: true, accountId: match.all[0].id }
      : { linked: false, reason: 'not_accessible' };
  if (match.visible.length === 1) return { linked: true, accountId: match.visible[0].id };
  return { linked: false, reason: 'ambiguous' };
}

/** Looks each distinct company name up once per batch. */
export function accountLinker(crm: Crm, principal: Principal) {
  const cache = new Map<string, Promise<AccountChoice>>();
  return (companyName: string | null | undefined): Promise<AccountChoice> => {
    if (!companyName?.trim()) return Promise.resolve({ linked: false, reason: 'no_account' });
    const key = normaliseAccountName(companyName);
    let choice = cache.get(key);
    if (!choice) {
      choice = crm.accounts.findByName(principal, companyName).then(chooseAccount);
      cache.set(key, choice);
    }
    return choice;
  };
}
