import { UseFilters, UsePipes, applyDecorators } from '@nestjs/common';
import { createValidationPipe } from '../validation/validation.pipe';
import { AllExceptionsFilter } from './all-exceptions.filter';

const validation = createValidationPipe();

/**
 * The contract on this controller's routes (HTTP and broker): bodies validated strictly (unknown fields
 * refused, VALIDATION_FAILED) and every error in the contract's shape. Per controller rather than global, so
 * that a host application importing the feature keeps its own validation and errors on its own routes.
 */
export function ServiceContract(): ClassDecorator {
  return applyDecorators(UsePipes(validation), UseFilters(AllExceptionsFilter));
}
