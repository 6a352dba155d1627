import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const CHECK = join(ROOT, 'scripts', 'check-layers.mjs');

function check(root: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [CHECK, '--root', root], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The layout's guard (scripts/check-layers.mjs, run by `npm run lint`) passes on src/ and fails on a wrong-way import or a cycle. */
describe('the layer check', () => {
  const copies: string[] = [];
  const copyOfSrc = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'layers-'));
    cpSync(join(ROOT, 'src'), join(root, 'src'), { recursive: true });
    copies.push(root);
    return root;
  };
  after(() => copies.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('passes on the source tree as it is', () => {
    const { status, output } = check(ROOT);
    assert.equal(status, 0, output);
  });

  it('fails on a deliberate wrong-way import (auth reaching up into sign-in), naming the file', () => {
    const root = copyOfSrc();
    writeFileSync(join(root, 'src/auth/wrong-way.ts'), "import { LoginService } from '#src/sign-in/login.service';\nexport const wrong = LoginService;\n");
    const { status, output } = check(root);
    assert.equal(status, 1);
    assert.match(output, /auth\/wrong-way\.ts imports sign-in\/login\.service: src\/auth\/ may not depend on src\/sign-in\//);
  });

  it('fails on a cycle between two sibling folders, even inside one module', () => {
    const root = copyOfSrc();
    // totp -> passkeys is allowed on its own (the same module); passkeys -> totp as well closes a cycle.
    writeFileSync(join(root, 'src/second-factors/totp/uses-passkeys.ts'), "import { Passkeys } from '../passkeys/passkeys';\nexport const a = Passkeys;\n");
    writeFileSync(
      join(root, 'src/second-factors/passkeys/uses-totp.ts'),
      "import { TotpFactors } from '../totp/totp-factors';\nexport const b = TotpFactors;\n",
    );
    const { status, output } = check(root);
    assert.equal(status, 1);
    assert.match(output, /cycle between second-factors\/passkeys, second-factors\/totp/);
  });

  it('asks for #src/ between folders and relative paths inside one', () => {
    const root = copyOfSrc();
    writeFileSync(join(root, 'src/sign-in/relative-across.ts'), "import { AuthErrors } from '../auth/auth.errors';\nexport const a = AuthErrors;\n");
    writeFileSync(join(root, 'src/sign-in/aliased-inside.ts'), "import { SignInErrors } from '#src/sign-in/sign-in.errors';\nexport const b = SignInErrors;\n");
    const { status, output } = check(root);
    assert.equal(status, 1);
    assert.match(output, /sign-in\/relative-across\.ts: import '\.\.\/auth\/auth\.errors' reaches into src\/auth\/; write it as '#src\/auth\/auth\.errors'/);
    assert.match(output, /sign-in\/aliased-inside\.ts: import '#src\/sign-in\/sign-in\.errors' stays inside src\/sign-in\/; write it as a relative path/);
  });

  it('fails on a folder the table does not know', () => {
    const root = copyOfSrc();
    cpSync(join(root, 'src/common'), join(root, 'src/unlisted'), { recursive: true });
    writeFileSync(join(root, 'src/unlisted/reach.ts'), "import { AppError } from '#src/common/errors/app-error';\nexport const c = AppError;\n");
    const { status, output } = check(root);
    assert.equal(status, 1);
    assert.match(output, /src\/unlisted\/ is not in the layer table/);
  });
});
