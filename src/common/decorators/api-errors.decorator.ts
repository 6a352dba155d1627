import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes';

/** Documents a route's error answers, grouped by status, each listing its contract codes. */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, list]) => ApiResponse({ status, type: ErrorBodyDto, description: list.map((code) => `\`${code}\``).join(', ') })),
  );
}
