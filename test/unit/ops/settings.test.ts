import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/errors.ts';
import { resolveConfig } from '../../../src/config/load-config.ts';
import { authorizeWrite, DEFAULT_OPS_PORT, hostAllowed, opsSettings, tokenMatches } from '../../../src/ops/settings.ts';

const TOKEN = 'a-long-enough-token-0123456789';
const resolve = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) =>
  resolveConfig(raw, { file: 'config.yaml', env, cwd, baseDir: cwd });
const problemsOf = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string => {
  try {
    resolve(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('tokenMatches', () => {
  it('accepts only the exact token, whatever the lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });
});

describe('authorizeWrite', () => {
  const on = { actions: true, token: TOKEN };
  it('refuses every write while actions are off, even with the right token', () => {
    expect(authorizeWrite({ actions: false, token: TOKEN }, `Bearer ${TOKEN}`)).toEqual({
      ok: false,
      status: 403,
      reason: expect.stringContaining('disabled'),
    });
    expect(authorizeWrite({ actions: true, token: undefined }, `Bearer ${TOKEN}`)).toMatchObject({ ok: false, status: 403 });
  });
  it('asks for the token (401) when it is missing, malformed or wrong', () => {
    for (const header of [undefined, '', 'Bearer', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer  wrong-token-wrong-token`, TOKEN]) {
      expect(authorizeWrite(on, header)).toMatchObject({ ok: false, status: 401 });
    }
  });
  it('lets the right bearer token through (scheme case-insensitive, as RFC 7235)', () => {
    expect(authorizeWrite(on, `Bearer ${TOKEN}`)).toEqual({ ok: true });
    expect(authorizeWrite(on, `bearer ${TOKEN}`)).toEqual({ ok: true });
  });
});

describe('hostAllowed', () => {
  it('on loopback answers only to loopback names (DNS rebinding)', () => {
    for (const host of ['127.0.0.1:9477', 'localhost:9477', 'localhost', '[::1]:9477', '127.0.0.2'])
      expect(hostAllowed('127.0.0.1', host)).toBe(true);
    for (const host of ['evil.example:9477', 'evil.example', undefined, '127.0.0.1.evil.example', 'localhost.evil.example:9477'])
      expect(hostAllowed('127.0.0.1', host)).toBe(false);
  });
  it('bound to the network accepts any name (pod IPs, service names)', () => {
    expect(hostAllowed('0.0.0.0', 'logwarden.monitoring.svc:9477')).toBe(true);
    expect(hostAllowed('::', '10.1.2.3:9477')).toBe(true);
  });
});

describe('ops config keys', () => {
  it('defaults: on, loopback, the documented port, page on, actions off', () => {
    expect(opsSettings(resolve({}))).toEqual({
      enabled: true,
      port: DEFAULT_OPS_PORT,
      bind: '127.0.0.1',
      statusPage: true,
      actions: false,
      token: undefined,
    });
  });

  it('reads the keys, and the environment overrides port, bind and token', () => {
    const config = resolve({
      ops_enabled: false,
      ops_port: 9100,
      ops_bind: '0.0.0.0',
      status_page: false,
      status_page_actions: true,
      status_page_token: TOKEN,
    });
    expect(opsSettings(config)).toEqual({ enabled: false, port: 9100, bind: '0.0.0.0', statusPage: false, actions: true, token: TOKEN });
    const env = { LOGWARDEN_OPS_PORT: '0', LOGWARDEN_OPS_BIND: '::', LOGWARDEN_STATUS_TOKEN: `${TOKEN}-env` };
    expect(opsSettings(resolve({ ops_port: 9100, status_page_token: TOKEN }, env))).toMatchObject({
      port: 0,
      bind: '::',
      token: `${TOKEN}-env`,
    });
  });

  it('reads the token from a file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-token-'));
    writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    expect(opsSettings(resolve({ status_page_actions: true, status_page_token_file: 'token' }, {}, dir)).token).toBe(TOKEN);
  });

  it('refuses actions without a token, short tokens, and a bad port, without showing the token', () => {
    expect(problemsOf({ status_page_actions: true })).toContain('status_page_actions: status_page_actions is on but no token is set');
    const short = problemsOf({ status_page_token: 'short-secret' });
    expect(short).toContain('status_page_token:');
    expect(short).toContain('expected a string of at least 16 characters');
    expect(short).not.toContain('short-secret');
    expect(problemsOf({}, { LOGWARDEN_STATUS_TOKEN: 'tiny' })).toContain(
      '(environment): LOGWARDEN_STATUS_TOKEN: the status page token must be at least 16 characters',
    );
    expect(problemsOf({}, { LOGWARDEN_OPS_PORT: '99999' })).toContain('LOGWARDEN_OPS_PORT: expected a port number 0-65535, got "99999"');
    expect(problemsOf({ ops_port: 70000 })).toContain('ops_port:');
    expect(problemsOf({ status_page_token: TOKEN, status_page_token_file: 'x' })).toContain(
      'give either status_page_token or status_page_token_file, not both',
    );
  });
});
