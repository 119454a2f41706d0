import { describe, expect, it } from 'vitest';
import { memoryNodeOptions } from './node-flags.ts';

describe('memory settings of the long-running commands', () => {
  it('adds the measured heap settings to serve, worker and demo', () => {
    for (const command of ['serve', 'worker', 'demo'])
      expect(memoryNodeOptions(command, {}, [])).toBe('--max-semi-space-size=16 --max-old-space-size=512');
    expect(memoryNodeOptions('serve', { NODE_OPTIONS: '--enable-source-maps' }, [])).toBe(
      '--enable-source-maps --max-semi-space-size=16 --max-old-space-size=512',
    );
  });

  it("leaves other commands, the user's own settings and a re-run process alone", () => {
    expect(memoryNodeOptions('migrate', {}, [])).toBeUndefined();
    expect(memoryNodeOptions(undefined, {}, [])).toBeUndefined();
    expect(memoryNodeOptions('serve', { NODE_OPTIONS: '--max-old-space-size=2048' }, [])).toBeUndefined();
    expect(memoryNodeOptions('serve', {}, ['--max-semi-space-size=64'])).toBeUndefined();
    expect(memoryNodeOptions('serve', { EXSYNC_NODE_FLAGS: 'applied' }, [])).toBeUndefined();
  });
});
