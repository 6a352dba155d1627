import './script-env';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiJson } from './openapi-json';

/** Writes openapi.json from the code (npm run openapi). A test fails when the checked-in copy differs. */
generateOpenApiJson(process.env)
  .then((json) => writeFileSync(join(__dirname, '..', '..', 'openapi.json'), json))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
