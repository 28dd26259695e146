// How the product reaches people outside the API (password resets, invitations): a channel that sends a
// plain-text message to an e-mail address. The gateway gives a logging channel by default and an SMTP
// channel (nodemailer) when SMTP_URL is set; modules only know this interface.
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface MailChannel {
  /** Sends one message; a failure is thrown (the caller decides whether the operation fails with it). */
  send(message: MailMessage): Promise<void>;
}
