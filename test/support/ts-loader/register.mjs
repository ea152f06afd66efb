// `node --import ./test/support/ts-loader/register.mjs` runs the project's TypeScript sources without a build step.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
