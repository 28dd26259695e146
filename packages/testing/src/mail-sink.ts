// A real SMTP server on a free port that keeps what it receives (smtp-server), for tests of e-mail:
// the gateway's SMTP channel (nodemailer) delivers to it over a real connection.
import { SMTPServer } from 'smtp-server';
import { freePort } from './net.ts';

export interface ReceivedMail {
  to: string[];
  /** The whole message as received (headers and body). */
  raw: string;
  /** The text body, decoded from quoted-printable or base64. */
  text: string;
}

export interface MailSink {
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const port = await freePort();
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // No reverse DNS of the client (127.0.0.1): it cost most of a delivery's time here.
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: textOf(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The body of a single-part text message, decoded (nodemailer picks quoted-printable or base64 for Chinese text). */
function textOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}
