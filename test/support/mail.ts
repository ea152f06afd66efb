import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The first fusiongate link in the text part and the token in its fragment, when there is one. */
  link?: string;
  token?: string;
}

export interface TestMailbox {
  /** `SMTP_URL` for the app under test. */
  url: string;
  /** Every message received so far, in arrival order. */
  messages: ReceivedMail[];
  /** Messages addressed to `email` (case-insensitive). */
  to(email: string): ReceivedMail[];
  /**
   * Waits until `count` messages match `predicate` (default: one), then returns them; fails after
   * `timeoutMs` naming what did arrive.
   */
  waitFor(
    predicate: (mail: ReceivedMail) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<ReceivedMail[]>;
  /** Resolves once nothing arrives for `quietMs` (to assert that no mail was sent). */
  settle(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free local port; every message is parsed
 * with `mailparser` and kept. No TLS, no authentication: what a test's `SMTP_URL=smtp://…` expects.
 */
export async function startTestMailbox(): Promise<TestMailbox> {
  const messages: ReceivedMail[] = [];
  let lastArrival = Date.now();
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed: ParsedMail) => {
          const text = parsed.text ?? '';
          const link = /https?:\/\/\S+#token=[A-Za-z0-9_%-]+/.exec(text)?.[0];
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            link,
            token: link ? decodeURIComponent(link.split('#token=')[1]) : undefined,
          });
          lastArrival = Date.now();
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (email) => messages.filter((m) => m.to.includes(email.toLowerCase())),
    async waitFor(predicate, { count = 1, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter(predicate);
        if (found.length >= count) return found;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `expected ${count} matching mail(s), got ${found.length}; received: ${JSON.stringify(messages.map((m) => ({ to: m.to, subject: m.subject })))}`,
          );
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, 200));
          waiters.add(wake);
        });
      }
    },
    async settle(quietMs = 500) {
      while (Date.now() - lastArrival < quietMs) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, quietMs));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
