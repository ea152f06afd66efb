import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';

/** Deny by default: every route the product serves must say who may call it. */
describe('route access declarations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('every route is either @Public() or carries a policy', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(0);
    const undeclared = routes.filter((r) => !r.isPublic && r.policy === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });
});
