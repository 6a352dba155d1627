export class SessionResponseDto {
  id: string;

  /** True for the session of the access token that made this request. */
  current: boolean;

  createdAt: string;

  lastUsedAt: string;

  userAgent: string | null;

  /** As seen by the service (IPv4-mapped IPv6 shown as IPv4). */
  ip: string | null;
}
