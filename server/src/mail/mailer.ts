/**
 * Sends one message through a company's SMTP server with nodemailer: a connection per message
 * (documents are mailed one at a time, minutes apart), bounded timeouts so a dead server fails
 * the job instead of holding it, and a Message-ID chosen by the caller so a repeat is recognisable.
 */
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './mail-settings.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

const TIMEOUT_MS = 20_000;

/** Resolves with the server's answer once it accepted the message; rejects with its refusal. */
export async function sendMail(settings: SmtpSettings, mail: OutgoingMail): Promise<{ response: string }> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: settings.fromAddress,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      attachments: mail.attachments,
    });
    return { response: String(info.response ?? '') };
  } finally {
    transport.close();
  }
}
