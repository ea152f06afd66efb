// `node --import <this file>` runs this library's TypeScript sources without a build step.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
