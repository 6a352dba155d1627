import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/guards/auth-context';
import { Authenticated } from '../auth/guards/authenticated.decorator';
import { CurrentAuth } from '../auth/guards/current-auth.decorator';
import { ProfileResponseDto } from '../users/dto/profile-response.dto';
import { toProfileResponse } from '../users/profile.mapper';

@ApiTags('profile')
@Authenticated()
@Controller('auth/users/me')
export class ProfileController {
  @ApiOperation({ summary: 'Read my profile' })
  @Get()
  getMyProfile(@CurrentAuth() auth: AuthContext): ProfileResponseDto {
    return toProfileResponse(auth.user);
  }
}
