/** `{ success: true }`: the answer of a route that has nothing else to say. */
export class SuccessResponseDto {
  success: true;
}
