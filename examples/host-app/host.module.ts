import { Controller, Get, Module } from '@nestjs/common';
import { Public } from '../../src/common/decorators/public.decorator';
import { ProfileModule } from '../../src/profile/profile.module';

/** The host application's own route, next to the imported profile feature. */
@Public()
@Controller('hello')
export class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'from the host application' };
  }
}

/**
 * Another Nest application that imports the profile feature instead of running the profile service: its
 * own settings (here a data directory of its own; everything else on the defaults) and its own database.
 */
const settings = {
  DATA_DIR: process.env.HOST_APP_DATA_DIR ?? './host-app-data',
  BCRYPT_COST: '10',
  // A host on PostgreSQL passes its URL (CI runs this example on both databases).
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
};

@Module({
  imports: [ProfileModule.forRoot({ settings })],
  controllers: [HelloController],
})
export class HostModule {}
