// Scope strings as the identity platform reads them: OpenID Connect scopes, plus permissions of
// one resource, written bare (Graph) or prefixed with the resource's URI.
import { AADSTS, IdentityError } from './errors.ts';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const OUTLOOK_RESOURCE = 'https://outlook.office365.com';
const RESOURCES = [GRAPH_RESOURCE, OUTLOOK_RESOURCE, 'https://outlook.office.com'];
const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface ResolvedScopes {
  resource: string;
  /** Permission names without the resource prefix (`Contacts.ReadWrite`, `.default`). */
  resourceScopes: string[];
  oidcScopes: string[];
  isDefault: boolean;
}

export function parseScopes(scope: string | undefined): ResolvedScopes {
  const words = (scope ?? '').split(/\s+/).filter(Boolean);
  const oidcScopes: string[] = [];
  const resourceScopes: string[] = [];
  let resource: string | undefined;
  for (const word of words) {
    if (OIDC.has(word.toLowerCase())) {
      oidcScopes.push(word.toLowerCase());
      continue;
    }
    let name = word;
    let owner = GRAPH_RESOURCE;
    const prefixed = RESOURCES.find((r) => word.toLowerCase().startsWith(`${r}/`));
    if (prefixed) {
      owner = prefixed === 'https://outlook.office.com' ? OUTLOOK_RESOURCE : prefixed;
      name = word.slice(prefixed.length + 1);
    } else if (/^(https?|api):\/\//i.test(word) || word.startsWith('00000003-')) {
      const slash = word.lastIndexOf('/');
      owner = word.slice(0, slash);
      name = word.slice(slash + 1);
      if (owner.startsWith('00000003-')) owner = GRAPH_RESOURCE;
    }
    if (resource && resource !== owner) {
      throw new IdentityError(
        'invalid_scope',
        AADSTS.scopeMixesResources,
        `The scopes ask for more than one resource (${resource} and ${owner}); request one resource per token.`,
      );
    }
    resource = owner;
    if (!name)
      throw new IdentityError('invalid_scope', AADSTS.invalidScope, `The scope '${word}' is not valid.`);
    resourceScopes.push(name);
  }
  return {
    resource: resource ?? GRAPH_RESOURCE,
    resourceScopes,
    oidcScopes,
    isDefault: resourceScopes.includes('.default'),
  };
}
