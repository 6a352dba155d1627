import { Global, Module } from '@nestjs/common';
import { LinkPages } from './link-pages';
import { Translations } from './translations';

/** The catalogues of mails and pages; global because every feature that mails or serves a page needs them. */
@Global()
@Module({ providers: [Translations, LinkPages], exports: [Translations, LinkPages] })
export class I18nModule {}
