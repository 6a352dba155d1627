import { Get, Header, applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { TOKEN_PAGE_CSP } from './token-page';

/** A GET page of a mailed link: self-contained HTML under a strict CSP, never cached, no referrer; documented. */
export function LinkPage(path: string, summary: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary, description: `${description} Opening the page consumes nothing (mail scanners follow links): the button posts the token.` }),
    ApiQuery({ name: 'token', required: false, description: 'The single-use token of the link.' }),
    ApiOkResponse({ description: 'The HTML page.', content: { 'text/html': { schema: { type: 'string' } } } }),
    Get(path),
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Content-Security-Policy', TOKEN_PAGE_CSP),
    Header('Cache-Control', 'no-store'),
    Header('Referrer-Policy', 'no-referrer'),
  );
}
