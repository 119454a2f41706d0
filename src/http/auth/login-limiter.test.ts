import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

const MINUTE = 60_000;

function limiterAt(start = 0) {
  const clock = { now: start };
  const limiter = new LoginLimiter({ now: () => clock.now });
  return { clock, limiter };
}

describe('LoginLimiter', () => {
  it('stops one address guessing one account after 10 failures, until the oldest is 15 minutes old', () => {
    const { clock, limiter } = limiterAt();
    limiter.recordSuccess('ann', 'office');
    for (let i = 0; i < 10; i++) {
      expect(limiter.check('ann', 'office')).toBeNull();
      limiter.recordFailure('ann', 'office');
      clock.now += 10_000;
    }
    // Failures at 0 … 90 s; now 100 s: the first leaves the window at 15 min.
    expect(limiter.check('ann', 'office')).toEqual({
      reason: 'address_for_account',
      retryAfterSeconds: 15 * 60 - 100,
    });
    clock.now = 15 * MINUTE + 1;
    expect(limiter.check('ann', 'office')).toBeNull();
  });

  it('never locks an account: strangers only delay new addresses, by at most a minute, and known addresses not at all', () => {
    const { clock, limiter } = limiterAt();
    limiter.recordSuccess('ann', 'office');
    // A stranger guesses from ever new addresses, as fast as the limiter lets them, for hours.
    let waits: number[] = [];
    for (let i = 0; i < 300; i++) {
      const address = `stranger-${i}`;
      const throttle = limiter.check('ann', address);
      if (throttle) {
        expect(throttle.reason).toBe('account');
        waits.push(throttle.retryAfterSeconds);
        clock.now += throttle.retryAfterSeconds * 1000;
      }
      expect(limiter.check('ann', address)).toBeNull();
      limiter.recordFailure('ann', address);
      // The user at their usual address is never held up.
      expect(limiter.check('ann', 'office')).toBeNull();
    }
    expect(Math.max(...waits)).toBe(60);
    // Exponential: 1, 2, 4, … seconds after the fifth failure.
    waits = waits.slice(0, 6);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32]);
    // From a new address the user waits at most a minute, then gets in and clears the count.
    const wait = limiter.check('ann', 'hotel');
    expect(wait?.retryAfterSeconds).toBeLessThanOrEqual(60);
    clock.now += 60_000;
    expect(limiter.check('ann', 'hotel')).toBeNull();
    limiter.recordSuccess('ann', 'hotel');
    expect(limiter.check('ann', 'airport')).toBeNull();
  });

  it('lets the account delay lapse after 15 quiet minutes', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 8; i++) limiter.recordFailure('ann', `x-${i}`);
    expect(limiter.check('ann', 'new')?.reason).toBe('account');
    clock.now += 15 * MINUTE + 1;
    expect(limiter.check('ann', 'new')).toBeNull();
    // The count restarts: one more failure does not bring the delay back.
    limiter.recordFailure('ann', 'x-9');
    expect(limiter.check('ann', 'new')).toBeNull();
  });

  it('stops one address spraying many accounts after 30 failures, and no other address', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 30; i++) limiter.recordFailure(`user-${i}`, 'sprayer');
    expect(limiter.check('someone-else', 'sprayer')?.reason).toBe('address');
    expect(limiter.check('someone-else', 'elsewhere')).toBeNull();
  });

  it("clears an account's counts on an administrator's reset, everywhere", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 10; i++) {
      limiter.recordFailure('ann', 'office');
      limiter.recordFailure('ann', 'home');
    }
    limiter.recordFailure('bob', 'office');
    expect(limiter.check('ann', 'office')?.reason).toBe('address_for_account');
    limiter.clearAccount('ann');
    expect(limiter.check('ann', 'office')).toBeNull();
    expect(limiter.check('ann', 'home')).toBeNull();
    expect(limiter.check('ann', 'anywhere')).toBeNull();
  });

  it("a success clears the account and that address's count, but not the address's count over other accounts", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 30; i++) limiter.recordFailure(i < 9 ? 'ann' : `other-${i}`, 'shared');
    limiter.recordSuccess('ann', 'shared');
    expect(limiter.check('zoe', 'shared')?.reason).toBe('address');
  });
});
