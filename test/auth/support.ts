/** Settings for identity suites: a low argon2 cost keeps them fast (production's is tested once). */
export const FAST_AUTH_ENV = { AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1' };
