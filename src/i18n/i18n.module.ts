import { Global, Module } from '@nestjs/common';
import { Translations } from './translations';

/** The catalogues of mails and pages; global because every feature that mails or serves a page needs them. */
@Global()
@Module({ providers: [Translations], exports: [Translations] })
export class I18nModule {}
