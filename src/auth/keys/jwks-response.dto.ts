/** One public signing key (RFC 7517). Which members are present depends on `kty`. */
export class PublicJwkDto {
  /** @example "EC" */
  kty: 'EC' | 'RSA' | 'OKP';

  /** Key id, the `kid` in an access token's header. */
  kid: string;

  /** @example "ES256" */
  alg: string;

  use: 'sig';

  /** Curve (EC, OKP). @example "P-256" */
  crv?: string;

  x?: string;

  y?: string;

  /** RSA modulus. */
  n?: string;

  /** RSA exponent. */
  e?: string;
}

export class JwksResponseDto {
  /** Public signing keys, the current one first; retired keys stay until the tokens they signed have expired. */
  keys: PublicJwkDto[];
}
