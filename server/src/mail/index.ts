/**
 * The mail domain's front door: the company's SMTP server (settings in the back office, the
 * password sealed) and sending one message through it. The sii worker mails documents with it.
 */

export { registerMailHandlers } from './mail.handlers.ts';
export { type SmtpSettings, smtpSettings } from './mail-settings.ts';
export { type OutgoingMail, sendMail } from './mailer.ts';
