import type { ErrorDetails } from './app-error';
import type { ErrorCode } from './error-codes';

/** The one error shape of the contract. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  requestId: string;
}
