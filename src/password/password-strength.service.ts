import { Injectable } from '@nestjs/common';
import type { PasswordCheckResponseDto } from './password-check.dto';
import { normalisePassword } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';

interface Estimator {
  check(password: string, userInputs?: string[]): { score: number };
}

/**
 * `POST /api/auth/password/check`: the policy's verdict and zxcvbn-ts' strength estimate, for a front end's meter.
 * The dictionaries (a few MB) load on the first check only: a deployment nobody asks never holds them.
 */
@Injectable()
export class PasswordStrength {
  private estimator?: Promise<Estimator>;

  constructor(private readonly policy: PasswordPolicy) {}

  async check(password: string, email?: string): Promise<PasswordCheckResponseDto> {
    const normalised = normalisePassword(password);
    const [{ reasons }, estimator] = await Promise.all([this.policy.evaluate(normalised, { email }), this.load()]);
    const userInputs = email ? [email, email.slice(0, email.lastIndexOf('@'))] : [];
    return { ok: reasons.length === 0, reasons, score: estimator.check(normalised, userInputs).score };
  }

  private load(): Promise<Estimator> {
    this.estimator ??= (async () => {
      const [{ ZxcvbnFactory }, common, english] = await Promise.all([
        import('@zxcvbn-ts/core'),
        import('@zxcvbn-ts/language-common'),
        import('@zxcvbn-ts/language-en'),
      ]);
      return new ZxcvbnFactory({
        translations: english.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...english.dictionary },
      });
    })();
    return this.estimator;
  }
}
