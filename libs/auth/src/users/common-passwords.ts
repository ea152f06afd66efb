/**
 * Passwords of 12+ characters that top the public breach corpora, and the base words most such
 * passwords are built from. A candidate is refused when it is one of these, or when it is a base
 * word dressed up with digits, symbols, repetition or look-alike characters.
 */
const COMMON = [
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123123123123',
  '111111111111',
  '000000000000',
  '987654321000',
  '123456123456',
  '121212121212',
  'qwertyuiop123',
  'qwerty123456',
  'qwertyuiopasdfghjkl',
  'qwertyuiopasdf',
  'qwerty12345678',
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'qazwsxedcrfv',
  'zaq12wsxcde3',
  'q1w2e3r4t5y6',
  '123qweasdzxc',
  'asdfghjkl123',
  'zxcvbnm12345',
  'abc123456789',
  'abcdefghijkl',
  'aaaaaaaaaaaa',
  'passwordpassword',
  'trustno1trustno1',
  'correcthorsebatterystaple',
  'iloveyouiloveyou',
  'administrator',
  'administrator1',
  'letmeinletmein',
];

const BASE_WORDS = [
  'password',
  'passwort',
  'motdepasse',
  'contrasena',
  'qwerty',
  'qwertz',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'iloveyou',
  'monkey',
  'dragon',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'batman',
  'starwars',
  'whatever',
  'changeme',
  'secret',
  'master',
  'shadow',
  'michael',
  'jennifer',
  'trustno',
  'login',
  'test',
  'guest',
  'root',
  'fusiongate',
  'abc',
  'qazwsx',
  'asdf',
  'zxcvbnm',
];

const COMMON_SET = new Set(COMMON);
const BASE_SET = new Set(BASE_WORDS);

const LOOK_ALIKES: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
};

/** True when `password` is one of the most common passwords or a trivial variant of one. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON_SET.has(lower)) return true;
  if (new Set(lower).size < 4) return true;
  // Strip decorations people add to satisfy length rules: trailing/leading digits and symbols.
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (core.length === 0) return true;
  const deLeetCore = [...core].map((c) => LOOK_ALIKES[c] ?? c).join('');
  for (const candidate of [core, deLeetCore]) {
    if (BASE_SET.has(candidate) || COMMON_SET.has(candidate)) return true;
    // The same word repeated ("passwordpassword", "admin2024admin2024").
    for (const word of BASE_SET) {
      if (candidate.replace(new RegExp(word, 'g'), '').replace(/[\d\W_]/g, '') === '') return true;
    }
  }
  return false;
}
