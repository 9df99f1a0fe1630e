import { describe, expect, it } from 'vitest';
import {
  AZURE_CHINA,
  AZURE_PUBLIC,
  AZURE_US_GOVERNMENT,
  AuthorityBuilder,
  WELL_KNOWN_AUTHORITY_HOSTS,
  isWellKnownHost,
  knownAliases,
} from '../../../lib/authority/clouds.js';

describe('clouds', () => {
  it('names the national clouds', () => {
    expect(AZURE_PUBLIC).toBe('login.microsoftonline.com');
    expect(AZURE_US_GOVERNMENT).toBe('login.microsoftonline.us');
    expect(AZURE_CHINA).toBe('login.chinacloudapi.cn');
    for (const h of [AZURE_PUBLIC, AZURE_US_GOVERNMENT, AZURE_CHINA, 'login.windows.net', 'sts.windows.net']) {
      expect(WELL_KNOWN_AUTHORITY_HOSTS).toContain(h);
      expect(isWellKnownHost(h.toUpperCase())).toBe(true);
    }
    expect(isWellKnownHost('login.contoso.com')).toBe(false);
  });

  it('builds authority URLs with or without a scheme', () => {
    expect(String(new AuthorityBuilder(AZURE_PUBLIC, 'contoso.onmicrosoft.com'))).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    );
    expect(new AuthorityBuilder('https://login.microsoftonline.us/', '/common/').toString()).toBe('https://login.microsoftonline.us/common');
    expect(`${new AuthorityBuilder('http://127.0.0.1:8080', 'adfs')}`).toBe('http://127.0.0.1:8080/adfs');
  });

  it('knows aliases offline and falls back to the host itself', () => {
    expect(knownAliases('LOGIN.WINDOWS.NET')).toEqual(['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net']);
    expect(knownAliases(AZURE_CHINA)).toContain('login.partner.microsoftonline.cn');
    expect(knownAliases(AZURE_US_GOVERNMENT)).toEqual(['login.microsoftonline.us', 'login.usgovcloudapi.net']);
    expect(knownAliases('Login.Contoso.com')).toEqual(['login.contoso.com']);
  });
});
