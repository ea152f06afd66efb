import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { AppModule } from '../../apps/api/src/app.module.js';
import { Public } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { createTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

/** Requests the slow route has begun handling. */
let arrived = 0;

@Controller('slow')
class SlowController {
  @Public()
  @Get()
  async slow() {
    arrived++;
    // A request that takes a while, so that shutdown begins while it is in flight.
    await new Promise((r) => setTimeout(r, 800));
    return { finished: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

const withSlowRoute = (config: AppConfig): DynamicModule => ({
  module: class SlowRoot {},
  imports: [AppModule.forRoot(config), SlowModule],
});

/** What SIGTERM does (apps/api main calls app.close()): finish what is in flight, accept nothing new. */
describe('graceful shutdown', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ rootModule: withSlowRoute });
  });
  afterAll(() => t.env.close());

  it('lets an in-flight request finish, then stops accepting connections', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = await t.app.getUrl();
    const inFlight = fetch(`${base.replace('[::1]', '127.0.0.1')}/api/v1/slow`);
    await eventually('the slow request to reach its handler', () => (arrived > 0 ? true : undefined));
    const closed = t.app.close();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closed;
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});
