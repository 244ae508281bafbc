import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail { raw: Buffer; parsed: ParsedMail; from: string; to: string[]; user?: string }

export interface SmtpBehaviour {
  /** RCPT TO of these addresses is answered 550 */
  rejectRecipients?: string[];
  /** the first n messages get a 451 after DATA */
  tempFailures?: number;
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1: STARTTLS (or implicit TLS) with the given certificate,
 * AUTH PLAIN/LOGIN required (and only after STARTTLS) with one username and password, every
 * accepted message kept raw and parsed (mailparser).
 */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  authFailures = 0;
  private server: SMTPServer | null = null;

  constructor(private opts: { cert: Buffer; key: Buffer; username: string; password: string; behaviour?: SmtpBehaviour; implicitTls?: boolean }) {}

  get behaviour(): SmtpBehaviour {
    this.opts.behaviour ??= {};
    return this.opts.behaviour;
  }

  start(port = 0): Promise<number> {
    const { username, password } = this.opts;
    const options: SMTPServerOptions = {
      secure: this.opts.implicitTls ?? false,
      key: this.opts.key,
      cert: this.opts.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      disableReverseLookup: true,
      onAuth: (auth, _session, cb) => {
        if (auth.username === username && auth.password === password) return cb(null, { user: auth.username });
        this.authFailures++;
        return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, cb) => {
        if (this.behaviour.rejectRecipients?.includes(address.address)) {
          return cb(Object.assign(new Error(`<${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
        }
        return cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if ((this.behaviour.tempFailures ?? 0) > 0) {
            this.behaviour.tempFailures = (this.behaviour.tempFailures ?? 0) - 1;
            return cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then((parsed) => {
            this.received.push({
              raw,
              parsed,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              user: session.user as string | undefined,
            });
            cb();
          }, cb);
        });
      },
    };
    this.server = new SMTPServer(options);
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
    });
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
}
