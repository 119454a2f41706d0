import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { syncPolicySchema } from './policy.ts';
import { contactEngineSettings, DEFAULT_CONTACT_SYNC } from './settings.ts';

describe('the phone country the engine reads numbers with', () => {
  it("is the mailbox's when it sets one, else the organisation's, else none", () => {
    const country = (mailbox: CountryCode | null, organisation: CountryCode | null) =>
      contactEngineSettings({ ...DEFAULT_CONTACT_SYNC, defaultCountry: mailbox }, 1, organisation).options
        .defaultCountry;
    // Nobody set one: a number without country code is never given a guessed prefix.
    expect(DEFAULT_CONTACT_SYNC.defaultCountry).toBeNull();
    expect(country(null, null)).toBeNull();
    expect(country(null, 'GB')).toBe('GB');
    expect(country('IE', 'GB')).toBe('IE');
  });

  it('is set for the organisation by an ISO code in the sync policy', () => {
    expect(syncPolicySchema.parse({ massDeleteShare: 0.2, phoneCountry: 'gb' }).phoneCountry).toBe('GB');
    expect(syncPolicySchema.safeParse({ massDeleteShare: 0.2, phoneCountry: 'XQ' }).success).toBe(false);
  });
});
