import { Module } from '@nestjs/common';
import { MailerService } from './mailer.service.js';

/** Outgoing mail (needs ConfigModule, which is global). Imported by the libs that send. */
@Module({ providers: [MailerService], exports: [MailerService] })
export class MailModule {}
