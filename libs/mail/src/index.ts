/**
 * Outgoing mail: {@link MailerService} (nodemailer over `SMTP_URL`, links under `PUBLIC_URL`) and
 * the templates of every mail fusiongate sends ({@link renderMail}). Depends on config only.
 */
export * from './mail.module.js';
export * from './mailer.service.js';
export * from './templates.js';
