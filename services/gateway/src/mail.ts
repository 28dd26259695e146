// The mail channels behind the schema's MailChannel: SMTP through nodemailer when SMTP_URL is set,
// else a logging channel (development: the message's text is logged so a developer can follow a reset
// link; production: only that a message would have gone out, never its text, which holds a secret).
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { MailChannel } from '@jiedai/schema';

export function smtpChannel(options: { url: string; from: string }): MailChannel & { close(): void } {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

export function loggingChannel(log: Logger, options: { includeText: boolean }): MailChannel {
  return {
    async send(message) {
      // `to` is an e-mail address: the logger redacts `*.email`, so it is logged under that name.
      log.info(
        { mail: { email: message.to, subject: message.subject, ...(options.includeText ? { text: message.text } : {}) } },
        'mail (no SMTP_URL: logged, not sent)',
      );
    },
  };
}
