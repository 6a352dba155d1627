import {
  type ArgumentsHost,
  BadRequestException,
  Body,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  Module,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Public } from '../../src/common/decorators/public.decorator';
import { ProfileServiceModule } from '../../src/profile-service.module';

export class GreetingDto {
  @IsString()
  name: string;
}

/** The host application's own routes, next to the imported profile service. */
@Public()
@Controller('hello')
export class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'from the host application' };
  }

  @Post()
  greet(@Body() greeting: GreetingDto): { hello: string } {
    return { hello: greeting.name };
  }

  @Get('refused')
  refused(): never {
    throw new BadRequestException('the host says no');
  }
}

/** The host's own error shape (not the profile service's), for the host's own routes. */
@Catch(HttpException)
export class HostErrorsFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(exception.getStatus()).send({ hostError: exception.message });
  }
}

/**
 * Another Nest application that imports the profile service instead of running it: its own settings (here a
 * data directory of its own; everything else on the defaults) and its own database connection, while the host
 * keeps its own global validation (lenient: unknown fields pass) and its own error shape on its own routes.
 */
const settings = {
  DATA_DIR: process.env.HOST_APP_DATA_DIR ?? './host-app-data',
  BCRYPT_COST: '10',
  // A host on PostgreSQL passes its URL (CI runs this example on both databases).
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
};

@Module({
  imports: [ProfileServiceModule.forRoot({ settings })],
  controllers: [HelloController],
  providers: [
    { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true }) },
    { provide: APP_FILTER, useClass: HostErrorsFilter },
  ],
})
export class HostModule {}
