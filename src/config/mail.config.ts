import { registerAs } from '@nestjs/config';
import { parseAppConfig } from './app.config';
import { type Env, EnvReader } from './env-reader';

export interface MailConfig {
  enabled: boolean;
  from: string;
  outboxDir: string;
  smtpUrl?: string;
  productName: string;
  publicUrl: string;
}

export function parseMailConfig(env: Env): MailConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  return {
    enabled: reader.bool('MAIL_ENABLED', true),
    from: reader.string('MAIL_FROM', `${app.productName} <no-reply@localhost>`),
    outboxDir: `${app.dataDir}/outbox`,
    smtpUrl: reader.url('SMTP_URL'),
    productName: app.productName,
    publicUrl: app.publicUrl,
  };
}

export const mailConfig = registerAs('mail', (): MailConfig => parseMailConfig(process.env));
