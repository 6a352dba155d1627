import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Imported first by scripts that boot the app for a moment: a throw-away data directory, no log output.
process.env.DATA_DIR ??= mkdtempSync(join(tmpdir(), 'profile-script-'));
process.env.LOG_LEVEL ??= 'silent';
