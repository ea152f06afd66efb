import { redactionDigest } from './audit-erasure.js';
import { mergePersonal, separatePersonal } from './personal-data.js';

describe('personal data beside audit events', () => {
  it('takes emails and display names out of details, at any depth, and puts them back', () => {
    const details = {
      email: 'Ada@Studio.example',
      role: 'tester',
      before: { displayName: 'Ada L', platformAdmin: false },
      invitees: [{ e_mail: 'b@studio.example', role: 'guest' }],
      name: 'compositing pipeline',
    };
    const { details: hashed, values } = separatePersonal(details);
    expect(hashed).toEqual({
      role: 'tester',
      before: { platformAdmin: false },
      invitees: [{ role: 'guest' }],
      name: 'compositing pipeline',
    });
    expect(JSON.stringify(hashed)).not.toMatch(/Ada|b@studio/);
    expect(values).toEqual([
      { path: ['email'], value: 'Ada@Studio.example' },
      { path: ['before', 'displayName'], value: 'Ada L' },
      { path: ['invitees', 0, 'e_mail'], value: 'b@studio.example' },
    ]);
    expect(mergePersonal(hashed, values)).toEqual(details);
    // The stored form is unchanged by reading.
    expect(hashed).not.toHaveProperty('email');
    expect(mergePersonal(hashed, null)).toBe(hashed);
  });

  it('leaves null personal values in place (nothing to erase) and details without any untouched', () => {
    expect(separatePersonal({ email: null, count: 2 })).toEqual({ details: { email: null, count: 2 }, values: [] });
  });

  it('digests redaction records independently of their order, and changes with any of them', () => {
    const a = { seq: 3, redactedHash: 'a'.repeat(64) };
    const b = { seq: 9, redactedHash: 'b'.repeat(64) };
    expect(redactionDigest([a, b])).toBe(redactionDigest([b, a]));
    expect(redactionDigest([a, b])).not.toBe(redactionDigest([a, { ...b, redactedHash: 'c'.repeat(64) }]));
    expect(redactionDigest([a])).not.toBe(redactionDigest([a, b]));
  });
});
