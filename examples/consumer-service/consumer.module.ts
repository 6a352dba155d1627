import {
  Controller,
  type DynamicModule,
  Get,
  HttpCode,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Post,
  UseGuards,
} from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import type { Repository } from 'typeorm';
import {
  CurrentUser,
  type DurableEvents,
  ProfileAuthGuard,
  ProfileAuthModule,
  type ProfileEventHandlers,
  type ProfileUser,
  type ProfileWebhook,
  ProfileWebhookEvent,
  ProfileWebhookGuard,
  ProfileWebhooksModule,
  consumeProfileEvents,
} from '../../packages/nest-auth-client/src';
import { KnownUser } from './known-user.entity';
import { KnownUsers1764400000000 } from './known-users.migration';

export interface ConsumerSettings {
  /** The profile service's base URL (its PUBLIC_URL). */
  profileUrl: string;
  issuer: string;
  audience: string;
  brokerUrl: string;
  /** This service's durable consumer name on the profile service's stream. */
  durable: string;
  /** SQLite file of this service's own table. */
  database: string;
  /**
   * The `whsec_` secret(s) of this service's webhook endpoint (`POST /api/profile-webhooks`), for the same events
   * over HTTP: a service not on the broker needs only this. The app must be created with `{ rawBody: true }`.
   */
  webhookSecrets?: string[];
  /** The name this service confirms erasures under (the profile service's ERASURE_EXPECTED_SERVICES); default `consumer-service`. */
  erasureService?: string;
}

/** The settings and the broker client of one instance of the example. */
@Injectable()
export class ConsumerSettingsHolder {
  constructor(
    readonly value: ConsumerSettings,
    readonly client: ClientProxy,
  ) {}
}

/** Keeps the table in step with the profile service's events, received durably (also those sent while down). */
@Injectable()
export class KnownUsers implements OnApplicationBootstrap, OnModuleDestroy {
  private connection?: NatsConnection;
  private events?: DurableEvents;

  constructor(
    @InjectRepository(KnownUser) private readonly users: Repository<KnownUser>,
    private readonly settings: ConsumerSettingsHolder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.connection = await connect({ servers: [this.settings.value.brokerUrl] });
    this.events = await consumeProfileEvents(this.connection, this.handlers, {
      durable: this.settings.value.durable,
      // This service holds user data: it erases its row, then confirms to the profile service (erasure.confirmed).
      erasure: { service: this.settings.value.erasureService ?? 'consumer-service', erase: async (userId) => void (await this.users.delete({ id: userId })) },
    });
  }

  /** One handler per event, for both ways in (broker and webhook): applying an event twice changes nothing. */
  readonly handlers: ProfileEventHandlers = {
    'user.deleted': async ({ userId }) => void (await this.users.delete({ id: userId })),
    'profile.updated': async ({ userId, at }) => void (await this.users.update({ id: userId }, { profileUpdatedAt: at })),
  };

  async onModuleDestroy(): Promise<void> {
    await this.events?.stop();
    await this.connection?.close();
    await this.settings.client.close();
  }

  async remember(userId: string): Promise<KnownUser> {
    const known = await this.users.findOneBy({ id: userId });
    if (known) return known;
    const created = { id: userId, firstSeenAt: new Date().toISOString(), profileUpdatedAt: null };
    await this.users.insert(created);
    return created;
  }
}

@Controller('api/notes')
@UseGuards(ProfileAuthGuard)
export class NotesController {
  constructor(private readonly knownUsers: KnownUsers) {}

  /** The one protected route: who is asking, as this service knows them. */
  @Get()
  async mine(@CurrentUser() user: ProfileUser): Promise<KnownUser> {
    return this.knownUsers.remember(user.userId);
  }
}

/** The same events as webhooks, verified by the client package's guard (signature, and a 5-minute tolerance). */
@Controller('api/profile-webhooks')
export class ProfileWebhooksController {
  constructor(private readonly knownUsers: KnownUsers) {}

  @Post()
  @HttpCode(204)
  @UseGuards(ProfileWebhookGuard)
  async take(@ProfileWebhookEvent() webhook: ProfileWebhook): Promise<void> {
    const handler = this.knownUsers.handlers[webhook.type] as ((payload: unknown) => Promise<void>) | undefined;
    await handler?.(webhook.data);
  }
}

@Module({})
export class ConsumerModule {
  static forRoot(settings: ConsumerSettings): DynamicModule {
    // auth.verify on the profile service's broker: a deleted or signed-out session is refused at once.
    const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [settings.brokerUrl] } });
    return {
      module: ConsumerModule,
      imports: [
        // The example's own small table, made by its migration at start.
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: settings.database,
          entities: [KnownUser],
          migrations: [KnownUsers1764400000000],
          migrationsRun: true,
        }),
        TypeOrmModule.forFeature([KnownUser]),
        ProfileAuthModule.forRoot({
          jwksUrl: `${settings.profileUrl}/.well-known/jwks.json`,
          issuer: settings.issuer,
          audience: settings.audience,
          sessionCheck: { client, cacheMs: 1000 },
        }),
        ...(settings.webhookSecrets ? [ProfileWebhooksModule.forRoot({ secrets: settings.webhookSecrets })] : []),
      ],
      controllers: [NotesController, ...(settings.webhookSecrets ? [ProfileWebhooksController] : [])],
      providers: [{ provide: ConsumerSettingsHolder, useValue: new ConsumerSettingsHolder(settings, client) }, KnownUsers],
    };
  }
}
