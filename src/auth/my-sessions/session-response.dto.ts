import { ApiTimestamp, ApiUuid } from '#src/common/decorators/api-formats.decorator';
export class SessionResponseDto {
  @ApiUuid()
  id: string;

  /** True for the session of the access token that made this request. */
  current: boolean;

  @ApiTimestamp()
  createdAt: string;

  @ApiTimestamp()
  lastUsedAt: string;

  userAgent: string | null;

  /** As seen by the service (IPv4-mapped IPv6 shown as IPv4). */
  ip: string | null;
}
