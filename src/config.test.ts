import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseByteSize } from './config.ts';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'sqlite:./data/exsync.db',
      port: 8080,
      host: 'localhost',
      publicUrl: 'http://localhost:8080',
      logLevel: 'info',
      bodyLimit: 1024 * 1024,
      adminEmail: 'admin@exsync.local',
    });
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        EXSYNC_PUBLIC_URL: 'https://crm.example.com/',
        EXSYNC_BODY_LIMIT: '2mb',
        EXSYNC_HOST: '0.0.0.0',
      },
      { port: '9100' },
    );
    expect(config).toMatchObject({
      port: 9100,
      publicUrl: 'https://crm.example.com',
      bodyLimit: 2 * 1024 * 1024,
      host: '0.0.0.0',
    });
    expect(loadConfig({ PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
  });

  it('lists every problem, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '70000',
        EXSYNC_DATABASE_URL: 'mysql://x',
        EXSYNC_LOG_LEVEL: 'loud',
        EXSYNC_BODY_LIMIT: 'huge',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT must be between 0 and 65535/);
    expect(problems.join('\n')).toMatch(/EXSYNC_DATABASE_URL must look like/);
    expect(problems.join('\n')).toMatch(/EXSYNC_LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/EXSYNC_BODY_LIMIT must be a size/);
    expect(() => loadConfig({}, { port: 'x' })).toThrow(/--port must be a number/);
  });

  it('takes a 32-byte secret key as base64 or hex, and refuses anything else', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ EXSYNC_SECRET_KEY: key.toString('base64') }).secretKey).toBeDefined();
    expect(loadConfig({ EXSYNC_SECRET_KEY: key.toString('hex') }).secretKey).toBeDefined();
    expect(() => loadConfig({ EXSYNC_SECRET_KEY: 'sixteen-chars-xx' })).toThrow(
      /EXSYNC_SECRET_KEY must be 32 bytes/,
    );
  });

  it('parses sizes', () => {
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('1 MB')).toBe(1024 * 1024);
    expect(parseByteSize('lots')).toBeUndefined();
  });
});
