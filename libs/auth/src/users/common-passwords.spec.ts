import { isCommonPassword } from './common-passwords.js';

describe('common password check', () => {
  it.each([
    'password1234',
    'Password1234!',
    'P@ssw0rd2024!',
    'qwerty123456',
    '123456789012',
    'aaaaaaaaaaaaaa',
    'adminadminadmin',
    'Welcome2024!!',
    'letmeinletmein',
  ])('refuses %s', (candidate) => {
    expect(isCommonPassword(candidate)).toBe(true);
  });

  it.each(['correct-horse-battery-9', 'Tst-8fJq2LwZ0pQx', 'mauve velvet tractor ink'])('accepts %s', (candidate) => {
    expect(isCommonPassword(candidate)).toBe(false);
  });
});
