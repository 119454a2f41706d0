import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('allows up to the limit in the window, then asks to wait until the oldest failure expires', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds(['ip:a'])).toBe(0);
      limiter.recordFailure(['ip:a']);
      now += 10_000;
    }
    // Failures at 0, 10 s, 20 s; now 30 s: the first leaves the window at 60 s.
    expect(limiter.retryAfterSeconds(['ip:a'])).toBe(30);
    expect(limiter.retryAfterSeconds(['ip:b'])).toBe(0);
    now = 60_001;
    expect(limiter.retryAfterSeconds(['ip:a'])).toBe(0);
  });

  it('clears one key on success and keeps the others', () => {
    const limiter = new LoginLimiter({ maxFailures: 1, windowMs: 60_000, now: () => 0 });
    limiter.recordFailure(['ip:a', 'email:x']);
    limiter.clear('email:x');
    expect(limiter.retryAfterSeconds(['email:x'])).toBe(0);
    expect(limiter.retryAfterSeconds(['ip:a'])).toBe(60);
  });
});
