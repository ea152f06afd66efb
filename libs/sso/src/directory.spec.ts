import { claimValues, domainAllowed, emailVerified, mappedRole, providerDidMfa } from './directory.js';

describe('single sign-on directory rules', () => {
  it('reads strings, arrays and nested claims', () => {
    const claims = { groups: ['a', 3, 'b'], dept: 'vfx', realm_access: { roles: ['lead'] }, 'x.y': 'flat' };
    expect(claimValues(claims, 'groups')).toEqual(['a', 'b']);
    expect(claimValues(claims, 'dept')).toEqual(['vfx']);
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['lead']);
    expect(claimValues(claims, 'x.y')).toEqual(['flat']);
    expect(claimValues(claims, 'missing')).toEqual([]);
    expect(claimValues({ groups: { not: 'a list' } }, 'groups')).toEqual([]);
  });

  it('takes the first matching mapping, then the default role', () => {
    const mappings = [
      { value: 'leads', role: 'admin' },
      { claim: 'dept', value: 'vfx', role: 'developer' },
      { value: 'artists', role: 'tester' },
    ];
    expect(mappedRole({ groups: ['artists', 'leads'] }, mappings, 'groups', null)).toBe('admin');
    expect(mappedRole({ groups: ['artists'], dept: 'vfx' }, mappings, 'groups', null)).toBe('developer');
    expect(mappedRole({ groups: ['artists'] }, mappings, 'groups', 'guest')).toBe('tester');
    expect(mappedRole({ groups: ['other'] }, mappings, 'groups', 'guest')).toBe('guest');
    expect(mappedRole({ groups: ['other'] }, mappings, 'groups', null)).toBeNull();
  });

  it('counts MFA only when amr or acr say so', () => {
    expect(providerDidMfa({ amr: ['pwd', 'mfa'] }, ['mfa'], [])).toBe(true);
    expect(providerDidMfa({ amr: ['pwd'] }, ['mfa'], [])).toBe(false);
    expect(providerDidMfa({ amr: 'otp' }, ['mfa', 'otp'], [])).toBe(true);
    expect(providerDidMfa({ acr: 'urn:okta:loa:2fa:any' }, ['mfa'], ['urn:okta:loa:2fa:any'])).toBe(true);
    expect(providerDidMfa({ acr: '1' }, ['mfa'], ['2'])).toBe(false);
    expect(providerDidMfa({}, ['mfa'], ['2'])).toBe(false);
  });

  it('accepts only a verified email and allowed domains', () => {
    expect(emailVerified({ email_verified: true })).toBe(true);
    expect(emailVerified({ email_verified: 'true' })).toBe(true);
    expect(emailVerified({ email_verified: false })).toBe(false);
    expect(emailVerified({})).toBe(false);
    expect(emailVerified({ xms_edov: true })).toBe(true);
    expect(emailVerified({ xms_edov: false, email_verified: false })).toBe(false);
    expect(domainAllowed('a@Studio.Example', ['studio.example'])).toBe(true);
    expect(domainAllowed('a@evil.example', ['studio.example'])).toBe(false);
    expect(domainAllowed('a@studio.example.evil', ['studio.example'])).toBe(false);
    expect(domainAllowed('anything@x', [])).toBe(true);
  });
});
