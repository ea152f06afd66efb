import { SigningKeyService } from '#libs/auth';
import { withIdentity } from './identity-context.js';

/** Starts signing access tokens with a new key; the old one keeps verifying until its tokens expire. */
export async function keysRotateCommand(): Promise<void> {
  const kid = await withIdentity((app) => app.get(SigningKeyService).rotate());
  process.stdout.write(
    `Now signing access tokens with key ${kid}; previous keys stay valid until their tokens expire.\n`,
  );
}
