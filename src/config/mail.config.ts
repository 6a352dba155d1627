import { settingsToken } from './settings-token';
import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader } from './env-reader';

export interface MailConfig {
  enabled: boolean;
  from: string;
  outboxDir: string;
  smtpUrl?: string;
  /** `file` writes .eml files to outboxDir (the default without SMTP_URL, outside production). */
  transport: 'file' | 'smtp';
  productName: string;
  publicUrl: string;
  /** The product's front end, which mail footers link to (default: the Swagger UI). */
  appUrl: string;
}

export function parseMailConfig(env: Env): MailConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  const enabled = reader.bool('MAIL_ENABLED', true);
  const smtpUrl = reader.url('SMTP_URL');
  const chosen = reader.raw('MAIL_TRANSPORT');
  const transport = reader.oneOf('MAIL_TRANSPORT', ['file', 'smtp'] as const, smtpUrl ? 'smtp' : 'file');
  if (transport === 'smtp' && !smtpUrl) throw new ConfigError('SMTP_URL', 'is required with MAIL_TRANSPORT=smtp');
  // Mail on disk holds live sign-in links: in production only when asked for by name.
  if (enabled && app.production && transport === 'file' && chosen !== 'file') {
    throw new ConfigError('SMTP_URL', 'is required with NODE_ENV=production (or set MAIL_TRANSPORT=file to keep mail as files under DATA_DIR/outbox)');
  }
  return {
    enabled,
    from: reader.string('MAIL_FROM', `${app.productName} <no-reply@localhost>`),
    outboxDir: `${app.dataDir}/outbox`,
    smtpUrl,
    transport,
    productName: app.productName,
    publicUrl: app.publicUrl,
    appUrl: reader.url('APP_URL', `${app.publicUrl}/api/docs`) as string,
  };
}

export const mailConfig = settingsToken<MailConfig>('mail', parseMailConfig);
