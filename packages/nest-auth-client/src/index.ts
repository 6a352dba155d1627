export { CurrentUser } from './current-user.decorator';
export { type ErasureOptions, confirmErasure } from './erasure';
export { type DurableEvents, type DurableEventsOptions, type ProfileEventHandlers, consumeProfileEvents } from './durable-events';
export * from './events';
export { type JwksCacheOptions, JwksKeys } from './jwks-keys';
export { PROFILE_AUTH_OPTIONS, type ProfileAuthOptions, type ProfileUser } from './options';
export { ProfileAuthGuard } from './profile-auth.guard';
export { ProfileAuthModule } from './profile-auth.module';
export { PROFILE_JWT_STRATEGY, ProfileJwtStrategy } from './profile-jwt.strategy';
export {
  PROFILE_WEBHOOK_OPTIONS,
  type ProfileWebhook,
  ProfileWebhookEvent,
  ProfileWebhookGuard,
  type ProfileWebhookOptions,
  ProfileWebhooksModule,
  WebhookVerificationError,
  verifyProfileWebhook,
} from './webhooks';
